package com.datasaas.revenue;

import com.datasaas.app.ApiException;
import com.datasaas.sites.Websites;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Event;
import com.stripe.net.Webhook;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Stripe's webhook for one site. The signature is checked over the raw body with the site's signing secret before
 * anything is parsed or stored; a bad or missing signature is a 400 and leaves no trace. Events that do not carry a
 * payment are acknowledged and ignored, so Stripe does not retry them.
 */
@RestController
final class StripeWebhookController {
    private static final Logger log = LoggerFactory.getLogger(StripeWebhookController.class);

    private final Websites websites;
    private final Integrations integrations;
    private final StripeProvider stripe;
    private final PaymentLedger ledger;

    StripeWebhookController(Websites websites, Integrations integrations, StripeProvider stripe, PaymentLedger ledger) {
        this.websites = websites;
        this.integrations = integrations;
        this.stripe = stripe;
        this.ledger = ledger;
    }

    private static ApiException badSignature() {
        return ApiException.badRequest("Invalid or missing Stripe-Signature: check that the signing secret stored for"
                + " this website (Stripe integration settings, field 'webhook_secret') is this endpoint's.");
    }

    @PostMapping("/api/webhooks/stripe/{websiteId}")
    @ApiResponse(responseCode = "200", description = "Verified and recorded.")
    @ApiResponse(
            responseCode = "503",
            description = "Stripe's API could not be reached to complete the event; Stripe retries the delivery.")
    WebhookReceipt receive(
            @PathVariable String websiteId,
            @RequestHeader(name = "Stripe-Signature", required = false) String signature,
            @RequestBody(required = false) byte[] body) {
        if (websites.tracked(websiteId).isEmpty()) {
            throw ApiException.notFound("Website " + websiteId + " not found.");
        }
        // No secret stored and a wrong signature get the same answer: whether a secret is set is not public.
        String secret = integrations.webhookSecret(websiteId, StripeProvider.ID).orElse(null);
        if (secret == null || signature == null || signature.isBlank() || body == null) {
            throw badSignature();
        }
        Event event;
        try {
            event = Webhook.constructEvent(new String(body, StandardCharsets.UTF_8), signature, secret);
        } catch (SignatureVerificationException e) {
            throw badSignature();
        } catch (RuntimeException e) {
            throw ApiException.badRequest("The body is not a Stripe event.");
        }
        String apiKey = integrations.apiKey(websiteId, StripeProvider.ID).orElse(null);
        List<IncomingPayment> payments;
        try {
            payments = stripe.fromEvent(event, apiKey);
        } catch (ProviderException e) {
            // Stripe retries non-2xx deliveries, which is what we want when its API was unreachable.
            log.warn(
                    "Stripe event {} for site {} could not be completed: {}", event.getId(), websiteId, e.getMessage());
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        }
        for (IncomingPayment payment : payments) {
            ledger.record(websiteId, payment);
        }
        return new WebhookReceipt(true, payments.size());
    }
}
