package com.datasaas.accounts;

import com.datasaas.app.ApiException;
import java.io.Serializable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Who is calling an authenticated endpoint: a logged-in account (full access to its own websites) or an API key,
 * which may be read-only and may be limited to one website. Every feature asks this object, never the raw
 * authentication, so the rules live in one place.
 */
public record Caller(long accountId, Scope scope, String websiteId, String apiKeyId) implements Serializable {

    public enum Scope {
        READ,
        WRITE
    }

    public static Caller session(long accountId) {
        return new Caller(accountId, Scope.WRITE, null, null);
    }

    /** The caller of the current request; the security chain guarantees there is one on authenticated routes. */
    public static Caller current() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.getPrincipal() instanceof Caller caller) {
            return caller;
        }
        throw new ApiException(HttpStatus.UNAUTHORIZED, "Log in or send 'Authorization: Bearer <api key>'.");
    }

    public boolean viaApiKey() {
        return apiKeyId != null;
    }

    /** Whether this caller may see the website; ownership is checked separately by the website lookup. */
    public boolean reaches(String id) {
        return websiteId == null || websiteId.equals(id);
    }

    public void requireAccountWide() {
        if (websiteId != null) {
            throw new ApiException(
                    HttpStatus.FORBIDDEN,
                    "This API key is limited to website " + websiteId + "; use an account-wide key.");
        }
    }
}
