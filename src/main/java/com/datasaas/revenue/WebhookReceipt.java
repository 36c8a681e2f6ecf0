package com.datasaas.revenue;

import io.swagger.v3.oas.annotations.media.Schema;

/** What a payment provider's webhook delivery is answered with. */
record WebhookReceipt(
        boolean received,

        @Schema(description = "How many payments the event recorded or updated.")
        int payments) {}
