package com.datasaas.app;

import java.util.regex.Pattern;

/**
 * Syntax checks for IP literals. {@link java.net.InetAddress#getByName} resolves anything that is not a literal
 * through DNS, so user input must pass these checks before it reaches the JDK or Spring's IpAddressMatcher.
 */
public final class IpLiterals {
    private static final Pattern IPV4 =
            Pattern.compile("^((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)$");
    private static final Pattern IPV6 = Pattern.compile("^[0-9a-fA-F:.]{2,45}$");

    private IpLiterals() {}

    public static boolean isAddress(String s) {
        if (s == null) return false;
        if (IPV4.matcher(s).matches()) return true;
        if (s.indexOf(':') < 0 || !IPV6.matcher(s).matches()) return false;
        try {
            java.net.InetAddress.getByName(s);
            return true;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
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
