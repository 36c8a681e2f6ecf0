package com.datasaas.revenue;

import com.datasaas.accounts.Caller;
import com.datasaas.app.ApiException;
import com.datasaas.app.JsonBodies;
import com.datasaas.sites.Website;
import com.datasaas.sites.Websites;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Connecting a site to a payment provider. A key is checked against the provider before it is stored, stored sealed,
 * and never shown again (status shows its last four characters). Syncs run in the background; status shows their
 * progress.
 */
@RestController
@RequestMapping("/api/websites/{id}/integrations")
final class IntegrationController {
    private static final int MAX_SECRET_LENGTH = 512;

    private final Websites websites;
    private final PaymentProviders providers;
    private final Integrations integrations;
    private final PaymentLedger ledger;
    private final RevenueSync sync;
    private final ObjectMapper json;
    private final Clock clock;

    IntegrationController(
            Websites websites,
            PaymentProviders providers,
            Integrations integrations,
            PaymentLedger ledger,
            RevenueSync sync,
            ObjectMapper json,
            Clock clock) {
        this.websites = websites;
        this.providers = providers;
        this.integrations = integrations;
        this.ledger = ledger;
        this.sync = sync;
        this.json = json;
        this.clock = clock;
    }

    @PostMapping("/connect")
    Map<String, Object> connect(@PathVariable String id, @RequestBody(required = false) byte[] body) {
        Website site = writable(id);
        JsonNode fields = JsonBodies.parseObject(json, body);
        PaymentProvider provider = providers.require(JsonBodies.string(fields, "provider", 64));
        String apiKey = JsonBodies.string(fields, "api_key", MAX_SECRET_LENGTH);
        if (apiKey == null || apiKey.isBlank()) {
            throw ApiException.badRequest("Field 'api_key' is required: paste a " + provider.displayName()
                    + " API key (a restricted, read-only key is enough).");
        }
        String webhookSecret = webhookSecret(fields, provider);
        String accountName;
        try {
            accountName = provider.verify(apiKey.strip());
        } catch (ProviderException e) {
            throw new ApiException(e.keyRejected() ? HttpStatus.BAD_REQUEST : HttpStatus.BAD_GATEWAY, e.getMessage());
        }
        integrations.connect(site.id(), provider.id(), apiKey.strip(), accountName, clock.instant());
        if (fields.has("webhook_secret")) integrations.setWebhookSecret(site.id(), provider.id(), webhookSecret);
        return status(site.id(), provider);
    }

    @PatchMapping("/{provider}")
    Map<String, Object> update(
            @PathVariable String id,
            @PathVariable("provider") String providerId,
            @RequestBody(required = false) byte[] body) {
        Website site = writable(id);
        PaymentProvider provider = providers.require(providerId);
        JsonNode fields = JsonBodies.parseObject(json, body);
        if (fields.has("webhook_secret")) {
            integrations.setWebhookSecret(site.id(), provider.id(), webhookSecret(fields, provider));
        }
        return status(site.id(), provider);
    }

    @DeleteMapping("/disconnect")
    Map<String, Object> disconnect(@PathVariable String id, @RequestParam(required = false) String provider) {
        Website site = writable(id);
        PaymentProvider p = providers.require(provider);
        integrations.disconnect(site.id(), p.id());
        return status(site.id(), p);
    }

    @GetMapping("/status")
    Map<String, Object> status(@PathVariable String id, @RequestParam(required = false) String provider) {
        Website site = websites.require(Caller.current(), id);
        if (provider == null) {
            List<Map<String, Object>> all = providers.ids().stream()
                    .map(p -> status(site.id(), providers.require(p)))
                    .toList();
            return Map.of("integrations", all);
        }
        return status(site.id(), providers.require(provider));
    }

    @PostMapping("/sync")
    ResponseEntity<Map<String, Object>> sync(
            @PathVariable String id,
            @RequestParam(required = false) String provider,
            @RequestBody(required = false) byte[] body) {
        Website site = writable(id);
        String requested = provider;
        if (requested == null && body != null && body.length > 0) {
            requested = JsonBodies.string(JsonBodies.parseObject(json, body), "provider", 64);
        }
        List<String> connected = integrations.connectedProviders(site.id());
        List<String> targets;
        if (requested != null) {
            PaymentProvider p = providers.require(requested);
            if (!connected.contains(p.id())) {
                throw ApiException.badRequest(p.displayName() + " is not connected to this website: connect it first.");
            }
            targets = List.of(p.id());
        } else {
            if (connected.isEmpty()) {
                throw ApiException.badRequest("No payment provider is connected to this website: connect one first.");
            }
            targets = connected;
        }
        RevenueSync.Run run = sync.start(site.id(), targets)
                .orElseThrow(() -> new ApiException(
                        HttpStatus.CONFLICT,
                        "A sync of this website is already running; follow its progress in the integration status."));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("providers", targets);
        out.put("sync", syncView(run));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(out);
    }

    private Website writable(String id) {
        Caller caller = Caller.current();
        Website site = websites.require(caller, id);
        if (caller.scope() != Caller.Scope.WRITE) {
            throw new ApiException(HttpStatus.FORBIDDEN, "This API key is read-only. Use a key with write scope.");
        }
        return site;
    }

    private static String webhookSecret(JsonNode fields, PaymentProvider provider) {
        String secret = JsonBodies.string(fields, "webhook_secret", MAX_SECRET_LENGTH);
        if (secret == null || secret.isBlank()) return null;
        secret = secret.strip();
        if (StripeProvider.ID.equals(provider.id()) && !secret.startsWith("whsec_")) {
            throw ApiException.badRequest("Field 'webhook_secret' must be the endpoint's signing secret, which starts"
                    + " with 'whsec_' (Stripe Dashboard > Developers > Webhooks > your endpoint).");
        }
        return secret;
    }

    private Map<String, Object> status(String siteId, PaymentProvider provider) {
        Integrations.Integration row = integrations.find(siteId, provider.id()).orElse(null);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("provider", provider.id());
        out.put("connected", row != null && row.connected());
        out.put("account_name", row == null || !row.connected() ? null : row.accountName());
        out.put("key_last4", row == null ? null : row.keyLast4());
        out.put("webhook_secret_set", row != null && row.webhookSecretSet());
        out.put("webhook_url", "/api/webhooks/" + provider.id() + "/" + siteId);
        out.put(
                "last_synced_at",
                row == null || row.lastSyncedAt() == null
                        ? null
                        : row.lastSyncedAt().toString());
        out.put("last_error", row == null ? null : row.lastError());
        out.put("payments_synced", ledger.count(siteId, provider.id()));
        out.put("sync", sync.run(siteId).map(IntegrationController::syncView).orElseGet(IntegrationController::idle));
        return out;
    }

    private static Map<String, Object> idle() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", "idle");
        out.put("progress", null);
        return out;
    }

    static Map<String, Object> syncView(RevenueSync.Run run) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", run.state);
        out.put("progress", (int) Math.floor(run.progress * 100));
        out.put("phase", run.phase);
        out.put("payments_seen", run.payments);
        out.put("started_at", run.startedAt.toString());
        out.put("finished_at", run.finishedAt == null ? null : run.finishedAt.toString());
        out.put("error", run.error);
        return out;
    }
}
