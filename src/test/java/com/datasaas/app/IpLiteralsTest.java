package com.datasaas.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written dotted-quad scan says what its pattern says, and yields the address's bytes. */
class IpLiteralsTest {

    @Test
    void the_ipv4_scan_accepts_exactly_what_the_pattern_accepts() {
        List<String> texts = new ArrayList<>(List.of(
                "0.0.0.0",
                "255.255.255.255",
                "1.2.3.4",
                "10.0.0.1",
                "256.1.1.1",
                "1.2.3",
                "1.2.3.4.5",
                "01.2.3.4",
                "1.2.3.04",
                "1.2.3.00",
                "1..2.3",
                ".1.2.3",
                "1.2.3.",
                "1.2.3.4 ",
                " 1.2.3.4",
                "1.2.3.4\n",
                "a.b.c.d",
                "1.2.3.4/8",
                "::1",
                "::ffff:1.2.3.4",
                "199.250.255.249",
                "249.255.250.199",
                "100.100.100.100",
                "1.2.3.٤",
                "1.2.3.-4",
                "1.2.3.+4",
                "",
                "1.2.3.4.",
                "300.300.300.300",
                "1.1.1.1000"));
        // and many random strings over the characters that matter, so near misses are covered too
        Random random = new Random(42);
        String alphabet = "0123456789..a ";
        for (int i = 0; i < 200_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = 6 + random.nextInt(11);
            for (int j = 0; j < length; j++) text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            texts.add(text.toString());
        }
        int accepted = 0;
        for (String text : texts) {
            boolean pattern = IpLiterals.IPV4.matcher(text).matches();
            assertThat(IpLiterals.ipv4(text) != null).as(text).isEqualTo(pattern);
            if (pattern) accepted++;
        }
        assertThat(accepted).as("the random strings hit real addresses too").isGreaterThan(100);
    }

    @Test
    void the_ipv4_scan_yields_the_address_bytes() throws Exception {
        for (String text : List.of("0.0.0.0", "203.0.113.7", "255.255.255.255", "10.200.3.99")) {
            assertThat(IpLiterals.ipv4(text))
                    .isEqualTo(InetAddress.getByName(text).getAddress());
        }
    }

    @Test
    void ipv6_literals_are_addresses_and_host_names_are_not() {
        assertThat(IpLiterals.isAddress("2001:db8::1")).isTrue();
        assertThat(IpLiterals.isAddress("::ffff:203.0.113.7")).isTrue();
        assertThat(IpLiterals.isAddress("example.com")).isFalse();
        assertThat(IpLiterals.isAddress("unknown")).isFalse();
    }
}
