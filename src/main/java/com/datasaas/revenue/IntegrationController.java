package com.datasaas.revenue;

import com.datasaas.accounts.Caller;
import com.datasaas.app.ApiException;
import com.datasaas.sites.Website;
import com.datasaas.sites.Websites;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.annotation.Nullable;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

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
    private final Clock clock;

    IntegrationController(
            Websites websites,
            PaymentProviders providers,
            Integrations integrations,
            PaymentLedger ledger,
            RevenueSync sync,
            Clock clock) {
        this.websites = websites;
        this.providers = providers;
        this.integrations = integrations;
        this.ledger = ledger;
        this.sync = sync;
        this.clock = clock;
    }

    /**
     * The body of POST .../integrations/connect. {@code webhook_secret} is a JSON node on purpose: an explicit
     * {@code null} removes the secret while an absent field keeps it (docs/revenue.md); Jackson binds the first to a
     * null node and the second to Java null, which a String component cannot tell apart.
     */
    record Connection(
            @Schema(allowableValues = {"stripe", "lemonsqueezy"})
            @Size(max = 64, message = "must be at most 64 characters")
            String provider,

            @Schema(description = "A restricted, read-only key is enough; checked with the provider, then sealed.")
            @Size(max = MAX_SECRET_LENGTH, message = "must be at most " + MAX_SECRET_LENGTH + " characters")
            String apiKey,

            @Schema(
                    implementation = String.class,
                    types = {"string", "null"},
                    description = "The webhook endpoint's signing secret (Stripe: whsec_...); null removes it.")
            @Nullable
            JsonNode webhookSecret) {}

    /** The body of PATCH .../integrations/{provider}; {@code webhook_secret} as in {@link Connection}. */
    record IntegrationChanges(
            @Schema(
                    implementation = String.class,
                    types = {"string", "null"},
                    description = "The webhook endpoint's signing secret; null removes it, absent keeps it.")
            @Nullable
            JsonNode webhookSecret) {}

    /** The body of POST .../integrations/sync (or the `provider` query parameter); optional. */
    record SyncRequest(
            @Schema(description = "Default: every connected provider.")
            @Nullable
            @Size(max = 64, message = "must be at most 64 characters")
            String provider) {}

    /** A sync's progress: idle (never ran since start-up), or the latest run. */
    @Schema(oneOf = {IdleSync.class, SyncRun.class})
    sealed interface SyncState permits IdleSync, SyncRun {}

    record IdleSync(
            @Schema(allowableValues = "idle") String state,
            @Schema(types = "null") Object progress) implements SyncState {}

    record SyncRun(
            @Schema(allowableValues = {"running", "succeeded", "failed"})
            String state,

            @Schema(description = "Percent done, 0 to 100.") int progress,
            String phase,
            int paymentsSeen,
            Instant startedAt,
            @Nullable Instant finishedAt,
            @Nullable String error)
            implements SyncState {}

    record IntegrationStatus(
            String provider,
            boolean connected,
            @Nullable String accountName,

            @Schema(description = "The stored key's last four characters; the key is never shown again.") @Nullable
            String keyLast4,

            boolean webhookSecretSet,

            @Schema(description = "Where to point the provider's webhook (path; prefix with this server's URL).")
            String webhookUrl,

            @Nullable Instant lastSyncedAt,
            @Nullable String lastError,
            long paymentsSynced,
            SyncState sync) {}

    record IntegrationList(List<IntegrationStatus> integrations) {}

    record SyncStarted(List<String> providers, SyncState sync) {}

    @PostMapping("/connect")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(
            content = @Content(schema = @Schema(implementation = Connection.class)))
    @ApiResponse(responseCode = "200", description = "Connected; the integration's status.")
    @ApiResponse(responseCode = "400", description = "The provider rejected the key, or a field is invalid.")
    @ApiResponse(responseCode = "502", description = "The provider could not be reached to check the key.")
    IntegrationStatus connect(@PathVariable String id, @Valid @RequestBody Connection body) {
        Website site = writable(id);
        PaymentProvider provider = providers.require(body.provider());
        String apiKey = body.apiKey();
        if (apiKey == null || apiKey.isBlank()) {
            throw ApiException.badRequest("Field 'api_key' is required: paste a " + provider.displayName()
                    + " API key (a restricted, read-only key is enough).");
        }
        String webhookSecret = webhookSecret(body.webhookSecret(), provider);
        String accountName;
        try {
            accountName = provider.verify(apiKey.strip());
        } catch (ProviderException e) {
            throw new ApiException(e.keyRejected() ? HttpStatus.BAD_REQUEST : HttpStatus.BAD_GATEWAY, e.getMessage());
        }
        integrations.connect(site.id(), provider.id(), apiKey.strip(), accountName, clock.instant());
        if (body.webhookSecret() != null) integrations.setWebhookSecret(site.id(), provider.id(), webhookSecret);
        return status(site.id(), provider);
    }

    @PatchMapping("/{provider}")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(
            content = @Content(schema = @Schema(implementation = IntegrationChanges.class)))
    IntegrationStatus update(
            @PathVariable String id,
            @PathVariable("provider") String providerId,
            @Valid @RequestBody(required = false) IntegrationChanges body) {
        Website site = writable(id);
        PaymentProvider provider = providers.require(providerId);
        if (body != null && body.webhookSecret() != null) {
            integrations.setWebhookSecret(site.id(), provider.id(), webhookSecret(body.webhookSecret(), provider));
        }
        return status(site.id(), provider);
    }

    @DeleteMapping("/disconnect")
    IntegrationStatus disconnect(@PathVariable String id, @RequestParam(required = false) String provider) {
        Website site = writable(id);
        PaymentProvider p = providers.require(provider);
        integrations.disconnect(site.id(), p.id());
        return status(site.id(), p);
    }

    @GetMapping("/status")
    @ApiResponse(
            responseCode = "200",
            description = "One provider's status with `provider`, else `{\"integrations\": [...]}` for all.",
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(oneOf = {IntegrationStatus.class, IntegrationList.class})))
    Object status(@PathVariable String id, @RequestParam(required = false) String provider) {
        Website site = websites.require(Caller.current(), id);
        if (provider == null) {
            return new IntegrationList(providers.ids().stream()
                    .map(p -> status(site.id(), providers.require(p)))
                    .toList());
        }
        return status(site.id(), providers.require(provider));
    }

    @PostMapping("/sync")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @ApiResponse(responseCode = "202", description = "Started; follow it in the status.")
    @ApiResponse(responseCode = "409", description = "A sync of this website is already running.")
    SyncStarted sync(
            @PathVariable String id,
            @RequestParam(required = false) String provider,
            @Valid @RequestBody(required = false) SyncRequest body) {
        Website site = writable(id);
        String requested = provider;
        if (requested == null && body != null) {
            requested = body.provider();
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
        return new SyncStarted(targets, syncView(run));
    }

    private Website writable(String id) {
        Caller caller = Caller.current();
        Website site = websites.require(caller, id);
        if (caller.scope() != Caller.Scope.WRITE) {
            throw new ApiException(HttpStatus.FORBIDDEN, "This API key is read-only. Use a key with write scope.");
        }
        return site;
    }

    /** The secret to store, or null to remove it (JSON null or blank). */
    private static String webhookSecret(JsonNode field, PaymentProvider provider) {
        if (field == null || field.isNull()) return null;
        if (!field.isString()) {
            throw ApiException.invalid("webhook_secret", "Field 'webhook_secret' must be a string or null.");
        }
        String secret = field.stringValue();
        if (secret.length() > MAX_SECRET_LENGTH) {
            throw ApiException.invalid(
                    "webhook_secret", "Field 'webhook_secret' must be at most " + MAX_SECRET_LENGTH + " characters.");
        }
        if (secret.isBlank()) return null;
        secret = secret.strip();
        if (StripeProvider.ID.equals(provider.id()) && !secret.startsWith("whsec_")) {
            throw ApiException.invalid(
                    "webhook_secret",
                    "Field 'webhook_secret' must be the endpoint's signing secret, which starts"
                            + " with 'whsec_' (Stripe Dashboard > Developers > Webhooks > your endpoint).");
        }
        return secret;
    }

    private IntegrationStatus status(String siteId, PaymentProvider provider) {
        Integrations.Integration row = integrations.find(siteId, provider.id()).orElse(null);
        return new IntegrationStatus(
                provider.id(),
                row != null && row.connected(),
                row == null || !row.connected() ? null : row.accountName(),
                row == null ? null : row.keyLast4(),
                row != null && row.webhookSecretSet(),
                "/api/webhooks/" + provider.id() + "/" + siteId,
                row == null ? null : row.lastSyncedAt(),
                row == null ? null : row.lastError(),
                ledger.count(siteId, provider.id()),
                sync.run(siteId).map(IntegrationController::syncView).orElseGet(IntegrationController::idle));
    }

    private static SyncState idle() {
        return new IdleSync("idle", null);
    }

    static SyncState syncView(RevenueSync.Run run) {
        return new SyncRun(
                run.state,
                (int) Math.floor(run.progress * 100),
                run.phase,
                run.payments,
                run.startedAt,
                run.finishedAt,
                run.error);
    }
}
