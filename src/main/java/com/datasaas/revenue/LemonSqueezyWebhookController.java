package com.datasaas.revenue;

import com.datasaas.app.ApiException;
import com.datasaas.sites.Websites;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Lemon Squeezy's webhook for one site: {@code X-Signature} is the hex HMAC-SHA256 of the raw body under the
 * webhook's signing secret, checked in constant time before anything is parsed. Order events carry the checkout's
 * custom data in {@code meta.custom_data}, which is how Lemon Squeezy orders get their visitor: pass
 * {@code checkout[custom][datasaas_visitor_id]} and {@code checkout[custom][datasaas_session_id]}.
 */
@RestController
final class LemonSqueezyWebhookController {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Websites websites;
    private final Integrations integrations;
    private final PaymentLedger ledger;

    LemonSqueezyWebhookController(Websites websites, Integrations integrations, PaymentLedger ledger) {
        this.websites = websites;
        this.integrations = integrations;
        this.ledger = ledger;
    }

    @PostMapping("/api/webhooks/lemonsqueezy/{websiteId}")
    WebhookReceipt receive(
            @PathVariable String websiteId,
            @RequestHeader(name = "X-Signature", required = false) String signature,
            @RequestBody(required = false) byte[] body) {
        if (websites.tracked(websiteId).isEmpty()) {
            throw ApiException.notFound("Website " + websiteId + " not found.");
        }
        // No secret stored and a wrong signature get the same answer: whether a secret is set is not public.
        String secret =
                integrations.webhookSecret(websiteId, LemonSqueezyProvider.ID).orElse(null);
        if (secret == null || signature == null || body == null || !valid(body, signature, secret)) {
            throw ApiException.badRequest("Invalid or missing X-Signature: check that the signing secret stored for"
                    + " this website (Lemon Squeezy integration settings, field 'webhook_secret') is this webhook's.");
        }
        JsonNode event;
        try {
            event = JSON.readTree(body);
        } catch (JacksonException e) {
            throw ApiException.badRequest("The body is not a Lemon Squeezy event.");
        }
        String name = event.path("meta").path("event_name").asString("");
        JsonNode data = event.path("data");
        if (!(name.equals("order_created") || name.equals("order_refunded"))
                || !"orders".equals(data.path("type").asString(""))) {
            return new WebhookReceipt(true, 0);
        }
        Map<String, String> custom = LemonSqueezyProvider.customData(event);
        IncomingPayment payment = LemonSqueezyProvider.fromOrder(data, Instant.EPOCH, custom, "webhook");
        if (payment == null) return new WebhookReceipt(true, 0);
        ledger.record(websiteId, payment);
        return new WebhookReceipt(true, 1);
    }

    static String sign(byte[] body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean valid(byte[] body, String signature, String secret) {
        byte[] expected = sign(body, secret).getBytes(StandardCharsets.US_ASCII);
        byte[] given = signature.strip().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given);
    }
}
