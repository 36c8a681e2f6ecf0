package com.datasaas.accounts;

import com.datasaas.app.ApiErrors;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer ds_live_...} for this request only (nothing goes into the session).
 * A bad key is answered 401 right here rather than falling back to a session cookie: CSRF checks are skipped for
 * bearer requests, so a bearer header must never end up authenticating through the cookie.
 */
final class ApiKeyAuthenticationFilter extends OncePerRequestFilter {
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    private final ApiKeyRepository keys;
    private final Clock clock;
    private final Map<String, Instant> lastTouched = new ConcurrentHashMap<>();

    ApiKeyAuthenticationFilter(ApiKeyRepository keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    static boolean hasBearer(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!hasBearer(request)) {
            chain.doFilter(request, response);
            return;
        }
        String secret = request.getHeader("Authorization").substring(7).strip();
        Optional<ApiKey> key =
                secret.startsWith(ApiKeyController.PREFIX) ? keys.findBySecret(secret) : Optional.empty();
        if (key.isEmpty()) {
            ApiErrors.write(response, HttpStatus.UNAUTHORIZED, "This API key is not valid. It may have been revoked.");
            return;
        }
        ApiKey apiKey = key.get();
        if (apiKey.scope() == Caller.Scope.READ && !isReadOnly(request.getMethod())) {
            ApiErrors.write(response, HttpStatus.FORBIDDEN, "This API key is read-only. Use a key with write scope.");
            return;
        }
        touch(apiKey.id());
        Caller caller = new Caller(apiKey.accountId(), apiKey.scope(), apiKey.websiteId(), apiKey.id());
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                caller, null, List.of(new SimpleGrantedAuthority("ROLE_API"))));
        SecurityContextHolder.setContext(context);
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    private void touch(String id) {
        Instant now = clock.instant();
        Instant previous = lastTouched.get(id);
        if (previous == null || previous.plus(TOUCH_EVERY).isBefore(now)) {
            lastTouched.put(id, now);
            keys.touch(id, now);
        }
    }

    private static boolean isReadOnly(String method) {
        return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method);
    }
}
