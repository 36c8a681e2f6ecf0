package com.datasaas.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EventRateLimiterTest {
    private final SharedRateWindowsTest.TestClock clock = new SharedRateWindowsTest.TestClock();
    private final EventRateLimiter limiter =
            new EventRateLimiter(new IngestSettings(100, null, null, null, null, null, null), RateWindows.NONE, clock);

    @Test
    void an_address_gets_100_requests_a_minute_then_waits_until_its_window_closes() throws Exception {
        InetAddress client = InetAddress.getByName("203.0.113.7");
        for (int i = 0; i < 100; i++)
            assertThat(limiter.take(client)).as("request %d", i + 1).isZero();
        advance(Duration.ofSeconds(20));
        assertThat(limiter.take(client)).isEqualTo(Duration.ofSeconds(40));
        assertThat(limiter.take(InetAddress.getByName("203.0.113.8")))
                .as("another address")
                .isZero();
        advance(Duration.ofSeconds(40));
        for (int i = 0; i < 100; i++)
            assertThat(limiter.take(client))
                    .as("next window, request %d", i + 1)
                    .isZero();
        assertThat(limiter.take(client)).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void windows_follow_each_other_from_the_first_request_as_the_bucket_refills_did() throws Exception {
        InetAddress client = InetAddress.getByName("198.51.100.1");
        for (int i = 0; i < 101; i++) limiter.take(client);
        advance(Duration.ofSeconds(90)); // inside the second window, which opened 60 s after the first request
        for (int i = 0; i < 100; i++) assertThat(limiter.take(client)).isZero();
        assertThat(limiter.take(client)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void an_ipv6_network_is_one_client() throws Exception {
        for (int i = 0; i < 100; i++) {
            assertThat(limiter.take(InetAddress.getByName("2001:db8:1:2::" + Integer.toHexString(i + 1))))
                    .isZero();
        }
        assertThat(limiter.take(InetAddress.getByName("2001:db8:1:2:ffff::1"))).isPositive();
        assertThat(limiter.take(InetAddress.getByName("2001:db8:1:3::1"))).isZero();
    }

    @Test
    void an_address_forgotten_after_a_quiet_period_starts_afresh() throws Exception {
        InetAddress client = InetAddress.getByName("192.0.2.9");
        for (int i = 0; i < 101; i++) limiter.take(client);
        advance(Duration.ofMinutes(5));
        for (int i = 0; i < 100; i++) assertThat(limiter.take(client)).isZero();
        assertThat(limiter.take(client)).isPositive();
    }

    private void advance(Duration duration) {
        clock.now = clock.now.plus(duration);
    }
}
