package com.datasaas.revenue;

/**
 * The provider refused or could not be reached. The message is for the site owner, in plain words, and never
 * contains the key. {@code keyRejected} separates "your key is wrong" (400) from "the provider is down" (502).
 */
final class ProviderException extends RuntimeException {
    private final boolean keyRejected;

    ProviderException(String message, boolean keyRejected) {
        super(message, null, false, false);
        this.keyRejected = keyRejected;
    }

    boolean keyRejected() {
        return keyRejected;
    }
}
