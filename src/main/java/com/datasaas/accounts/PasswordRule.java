package com.datasaas.accounts;

import java.nio.charset.StandardCharsets;

/** What makes an acceptable password, shared by sign-up, the password change and the reset-password command. */
public final class PasswordRule {
    static final int MIN_LENGTH = 8;
    // bcrypt ignores everything past 72 bytes; refusing longer passwords avoids a false sense of strength.
    static final int MAX_BYTES = 72;

    private PasswordRule() {}

    /** What is wrong with the password ("must be at least 8 characters"), or {@code null} when it is acceptable. */
    public static String problem(String password) {
        if (password == null || password.length() < MIN_LENGTH) {
            return "must be at least " + MIN_LENGTH + " characters";
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return "must be at most " + MAX_BYTES + " bytes";
        }
        return null;
    }
}
