package com.datasaas.sites;

import java.net.IDN;
import java.util.Locale;
import java.util.regex.Pattern;

/** Normalises what people paste as their site's domain ("https://www.Example.com:443/blog") to "example.com". */
public final class DomainNames {
    private static final Pattern HOSTNAME = Pattern.compile(
            "^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$");

    private DomainNames() {}

    /** Returns the normalised domain, or null when it is not a valid host name. */
    static String normalise(String input) {
        if (input == null) return null;
        String s = input.strip().toLowerCase(Locale.ROOT);
        int scheme = s.indexOf("://");
        if (scheme >= 0) s = s.substring(scheme + 3);
        int cut = indexOfAny(s, "/?#");
        if (cut >= 0) s = s.substring(0, cut);
        int at = s.lastIndexOf('@');
        if (at >= 0) s = s.substring(at + 1);
        int colon = s.indexOf(':');
        if (colon >= 0) s = s.substring(0, colon);
        if (s.endsWith(".")) s = s.substring(0, s.length() - 1);
        if (s.startsWith("www.")) s = s.substring(4);
        return validHost(s);
    }

    /**
     * A host name as the tracker reports it, for comparisons and storage: lowercase, punycode (IDNA via the JDK), no
     * trailing dot, letters-digits-hyphen labels of 1-63 characters, 253 at most. Null for anything else (control
     * characters, bidi overrides, markup, slashes, ports).
     */
    public static String validHost(String host) {
        if (host == null || host.isEmpty()) return null;
        if (host.endsWith(".")) host = host.substring(0, host.length() - 1);
        String ascii;
        try {
            ascii = IDN.toASCII(host, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if ("localhost".equals(ascii)) return ascii;
        return HOSTNAME.matcher(ascii).matches() ? ascii : null;
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) return i;
        }
        return -1;
    }
}
