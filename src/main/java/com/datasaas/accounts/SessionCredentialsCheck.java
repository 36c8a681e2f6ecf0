package com.datasaas.accounts;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Ends a session whose account's password changed since it logged in, wherever the change happened: the dashboard
 * ends the other sessions itself ({@link AccountSessions}), but a password set by another process (the
 * reset-password command writes the database directly) cannot reach this process's sessions. Each session keeps a
 * fingerprint of the password hash it logged in with; one primary-key lookup per session request compares it.
 */
final class SessionCredentialsCheck extends OncePerRequestFilter {
    static final String FINGERPRINT = SessionCredentialsCheck.class.getName() + ".fingerprint";

    private final AccountRepository accounts;

    SessionCredentialsCheck(AccountRepository accounts) {
        this.accounts = accounts;
    }

    static String fingerprint(String passwordHash) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256").digest(passwordHash.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        HttpSession session = request.getSession(false);
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (session != null
                && authentication != null
                && authentication.getPrincipal() instanceof Caller caller
                && !caller.viaApiKey()) {
            Object expected = session.getAttribute(FINGERPRINT);
            Optional<Account> account = accounts.findById(caller.accountId());
            if (account.isEmpty() || !fingerprint(account.get().passwordHash()).equals(expected)) {
                session.invalidate();
                SecurityContextHolder.clearContext();
            }
        }
        chain.doFilter(request, response);
    }
}
