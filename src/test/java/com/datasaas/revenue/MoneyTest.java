package com.datasaas.revenue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class MoneyTest {

    @Test
    void minor_units_are_shown_in_currency_units_with_two_decimals() {
        assertThat(Money.units(4900, "USD").toPlainString()).isEqualTo("49.00");
        assertThat(Money.units(5, "eur").toPlainString()).isEqualTo("0.05");
        assertThat(Money.units(500, "JPY").toPlainString()).isEqualTo("500.00");
        assertThat(Money.units(1234, "KWD").toPlainString()).isEqualTo("1.234");
    }

    @Test
    void currency_units_become_minor_units_and_extra_decimals_are_refused() {
        assertThat(Money.minor(new BigDecimal("49.00"), "USD")).isEqualTo(4900);
        assertThat(Money.minor(new BigDecimal("129.5"), "USD")).isEqualTo(12950);
        assertThat(Money.minor(new BigDecimal("500"), "JPY")).isEqualTo(500);
        assertThatThrownBy(() -> Money.minor(new BigDecimal("1.005"), "USD"))
                .hasMessageContaining("at most 2 decimals");
        assertThatThrownBy(() -> Money.minor(new BigDecimal("1.5"), "JPY")).hasMessageContaining("at most 0");
    }
}
