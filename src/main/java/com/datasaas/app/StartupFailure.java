package com.datasaas.app;

/**
 * The service must not start as configured: a store is unreachable, refuses our credentials or holds a schema newer
 * than this release; a setting server mode needs is missing. {@link StartupFailureAnalyzer} turns it into the single message Spring Boot prints instead of a
 * stack trace, with the action to take.
 */
public final class StartupFailure extends RuntimeException {
    private final String action;

    public StartupFailure(String description, String action, Throwable cause) {
        super(description, cause);
        this.action = action;
    }

    public String action() {
        return action;
    }
}
