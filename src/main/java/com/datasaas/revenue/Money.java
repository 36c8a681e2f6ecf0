package com.datasaas.revenue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Set;

/**
 * Money is stored as integer minor units plus an ISO currency code and shown in currency units with (at least) two
 * decimals. Minor-unit exponents follow Stripe's list, which providers share: most currencies have two decimals, a
 * few none, a few three.
 */
public final class Money {
    private static final Set<String> ZERO_DECIMAL = Set.of(
            "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF",
            "XPF");
    private static final Set<String> THREE_DECIMAL = Set.of("BHD", "JOD", "KWD", "OMR", "TND");

    private Money() {}

    static String currency(String code) {
        return code == null ? null : code.strip().toUpperCase(Locale.ROOT);
    }

    public static int exponent(String currency) {
        String c = currency(currency);
        if (ZERO_DECIMAL.contains(c)) return 0;
        if (THREE_DECIMAL.contains(c)) return 3;
        return 2;
    }

    /** 4900 USD -> 49.00; 500 JPY -> 500.00. */
    public static BigDecimal units(long minor, String currency) {
        int exponent = exponent(currency);
        return BigDecimal.valueOf(minor, exponent).setScale(Math.max(2, exponent), RoundingMode.UNNECESSARY);
    }

    /** 49.00 USD -> 4900; rejects more decimals than the currency has. */
    static long minor(BigDecimal units, String currency) {
        try {
            return units.movePointRight(exponent(currency))
                    .setScale(0, RoundingMode.UNNECESSARY)
                    .longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    currency + " amounts have at most " + exponent(currency) + " decimals; got " + units);
        }
    }

    /**
     * {@code part} (a share of {@code amount}, e.g. net or refunded) in the site's currency: as is when the payment is
     * in it, else pro rata of the settlement amount when that is in it, else null (not convertible).
     */
    static Long inSiteCurrency(
            long part,
            long amount,
            String currency,
            Long settlementAmount,
            String settlementCurrency,
            String siteCurrency) {
        if (currency.equals(siteCurrency)) return part;
        if (settlementAmount != null && siteCurrency.equals(settlementCurrency) && amount != 0) {
            return Math.round((double) settlementAmount * part / amount);
        }
        return null;
    }
}
