package com.datasaas.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The hash checked for unknown emails must cost what a real account's check costs, or login time tells which emails
 * have an account: it must be a hash the service's encoder accepts, at the encoder's strength.
 */
class DummyHashTest {
    @Test
    void dummyHashIsAValidHashAtTheEncodersStrength() {
        var encoder = new SecurityConfiguration().passwordEncoder();
        assertThat(encoder.matches("not-a-real-password", AuthController.DUMMY_HASH))
                .isTrue();
        assertThat(encoder.upgradeEncoding(AuthController.DUMMY_HASH))
                .as("a weaker hash would check faster than a real account's")
                .isFalse();
        String real = encoder.encode("another password");
        assertThat(real.substring(0, 7)).isEqualTo(AuthController.DUMMY_HASH.substring(0, 7));
    }
}
