package com.datasaas.operations;

import com.datasaas.accounts.Caller;
import com.datasaas.app.ApiException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The instance owner is the first account created (the lowest id): with the default first-user registration it is the
 * only one who could sign up, and with open registration it is whoever installed the service. Instance-wide operations
 * (backups hold every account's data) are the owner's alone.
 */
@Component
final class InstanceOwner {
    private final JdbcClient jdbc;

    InstanceOwner(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    boolean is(Caller caller) {
        Long owner = jdbc.sql("SELECT min(id) FROM accounts").query(Long.class).single();
        return owner != null && owner == caller.accountId();
    }

    /**
     * Lets through the owner's session, or the owner's account-wide read-write API key (so a scheduled job can take
     * backups without a password); a read-only or site-limited key, or anyone else, gets 403.
     */
    Caller require(String what) {
        Caller caller = Caller.current();
        if (!is(caller)) {
            throw new ApiException(
                    HttpStatus.FORBIDDEN, "Only the instance owner (the first account created) can " + what + ".");
        }
        if (caller.scope() != Caller.Scope.WRITE) {
            throw new ApiException(
                    HttpStatus.FORBIDDEN, "This API key is read-only; " + what + " needs a read-write key.");
        }
        caller.requireAccountWide();
        return caller;
    }
}
