package com.datasaas.app;

import java.util.regex.Pattern;

/**
 * Syntax checks for IP literals. {@link java.net.InetAddress#getByName} resolves anything that is not a literal
 * through DNS, so user input must pass these checks before it reaches the JDK or Spring's IpAddressMatcher.
 */
public final class IpLiterals {
    /** The dotted quads {@link #ipv4} accepts, as a pattern: the definition its hand-written scan is tested against. */
    static final Pattern IPV4 =
            Pattern.compile("^((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)$");

    private static final Pattern IPV6 = Pattern.compile("^[0-9a-fA-F:.]{2,45}$");

    private IpLiterals() {}

    public static boolean isAddress(String s) {
        if (s == null) return false;
        if (ipv4(s) != null) return true;
        if (s.indexOf(':') < 0 || !IPV6.matcher(s).matches()) return false;
        try {
            java.net.InetAddress.getByName(s);
            return true;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /**
     * The four bytes of a dotted-quad IPv4 literal ({@link #IPV4}: no leading zeros, no spaces, each part 0-255), or
     * null for anything else. A scan of the chars, not the pattern: every event's client address (and its proxy's)
     * goes through it, and the pattern was ~5% of the ingest request's CPU samples (docs/benchmarks.md, round 3).
     */
    public static byte[] ipv4(String s) {
        int n = s.length();
        if (n < 7 || n > 15) return null;
        byte[] bytes = new byte[4];
        int part = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (digits == 0 || part == 3) return null;
                bytes[part++] = (byte) value;
                value = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9') {
                if (digits == 1 && value == 0) return null; // a leading zero ("01") is not a dotted quad
                value = value * 10 + (c - '0');
                if (value > 255) return null;
                digits++;
            } else {
                return null;
            }
        }
        if (part != 3 || digits == 0) return null;
        bytes[3] = (byte) value;
        return bytes;
    }

    public static boolean isAddressOrCidr(String s) {
        if (s == null) return false;
        int slash = s.indexOf('/');
        if (slash < 0) return isAddress(s);
        String address = s.substring(0, slash);
        String bits = s.substring(slash + 1);
        if (!isAddress(address) || !bits.matches("\\d{1,3}")) return false;
        int max = address.indexOf(':') >= 0 ? 128 : 32;
        return Integer.parseInt(bits) <= max;
    }
}
