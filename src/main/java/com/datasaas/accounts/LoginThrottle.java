package com.datasaas.accounts;

import com.datasaas.app.ClientAddresses;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
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
 *
 * <p>Where the budgets live is {@link LoginBudgets}: this process's memory in the embedded mode, PostgreSQL in server
 * mode (Bucket4j's PostgreSQL backend), so the budgets hold across nodes. Logins are rare enough for a database round
 * trip per budget.
 */
@Component
final class LoginThrottle {
    static final int FAILURES_PER_ADDRESS = 30;
    static final int FAILURES_PER_ACCOUNT_AND_ADDRESS = 10;
    static final int FAILURES_PER_ACCOUNT = 100;
    static final Duration WINDOW = Duration.ofMinutes(15);
    /** How long an address that logged in stays exempt from the account-wide budget. */
    static final Duration KNOWN_ADDRESS_MEMORY = Duration.ofDays(30);

    private static final BucketConfiguration PER_ADDRESS = gradual(FAILURES_PER_ADDRESS);
    private static final BucketConfiguration PER_ACCOUNT_AND_ADDRESS = gradual(FAILURES_PER_ACCOUNT_AND_ADDRESS);
    // Refilled all at once: a botnet gets its budget back per window, not a trickle it can keep spending.
    private static final BucketConfiguration PER_ACCOUNT = BucketConfiguration.builder()
            .addLimit(Bandwidth.builder()
                    .capacity(FAILURES_PER_ACCOUNT)
                    .refillIntervally(FAILURES_PER_ACCOUNT, WINDOW)
                    .build())
            .build();

    private final LoginBudgets budgets;

    LoginThrottle(LoginBudgets budgets) {
        this.budgets = budgets;
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
            budgets.remember(email, address);
        }
    }

    /** Spends one failure from each budget that applies, or none at all when one of them is empty. */
    Attempt begin(String email, InetAddress client) {
        String address = ClientAddresses.bucketKey(client);
        List<Bucket> applicable = new ArrayList<>(3);
        applicable.add(budgets.bucket("address " + address, PER_ADDRESS));
        applicable.add(budgets.bucket("account-address " + email + " " + address, PER_ACCOUNT_AND_ADDRESS));
        if (!budgets.known(email, address)) {
            applicable.add(budgets.bucket("account " + email, PER_ACCOUNT));
        }
        List<Bucket> spent = new ArrayList<>(applicable.size());
        for (Bucket budget : applicable) {
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
        budgets.remember(email, ClientAddresses.bucketKey(client));
    }

    private static BucketConfiguration gradual(int failures) {
        return BucketConfiguration.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(failures)
                        .refillGreedy(failures, WINDOW)
                        .build())
                .build();
    }
}
