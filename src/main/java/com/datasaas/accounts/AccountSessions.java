package com.datasaas.accounts;

import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The live sessions of each account, so a password change can end all the others: whoever learnt the old password
 * must not keep a session that can still mint API keys. Sessions live in this process's memory (the servlet
 * container's default store), so an in-memory index of them is complete.
 */
@Component
final class AccountSessions implements HttpSessionListener {
    private static final String ACCOUNT = AccountSessions.class.getName() + ".account";

    private final Map<Long, Set<HttpSession>> byAccount = new ConcurrentHashMap<>();

    void register(long accountId, HttpSession session) {
        session.setAttribute(ACCOUNT, accountId);
        byAccount.computeIfAbsent(accountId, k -> ConcurrentHashMap.newKeySet()).add(session);
    }

    /** Invalidates every session of the account except {@code keep}; returns how many were ended. */
    int endOthers(long accountId, HttpSession keep) {
        Set<HttpSession> sessions = byAccount.getOrDefault(accountId, Set.of());
        int ended = 0;
        for (HttpSession session : Set.copyOf(sessions)) {
            if (session == keep || (keep != null && session.getId().equals(keep.getId()))) continue;
            sessions.remove(session);
            try {
                session.invalidate();
                ended++;
            } catch (IllegalStateException alreadyInvalid) {
                // it ended on its own meanwhile
            }
        }
        return ended;
    }

    @Override
    public void sessionDestroyed(HttpSessionEvent event) {
        HttpSession session = event.getSession();
        Object account;
        try {
            account = session.getAttribute(ACCOUNT);
        } catch (IllegalStateException e) {
            return;
        }
        if (account instanceof Long id) {
            String sessionId = session.getId();
            byAccount.computeIfPresent(id, (k, set) -> {
                set.removeIf(s -> s == session || sessionId.equals(s.getId()));
                return set.isEmpty() ? null : set;
            });
        }
    }
}
