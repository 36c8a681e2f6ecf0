package com.datasaas.accounts;

import com.datasaas.app.ApiException;
import com.datasaas.app.RandomIds;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    private final ApiKeyRepository keys;
    private final WebsiteOwnership websites;
    private final Clock clock;

    ApiKeyController(ApiKeyRepository keys, WebsiteOwnership websites, Clock clock) {
        this.keys = keys;
        this.websites = websites;
        this.clock = clock;
    }

    record CreateKey(String name, String scope, String websiteId) {}

    @PostMapping("/api/api-keys")
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, Object> create(@RequestBody CreateKey body) {
        Caller caller = Caller.current();
        caller.requireAccountWide();
        String name = body.name() == null ? "" : body.name().strip();
        if (name.isEmpty() || name.length() > 100) {
            throw ApiException.badRequest("Field 'name' is required and must be at most 100 characters.");
        }
        Caller.Scope scope;
        if ("read".equals(body.scope())) {
            scope = Caller.Scope.READ;
        } else if ("write".equals(body.scope())) {
            scope = Caller.Scope.WRITE;
        } else {
            throw ApiException.badRequest("Field 'scope' must be \"read\" or \"write\".");
        }
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
        Map<String, Object> view = view(key);
        view.put("key", secret);
        return view;
    }

    @GetMapping("/api/api-keys")
    Map<String, Object> list() {
        Caller caller = Caller.current();
        caller.requireAccountWide();
        List<Map<String, Object>> views = keys.listByAccount(caller.accountId()).stream()
                .map(ApiKeyController::view)
                .toList();
        return Map.of("api_keys", views);
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

    private static Map<String, Object> view(ApiKey key) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", key.id());
        view.put("name", key.name());
        view.put("scope", key.scope().name().toLowerCase(Locale.ROOT));
        view.put("website_id", key.websiteId());
        view.put("key_hint", key.keyHint());
        view.put("created_at", key.createdAt().toString());
        view.put(
                "last_used_at",
                key.lastUsedAt() == null ? null : key.lastUsedAt().toString());
        return view;
    }
}
