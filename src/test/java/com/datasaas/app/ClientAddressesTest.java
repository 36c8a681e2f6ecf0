package com.datasaas.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.web.util.matcher.IpAddressMatcher;

/** One rule for every proxy shape; the request object is Spring's servlet fixture, the rule is the real one. */
class ClientAddressesTest {
    static final String PROXY = "10.0.0.2";
    static final String SECOND_PROXY = "10.0.0.3";
    static final String CLIENT = "203.0.113.7";

    static ClientAddresses rule(String header, String... trusted) {
        return new ClientAddresses(new DataSaasProperties(null, List.of(trusted), null, null, null, header));
    }

    static MockHttpServletRequest from(String peer) {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setRemoteAddr(peer);
        return request;
    }

    static String resolve(ClientAddresses rule, MockHttpServletRequest request) {
        InetAddress address = rule.resolve(request);
        return address.getHostAddress();
    }

    @Test
    void nginx_setting_only_x_real_ip_is_believed_when_configured() {
        MockHttpServletRequest request = from(PROXY);
        request.addHeader("X-Real-IP", CLIENT);
        assertThat(resolve(rule("X-Real-IP", "10.0.0.0/8"), request)).isEqualTo(CLIENT);
    }

    @Test
    void x_real_ip_is_ignored_unless_configured() {
        // nginx in front, but the operator did not say it sets X-Real-IP: a client-sent X-Real-IP must not count.
        MockHttpServletRequest request = from(PROXY);
        request.addHeader("X-Real-IP", "198.51.100.99");
        assertThat(resolve(rule(null, "10.0.0.0/8"), request)).isEqualTo(PROXY);

        MockHttpServletRequest junkForwardedFor = from(PROXY);
        junkForwardedFor.addHeader("X-Forwarded-For", "unknown");
        junkForwardedFor.addHeader("X-Real-IP", "198.51.100.99");
        assertThat(resolve(rule(null, "10.0.0.0/8"), junkForwardedFor)).isEqualTo(PROXY);
    }

    @Test
    void with_x_real_ip_configured_x_forwarded_for_is_not_read() {
        MockHttpServletRequest request = from(PROXY);
        request.addHeader("X-Real-IP", CLIENT);
        request.addHeader("X-Forwarded-For", "198.51.100.99");
        assertThat(resolve(rule("X-Real-IP", "10.0.0.0/8"), request)).isEqualTo(CLIENT);
    }

    @Test
    void caddy_appends_the_peer_to_x_forwarded_for() {
        // Caddy passes on what the client sent and appends the address it saw.
        MockHttpServletRequest request = from(PROXY);
        request.addHeader("X-Forwarded-For", "198.51.100.99, " + CLIENT);
        assertThat(resolve(rule(null, PROXY), request)).isEqualTo(CLIENT);
    }

    @Test
    void a_chain_of_two_proxies_yields_the_right_most_untrusted_hop() {
        MockHttpServletRequest request = from(SECOND_PROXY);
        request.addHeader("X-Forwarded-For", "198.51.100.99, " + CLIENT + ", " + PROXY);
        assertThat(resolve(rule(null, "10.0.0.0/24"), request)).isEqualTo(CLIENT);

        // the same chain split over two header lines
        MockHttpServletRequest split = from(SECOND_PROXY);
        split.addHeader("X-Forwarded-For", "198.51.100.99, " + CLIENT);
        split.addHeader("X-Forwarded-For", PROXY);
        assertThat(resolve(rule(null, "10.0.0.0/24"), split)).isEqualTo(CLIENT);
    }

    @Test
    void headers_from_an_untrusted_peer_are_ignored() {
        MockHttpServletRequest request = from(CLIENT);
        request.addHeader("X-Forwarded-For", "198.51.100.99");
        request.addHeader("X-Real-IP", "198.51.100.98");
        assertThat(resolve(rule(null, PROXY), request)).isEqualTo(CLIENT);
        assertThat(resolve(rule("X-Real-IP", PROXY), request)).isEqualTo(CLIENT);
        assertThat(resolve(rule(null), request)).isEqualTo(CLIENT);
    }

    @Test
    void ipv6_addresses_share_a_bucket_per_64() throws Exception {
        assertThat(ClientAddresses.bucketKey(InetAddress.getByName("2001:db8:1:2:aaaa::1")))
                .isEqualTo(ClientAddresses.bucketKey(InetAddress.getByName("2001:db8:1:2:bbbb::9")))
                .isNotEqualTo(ClientAddresses.bucketKey(InetAddress.getByName("2001:db8:1:3::1")));
        assertThat(ClientAddresses.bucketKey(InetAddress.getByName("203.0.113.7")))
                .isEqualTo("203.0.113.7");
    }

    @Test
    void trusted_ranges_match_as_springs_ip_address_matcher_does() {
        List<String> ranges = List.of(
                "10.0.0.0/8",
                "10.0.0.0/24",
                "192.168.16.0/20",
                "203.0.113.7",
                "203.0.113.6/31",
                "0.0.0.0/0",
                "2001:db8::/32",
                "2001:db8:1:2::/64",
                "2001:db8::1",
                "fd00::/7",
                "::/0");
        Random random = new Random(7);
        for (String range : ranges) {
            ClientAddresses rule = rule(null, range);
            IpAddressMatcher spring = new IpAddressMatcher(range);
            for (int i = 0; i < 20_000; i++) {
                String address = random.nextBoolean() ? nearIpv4(random) : nearIpv6(random);
                assertThat(rule.isTrustedProxy(address))
                        .as(address + " in " + range)
                        .isEqualTo(spring.matches(address));
            }
        }
        assertThat(rule(null, "10.0.0.0/24").isTrustedProxy("10.0.0.255")).isTrue();
        assertThat(rule(null, "10.0.0.0/24").isTrustedProxy("10.0.1.0")).isFalse();
        assertThat(rule(null, "192.168.16.0/20").isTrustedProxy("192.168.31.1")).isTrue();
        assertThat(rule(null, "192.168.16.0/20").isTrustedProxy("192.168.32.1")).isFalse();
        assertThat(rule(null, "10.0.0.0/8").isTrustedProxy("not-an-address")).isFalse();
    }

    @Test
    void a_remembered_verdict_only_answers_for_its_own_address() {
        // The last verdict is kept (a proxy sends nearly every request); runs of the same address and switches
        // between a few, in and out of the range and in both families, must each get the matcher's answer.
        ClientAddresses rule = rule(null, "10.0.0.0/24", "2001:db8:1:2::/64");
        List<String> pool = List.of(
                "10.0.0.2",
                "10.0.0.3",
                "10.0.1.2",
                "203.0.113.7",
                "2001:db8:1:2::9",
                "2001:db8:1:3::9",
                "::ffff:10.0.0.2");
        List<IpAddressMatcher> spring =
                List.of(new IpAddressMatcher("10.0.0.0/24"), new IpAddressMatcher("2001:db8:1:2::/64"));
        Random random = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            String address = pool.get(random.nextInt(pool.size()));
            int repeats = 1 + random.nextInt(3);
            for (int r = 0; r < repeats; r++) {
                assertThat(rule.isTrustedProxy(address))
                        .as("%s, call %d", address, i)
                        .isEqualTo(spring.stream().anyMatch(m -> m.matches(address)));
            }
        }
        MockHttpServletRequest outside = from("10.0.1.2");
        outside.addHeader("X-Forwarded-For", CLIENT);
        MockHttpServletRequest proxied = from(PROXY);
        proxied.addHeader("X-Forwarded-For", CLIENT);
        for (int i = 0; i < 3; i++) {
            assertThat(resolve(rule, proxied)).isEqualTo(CLIENT);
            assertThat(resolve(rule, outside)).isEqualTo("10.0.1.2");
        }
    }

    /** Addresses close to the ranges above, so prefix boundaries are crossed often. */
    private static String nearIpv4(Random random) {
        int[] firsts = {10, 192, 203, 11, 0, 255};
        return firsts[random.nextInt(firsts.length)] + "." + (random.nextBoolean() ? 168 : random.nextInt(256)) + "."
                + random.nextInt(64) + "." + random.nextInt(256);
    }

    private static String nearIpv6(Random random) {
        String[] prefixes = {"2001:db8", "2001:db9", "fd00", "fc12", "2001:db8:1"};
        return prefixes[random.nextInt(prefixes.length)] + ":" + Integer.toHexString(random.nextInt(4)) + ":"
                + Integer.toHexString(random.nextInt(4)) + "::" + Integer.toHexString(random.nextInt(65536));
    }
}
