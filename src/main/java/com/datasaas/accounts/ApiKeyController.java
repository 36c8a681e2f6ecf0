package com.datasaas.accounts;

import com.datasaas.app.ApiException;
import com.datasaas.app.RandomIds;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.annotation.Nullable;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
class ApiKeyController {
    static final String PREFIX = "ds_live_";
    static final int SECRET_LENGTH = 32;
    private static final String NAME_RULE = "is required and must be at most 100 characters";
    private static final String SCOPE_RULE = "must be \"read\" or \"write\"";

    private final ApiKeyRepository keys;
    private final WebsiteOwnership websites;
    private final Clock clock;

    ApiKeyController(ApiKeyRepository keys, WebsiteOwnership websites, Clock clock) {
        this.keys = keys;
        this.websites = websites;
        this.clock = clock;
    }

    /** The body of POST /api/api-keys, checked by Bean Validation (a 400 naming the field). */
    record CreateKey(
            @Schema(example = "CI exports") @NotBlank(message = NAME_RULE) @Size(max = 100, message = NAME_RULE)
            String name,

            @Schema(allowableValues = {"read", "write"})
            @NotNull(message = SCOPE_RULE)
            @Pattern(regexp = "read|write", message = SCOPE_RULE)
            String scope,

            @Schema(description = "Limits the key to this website; account-wide when absent.") @Nullable
            String websiteId) {}

    /** A key as listed: never the secret itself. */
    record KeyView(
            String id,
            String name,
            @Schema(allowableValues = {"read", "write"}) String scope,
            @Nullable String websiteId,

            @Schema(description = "The first and last four characters of the key.")
            String keyHint,

            Instant createdAt,
            @Nullable Instant lastUsedAt) {
        static KeyView of(ApiKey key) {
            return new KeyView(
                    key.id(),
                    key.name(),
                    key.scope().name().toLowerCase(Locale.ROOT),
                    key.websiteId(),
                    key.keyHint(),
                    key.createdAt(),
                    key.lastUsedAt());
        }
    }

    /** A key just created: the only answer that holds the key itself. */
    record CreatedKey(
            String id,
            String name,
            @Schema(allowableValues = {"read", "write"}) String scope,
            @Nullable String websiteId,
            String keyHint,
            Instant createdAt,
            @Nullable Instant lastUsedAt,

            @Schema(description = "`ds_live_` + 32 letters and digits; shown only here.")
            String key) {}

    record KeyList(List<KeyView> apiKeys) {}

    @PostMapping("/api/api-keys")
    @ResponseStatus(HttpStatus.CREATED)
    @ApiResponse(responseCode = "201", description = "Created; the answer is the only place the key is shown.")
    @ApiResponse(responseCode = "404", description = "website_id names a website you cannot reach.")
    CreatedKey create(@Valid @RequestBody CreateKey body) {
        Caller caller = Caller.current();
        caller.requireAccountWide();
        String name = body.name().strip();
        Caller.Scope scope = "write".equals(body.scope()) ? Caller.Scope.WRITE : Caller.Scope.READ;
        if (body.websiteId() != null && !websites.owns(caller.accountId(), body.websiteId())) {
            throw ApiException.notFound("Website " + body.websiteId() + " not found.");
        }
        String secret = PREFIX + RandomIds.base62(SECRET_LENGTH);
        String hint = secret.substring(0, PREFIX.length() + 4) + "…" + secret.substring(secret.length() - 4);
        ApiKey key = new ApiKey(
                "key_" + RandomIds.base62(12),
                caller.accountId(),
                name,
                scope,
                body.websiteId(),
                hint,
                clock.instant(),
                null);
        keys.insert(key, secret);
        KeyView view = KeyView.of(key);
        return new CreatedKey(
                view.id(),
                view.name(),
                view.scope(),
                view.websiteId(),
                view.keyHint(),
                view.createdAt(),
                view.lastUsedAt(),
                secret);
    }

    @GetMapping("/api/api-keys")
    KeyList list() {
        Caller caller = Caller.current();
        caller.requireAccountWide();
        return new KeyList(
                keys.listByAccount(caller.accountId()).stream().map(KeyView::of).toList());
    }

    @DeleteMapping("/api/api-keys/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void revoke(@PathVariable String id) {
        Caller caller = Caller.current();
        caller.requireAccountWide();
        if (!keys.delete(caller.accountId(), id)) {
            throw ApiException.notFound("API key " + id + " not found.");
        }
    }
}
