package com.datasaas.accounts;

import com.datasaas.app.ClientAddresses;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Limits wrong passwords without letting an attacker lock the owner out. Three budgets of failures, each refilled
 * over {@link #WINDOW} (the per-address ones gradually, the account-wide one at once):
 *
 * <ul>
 *   <li>per client address ({@link #FAILURES_PER_ADDRESS}, IPv6 per /64): one address trying many accounts;
 *   <li>per account and address ({@link #FAILURES_PER_ACCOUNT_AND_ADDRESS}): one address guessing one password;
 *   <li>per account from addresses that never logged in to it ({@link #FAILURES_PER_ACCOUNT}): many addresses
 *       guessing one password. An address that logged in to the account before is exempt from this one, so the
 *       owner still gets in while a botnet is locked out.
 * </ul>
 *
 * A token is spent from every budget <em>before</em> the slow password check and given back when the password was
 * right, so only failures count and parallel attempts can never run more checks than the budget holds (checking
 * first and recording the failure after let 40 parallel attempts run 25 checks against a limit of 10).
 */
@Component
final class LoginThrottle {
    static final int FAILURES_PER_ADDRESS = 30;
    static final int FAILURES_PER_ACCOUNT_AND_ADDRESS = 10;
    static final int FAILURES_PER_ACCOUNT = 100;
    static final Duration WINDOW = Duration.ofMinutes(15);
    /** How long an address that logged in stays exempt from the account-wide budget. */
    static final Duration KNOWN_ADDRESS_MEMORY = Duration.ofDays(30);

    private final Cache<String, Bucket> byAddress = buckets();
    private final Cache<String, Bucket> byAccountAndAddress = buckets();
    private final Cache<String, Bucket> byAccount = buckets();
    private final Cache<String, Boolean> knownAddresses = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(KNOWN_ADDRESS_MEMORY)
            .build();

    private static Cache<String, Bucket> buckets() {
        return Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterAccess(WINDOW.multipliedBy(2))
                .build();
    }

    /** The right to check one password; {@link #succeeded()} gives the spent tokens back. */
    final class Attempt {
        private final List<Bucket> spent;
        private final String email;
        private final String address;
        final Duration wait;

        private Attempt(List<Bucket> spent, String email, String address, Duration wait) {
            this.spent = spent;
            this.email = email;
            this.address = address;
            this.wait = wait;
        }

        boolean allowed() {
            return wait.isZero();
        }

        void succeeded() {
            spent.forEach(bucket -> bucket.addTokens(1));
            knownAddresses.put(email + " " + address, Boolean.TRUE);
        }
    }

    /** Spends one failure from each budget that applies, or none at all when one of them is empty. */
    Attempt begin(String email, InetAddress client) {
        String address = ClientAddresses.bucketKey(client);
        List<Bucket> budgets = new ArrayList<>(3);
        budgets.add(byAddress.get(address, k -> bucket(FAILURES_PER_ADDRESS)));
        budgets.add(byAccountAndAddress.get(email + " " + address, k -> bucket(FAILURES_PER_ACCOUNT_AND_ADDRESS)));
        if (knownAddresses.getIfPresent(email + " " + address) == null) {
            // Refilled all at once: a botnet gets its budget back per window, not a trickle it can keep spending.
            budgets.add(byAccount.get(
                    email,
                    k -> Bucket.builder()
                            .addLimit(Bandwidth.builder()
                                    .capacity(FAILURES_PER_ACCOUNT)
                                    .refillIntervally(FAILURES_PER_ACCOUNT, WINDOW)
                                    .build())
                            .build()));
        }
        List<Bucket> spent = new ArrayList<>(budgets.size());
        for (Bucket budget : budgets) {
            ConsumptionProbe probe = budget.tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                spent.forEach(b -> b.addTokens(1));
                return new Attempt(List.of(), email, address, Duration.ofNanos(probe.getNanosToWaitForRefill()));
            }
            spent.add(budget);
        }
        return new Attempt(spent, email, address, Duration.ZERO);
    }

    /** Signing up from an address makes it a known one for the new account. */
    void remember(String email, InetAddress client) {
        knownAddresses.put(email + " " + ClientAddresses.bucketKey(client), Boolean.TRUE);
    }

    private static Bucket bucket(int failures) {
        return Bucket.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(failures)
                        .refillGreedy(failures, WINDOW)
                        .build())
                .build();
    }
}
