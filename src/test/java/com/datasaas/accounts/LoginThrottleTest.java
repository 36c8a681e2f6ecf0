package com.datasaas.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.ApiClient;
import com.datasaas.support.RunningApp;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class LoginThrottleTest extends RunningApp {
    static final String PASSWORD = AuthTest.PASSWORD;

    @Autowired
    MeterRegistry meters;

    private String signUpFrom(String address) {
        String email = unique("owner") + "@example.com";
        newClient().from(address).signUp(email);
        return email;
    }

    private int login(String address, String email, String password) {
        return newClient()
                .from(address)
                .post("/api/auth/login", Map.of("email", email, "password", password))
                .status();
    }

    private double passwordChecks() {
        return meters.get("datasaas.login.attempts")
                        .tag("outcome", "success")
                        .counter()
                        .count()
                + meters.get("datasaas.login.attempts")
                        .tag("outcome", "failure")
                        .counter()
                        .count();
    }

    @Test
    void parallel_wrong_passwords_run_no_more_password_checks_than_the_limit() throws Exception {
        String email = signUpFrom(uniqueAddress());
        String attacker = uniqueAddress();
        // Each client fetches its CSRF token first, so the 40 logins themselves start together.
        List<ApiClient> clients = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ApiClient client = newClient().from(attacker);
            client.get("/api/me");
            clients.add(client);
        }
        double checksBefore = passwordChecks();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(40);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                ApiClient client = clients.get(i);
                String guess = "guess number " + i;
                statuses.add(pool.submit(() -> {
                    start.await();
                    return client.post("/api/auth/login", Map.of("email", email, "password", guess))
                            .status();
                }));
            }
            start.countDown();
            int unauthorized = 0;
            int throttled = 0;
            for (Future<Integer> status : statuses) {
                int s = status.get();
                if (s == 401) unauthorized++;
                if (s == 429) throttled++;
            }
            // Every 401 is a password that was checked: at most the per-account-and-address budget.
            assertThat(unauthorized).isEqualTo(LoginThrottle.FAILURES_PER_ACCOUNT_AND_ADDRESS);
            assertThat(throttled).isEqualTo(40 - LoginThrottle.FAILURES_PER_ACCOUNT_AND_ADDRESS);
            assertThat(passwordChecks() - checksBefore)
                    .isEqualTo((double) LoginThrottle.FAILURES_PER_ACCOUNT_AND_ADDRESS);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void the_owner_logs_in_while_an_attacker_is_throttled_from_another_address() {
        String email = signUpFrom(uniqueAddress());
        String attacker = uniqueAddress();
        for (int i = 0; i < LoginThrottle.FAILURES_PER_ACCOUNT_AND_ADDRESS; i++) {
            assertThat(login(attacker, email, "guess number " + i)).isEqualTo(401);
        }
        assertThat(login(attacker, email, "guess number x")).isEqualTo(429);
        assertThat(login(attacker, email, "guess number y")).isEqualTo(429);

        // From an address that never logged in before (a new laptop), the right password still works...
        assertThat(login(uniqueAddress(), email, PASSWORD)).isEqualTo(200);
        // ...and the attacker's address stays throttled even with the right password.
        assertThat(login(attacker, email, PASSWORD)).isEqualTo(429);
    }

    @Test
    void a_distributed_guess_locks_unknown_addresses_out_but_not_the_owners_known_one() {
        String ownerAddress = uniqueAddress();
        String email = signUpFrom(ownerAddress);
        for (int i = 0; i < LoginThrottle.FAILURES_PER_ACCOUNT; i++) {
            assertThat(login(uniqueAddress(), email, "guess number " + i)).isEqualTo(401);
        }
        assertThat(login(uniqueAddress(), email, "one more guess")).isEqualTo(429);
        assertThat(login(uniqueAddress(), email, PASSWORD)).isEqualTo(429);
        assertThat(login(ownerAddress, email, PASSWORD)).isEqualTo(200);
    }

    @Test
    void successful_logins_spend_nothing() {
        String address = uniqueAddress();
        String email = signUpFrom(address);
        for (int i = 0; i < LoginThrottle.FAILURES_PER_ACCOUNT_AND_ADDRESS + 5; i++) {
            assertThat(login(address, email, PASSWORD)).isEqualTo(200);
        }
        assertThat(login(address, email, "wrong guess")).isEqualTo(401);
    }

    @Test
    void one_ipv6_network_is_one_address_for_the_per_address_budget() {
        int n = (int) (System.nanoTime() & 0xfff);
        String network = "2001:db8:" + Integer.toHexString(n) + ":2:";
        for (int i = 0; i < LoginThrottle.FAILURES_PER_ADDRESS; i++) {
            String email = unique("nobody") + "@example.com";
            assertThat(login(network + Integer.toHexString(i + 1) + "::1", email, "guess number " + i))
                    .isEqualTo(401);
        }
        assertThat(login(network + "ffff::99", unique("nobody") + "@example.com", "another guess"))
                .isEqualTo(429);
    }
}
