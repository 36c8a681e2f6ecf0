package com.datasaas.revenue;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Retries a provider call on rate limits and network errors with exponential backoff. Both providers use it, so the
 * policy lives here once.
 */
final class Backoff {
    /** Attempts per call, the first included. */
    static final int MAX_ATTEMPTS = 5;

    private final Duration initialDelay;

    Backoff(Duration initialDelay) {
        this.initialDelay = initialDelay;
    }

    interface Call<T, E extends Exception> {
        T run() throws E;
    }

    <T, E extends Exception> T run(Call<T, E> call, Predicate<Exception> retryable) throws E {
        long delay = initialDelay.toMillis();
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (Exception e) {
                if (attempt >= MAX_ATTEMPTS || !retryable.test(e)) throw e;
                sleep(delay);
                delay = Math.min(delay * 2, 30_000);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException("The sync was interrupted.", false);
        }
    }
}
