package com.datasaas.ingest;

import com.datasaas.app.ApiException;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * The parts of an event's page URL that the event is derived from: host, raw path and raw query, exactly as
 * {@link URI#getHost()}, {@link URI#getRawPath()} and {@link URI#getRawQuery()} give them.
 *
 * <p>The URLs browsers send are nearly all of one plain shape ({@code https://host/path?query#fragment}, ASCII,
 * escapes well formed), and for those a scan of the chars finds the parts without building a {@link URI} (~3% of the
 * request threads' time in JFR, docs/benchmarks.md). The scan only accepts what it is certain {@code URI} parses the
 * same way: a scheme, {@code //}, a host of letters, digits, hyphens and dots whose labels and last label {@code URI}
 * takes as a host name, no user info and no port, then only characters {@code URI} allows unescaped in a path, query
 * and fragment. Anything else (a port, an IP literal, non-ASCII text, a space, a bad escape) goes to {@code URI} as
 * before, so every answer and every refusal stays {@code URI}'s; {@code PageUrlTest} checks the two against each
 * other.
 */
record PageUrl(String host, String rawPath, String rawQuery) {

    /** The parts of {@code url}, or null when it is blank or relative (no scheme); 400 when it is not a URL. */
    static PageUrl parse(String url) {
        if (url == null || url.isBlank()) return null;
        String s = url.strip();
        PageUrl plain = plain(s);
        if (plain != null) return plain;
        try {
            URI uri = new URI(s);
            return uri.getScheme() == null ? null : new PageUrl(uri.getHost(), uri.getRawPath(), uri.getRawQuery());
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("Field 'url' is not a valid URL.");
        }
    }

    /** The parts of a URL of the plain shape, or null for anything the scan does not vouch for. */
    static PageUrl plain(String s) {
        int n = s.length();
        // scheme = alpha *( alpha | digit | "+" | "-" | "." ), then "://"
        if (n == 0 || !letter(s.charAt(0))) return null;
        int i = 1;
        while (i < n && schemeChar(s.charAt(i))) i++;
        if (i + 2 >= n || s.charAt(i) != ':' || s.charAt(i + 1) != '/' || s.charAt(i + 2) != '/') return null;
        int hostStart = i + 3;
        int hostEnd = hostName(s, hostStart);
        if (hostEnd < 0) return null;
        int pathEnd = scan(s, hostEnd, PATH);
        if (pathEnd < 0) return null;
        int queryEnd = pathEnd;
        if (pathEnd < n && s.charAt(pathEnd) == '?') {
            queryEnd = scan(s, pathEnd + 1, QUERY);
            if (queryEnd < 0) return null;
        }
        if (queryEnd < n) {
            // only a fragment may follow, and it runs to the end
            if (s.charAt(queryEnd) != '#' || scan(s, queryEnd + 1, QUERY) != n) return null;
        }
        return new PageUrl(
                s.substring(hostStart, hostEnd),
                s.substring(hostEnd, pathEnd),
                pathEnd == queryEnd ? null : s.substring(pathEnd + 1, queryEnd));
    }

    /**
     * Where a host name that starts at {@code from} ends ({@code /}, {@code ?}, {@code #} or the end), or -1. Labels of
     * letters, digits and inner hyphens, the last one starting with a letter: {@code URI}'s own rule for a host name,
     * without its trailing-dot and IPv4 cases, which are left to it.
     */
    private static int hostName(String s, int from) {
        int n = s.length();
        int i = from;
        int labelStart = from;
        while (true) {
            if (i == labelStart) {
                if (i == n || !letterOrDigit(s.charAt(i))) return -1;
            }
            char c = i < n ? s.charAt(i) : '/';
            if (c == '.' || c == '/' || c == '?' || c == '#') {
                if (s.charAt(i - 1) == '-') return -1;
                if (c != '.') return letter(s.charAt(labelStart)) ? i : -1;
                labelStart = ++i;
            } else if (letterOrDigit(c) || c == '-') {
                i++;
            } else {
                return -1;
            }
        }
    }

    /** Where the run of {@code allowed} chars (and well-formed escapes) from {@code from} ends, or -1 on a bad one. */
    private static int scan(String s, int from, boolean[] allowed) {
        int n = s.length();
        int i = from;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= n || !hex(s.charAt(i + 1)) || !hex(s.charAt(i + 2))) return -1;
                i += 3;
            } else if (c < 128 && allowed[c]) {
                i++;
            } else if (c == '?' || c == '#') {
                return i;
            } else {
                return -1;
            }
        }
        return n;
    }

    /** What {@code URI} takes unescaped in a path: unreserved, {@code ;:@&=+$,} and {@code /}. */
    private static final boolean[] PATH = ascii("-_.!~*'();:@&=+$,/");
    /** In a query or fragment: unreserved and reserved, {@code ?} and the brackets among them. */
    private static final boolean[] QUERY = ascii("-_.!~*'();:@&=+$,/?[]");

    private static boolean[] ascii(String punctuation) {
        boolean[] allowed = new boolean[128];
        for (char c = 0; c < 128; c++) allowed[c] = letterOrDigit(c) || punctuation.indexOf(c) >= 0;
        return allowed;
    }

    private static boolean letter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean letterOrDigit(char c) {
        return letter(c) || (c >= '0' && c <= '9');
    }

    private static boolean schemeChar(char c) {
        return letterOrDigit(c) || c == '+' || c == '-' || c == '.';
    }

    private static boolean hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
