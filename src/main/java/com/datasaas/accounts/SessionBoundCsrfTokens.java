package com.datasaas.accounts;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.security.web.csrf.DeferredCsrfToken;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.web.util.WebUtils;

/**
 * CSRF tokens kept in the session and checked against it; the XSRF-TOKEN cookie only hands the token to the
 * dashboard's script. A cookie-only token (double submit) is beaten by anyone who can set a cookie on our domain (a
 * sibling subdomain, a man-in-the-middle on plain HTTP): they pick both the cookie and the header. Here the header
 * must match the token this session was given.
 */
final class SessionBoundCsrfTokens implements CsrfTokenRepository {
    private final HttpSessionCsrfTokenRepository session = new HttpSessionCsrfTokenRepository();
    private final CookieCsrfTokenRepository cookie = CookieCsrfTokenRepository.withHttpOnlyFalse();

    SessionBoundCsrfTokens() {
        // The dashboard (and Angular-style clients) echo the cookie in X-XSRF-TOKEN, the cookie repository's name.
        session.setHeaderName("X-XSRF-TOKEN");
    }

    @Override
    public CsrfToken generateToken(HttpServletRequest request) {
        return session.generateToken(request);
    }

    @Override
    public void saveToken(CsrfToken token, HttpServletRequest request, HttpServletResponse response) {
        // API-key calls skip CSRF and must not leave a session behind on every request.
        if (ApiKeyAuthenticationFilter.hasBearer(request) && request.getSession(false) == null) return;
        session.saveToken(token, request, response);
        cookie.saveToken(token, request, response);
    }

    @Override
    public CsrfToken loadToken(HttpServletRequest request) {
        return session.loadToken(request);
    }

    /** Re-sends the cookie when the browser's copy is not this session's token (it was lost or forged). */
    @Override
    public DeferredCsrfToken loadDeferredToken(HttpServletRequest request, HttpServletResponse response) {
        CsrfToken current = loadToken(request);
        if (current != null && !current.getToken().equals(cookieValue(request))) {
            cookie.saveToken(current, request, response);
        }
        return CsrfTokenRepository.super.loadDeferredToken(request, response);
    }

    private static String cookieValue(HttpServletRequest request) {
        Cookie found = WebUtils.getCookie(request, "XSRF-TOKEN");
        return found == null ? null : found.getValue();
    }
}
