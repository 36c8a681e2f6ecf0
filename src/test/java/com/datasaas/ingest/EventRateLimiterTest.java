package com.datasaas.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.app.ClientAddresses;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
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

    @Test
    void local_windows_are_keyed_exactly_as_the_shared_windows_text_keys_them() throws Exception {
        // Two addresses share a local window if and only if they share ClientAddresses.bucketKey, over random IPv4
        // addresses, and IPv6 addresses drawn from 16 /64s (so many share one) or from the multicast networks whose
        // keys
        // sit next to the IPv4 ones.
        SplittableRandom random = new SplittableRandom(7);
        Map<Long, String> textByWindow = new HashMap<>();
        Map<String, Long> windowByText = new HashMap<>();
        for (int i = 0; i < 200_000; i++) {
            byte[] bytes = new byte[i % 3 == 0 ? 16 : 4];
            random.nextBytes(bytes);
            if (bytes.length == 16) {
                bytes[0] = 0x20;
                bytes[1] = (byte) random.nextInt(4);
                for (int b = 2; b < 8; b++) bytes[b] = (byte) (b == 7 ? random.nextInt(4) : 0);
                if (i % 99 == 0) bytes[0] = bytes[1] = (byte) 0xff;
            }
            InetAddress address = InetAddress.getByAddress(bytes);
            String text = ClientAddresses.bucketKey(address);
            long window = EventRateLimiter.windowKey(address);
            assertThat(textByWindow.putIfAbsent(window, text))
                    .as("window of %s", address)
                    .isIn(null, text);
            assertThat(windowByText.putIfAbsent(text, window))
                    .as("text of %s", address)
                    .isIn(null, window);
        }
        assertThat(windowByText).hasSizeGreaterThan(100_000).containsKey("2001000000000003::/64");
    }

    @Test
    void with_shared_windows_the_address_is_counted_under_its_text_key() throws Exception {
        List<String> seen = new ArrayList<>();
        RateWindows shared = new RateWindows() {
            @Override
            public Duration blocked(String address) {
                seen.add("blocked " + address);
                return address.endsWith("::/64") ? Duration.ofSeconds(5) : Duration.ZERO;
            }

            @Override
            public void accepted(String address) {
                seen.add("accepted " + address);
            }
        };
        EventRateLimiter limiter =
                new EventRateLimiter(new IngestSettings(100, null, null, null, null, null, null), shared, clock);
        assertThat(limiter.take(InetAddress.getByName("203.0.113.7"))).isZero();
        assertThat(limiter.take(InetAddress.getByName("2001:db8:1:2::9"))).isEqualTo(Duration.ofSeconds(5));
        assertThat(seen)
                .containsExactly("blocked 203.0.113.7", "accepted 203.0.113.7", "blocked 20010db800010002::/64");
    }

    private void advance(Duration duration) {
        clock.now = clock.now.plus(duration);
    }
}
