package com.datasaas.accounts;

import jakarta.servlet.http.HttpSession;
import java.util.Set;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.stereotype.Component;

/**
 * The login sessions of each account, so a password change can end all the others: whoever learnt the old password
 * must not keep a session that can still mint API keys. Sessions live in the metadata store (Spring Session JDBC, on
 * SQLite or PostgreSQL), indexed by account, so this reaches the sessions every node created, and a restart logs no one
 * out.
 */
@Component
final class AccountSessions {
    private final FindByIndexNameSessionRepository<? extends Session> sessions;

    AccountSessions(FindByIndexNameSessionRepository<? extends Session> sessions) {
        this.sessions = sessions;
    }

    void register(long accountId, HttpSession session) {
        // The index Spring Session keeps (column PRINCIPAL_NAME) is what endOthers searches.
        session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, Long.toString(accountId));
    }

    /** Ends every session of the account except {@code keep}; returns how many were ended. */
    int endOthers(long accountId, HttpSession keep) {
        Set<String> ids = sessions.findByPrincipalName(Long.toString(accountId)).keySet();
        int ended = 0;
        for (String id : ids) {
            if (keep != null && id.equals(keep.getId())) continue;
            sessions.deleteById(id);
            ended++;
        }
        return ended;
    }
}
