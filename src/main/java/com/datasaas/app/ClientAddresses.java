package com.datasaas.app;

import jakarta.servlet.http.HttpServletRequest;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.springframework.security.web.util.matcher.IpAddressMatcher;
import org.springframework.stereotype.Component;

/**
 * The visitor's address, by one rule. When the socket peer is not one of our trusted proxies, it is the peer: no
 * header is believed. When it is, the configured header decides ({@code DATASAAS_CLIENT_IP_HEADER}):
 *
 * <ul>
 *   <li>{@code X-Forwarded-For} (default): walk the list from the right and take the first hop that is not itself a
 *       trusted proxy; the left-most entries are whatever the client chose to send. A hop that is not an address
 *       stops the walk and the peer is used, since the chain can no longer be trusted.
 *   <li>any other header name (for example {@code X-Real-IP} for nginx's {@code proxy_set_header X-Real-IP
 *       $remote_addr}): that header's single address, and no other header.
 * </ul>
 *
 * Only literal addresses are parsed, so this never triggers a DNS lookup.
 */
@Component
public class ClientAddresses {
    public static final String FORWARDED_FOR = "X-Forwarded-For";

    private final List<IpAddressMatcher> trustedProxies;
    private final String header;
    /** The latest address {@link #isTrustedProxy(InetAddress)} decided: a record of final fields, so a plain field publishes it whole. */
    private Verdict lastVerdict;

    public ClientAddresses(DataSaasProperties properties) {
        this.trustedProxies = properties.trustedProxies().stream()
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(cidr -> {
                    if (!IpLiterals.isAddressOrCidr(cidr)) {
                        throw new IllegalArgumentException(
                                "DATASAAS_TRUSTED_PROXIES entry '" + cidr + "' is not an IP address or CIDR range");
                    }
                    return new IpAddressMatcher(cidr);
                })
                .toList();
        String configured = properties.clientIpHeader();
        this.header = configured == null || configured.isBlank() ? FORWARDED_FOR : configured.strip();
    }

    public InetAddress resolve(HttpServletRequest request) {
        // Each literal is parsed once, into the address it names, and then compared as bytes (JFR: parsing the same
        // text three times with a regular expression was ~10% of an ingest request's CPU samples).
        InetAddress peer = literal(request.getRemoteAddr());
        if (peer == null) {
            return InetAddress.getLoopbackAddress();
        }
        if (!isTrustedProxy(peer)) {
            return peer;
        }
        if (!FORWARDED_FOR.equalsIgnoreCase(header)) {
            String value = request.getHeader(header);
            InetAddress named = value == null ? null : literal(value.strip());
            return named != null ? named : peer;
        }
        // Header lines joined with commas, as one list; usually there is one line, and then nothing is copied.
        Enumeration<String> lines = request.getHeaders(FORWARDED_FOR);
        if (lines == null || !lines.hasMoreElements()) {
            return peer;
        }
        String forwarded = lines.nextElement();
        while (lines.hasMoreElements()) {
            forwarded = forwarded + "," + lines.nextElement();
        }
        if (forwarded.isBlank()) {
            return peer;
        }
        String[] hops = forwarded.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            InetAddress hop = literal(hops[i].trim());
            if (hop == null) {
                return peer;
            }
            if (i == 0 || !isTrustedProxy(hop)) {
                return hop;
            }
        }
        return peer;
    }

    /** Whether the socket peer is one of ours, so its forwarding headers (address, protocol) may be believed. */
    public boolean isTrustedProxy(String address) {
        if (trustedProxies.isEmpty()) {
            return false;
        }
        InetAddress parsed = literal(address);
        return parsed != null && isTrustedProxy(parsed);
    }

    private boolean isTrustedProxy(InetAddress address) {
        if (trustedProxies.isEmpty()) {
            return false;
        }
        // Behind a proxy nearly every request comes from the same peer, and Spring's matcher takes only text, which it
        // parses again per call (JFR: ~4% of an ingest request's samples); the verdict is a function of the address,
        // so the last one is remembered. A race only costs a recomputation.
        Verdict last = lastVerdict;
        if (last != null && last.address().equals(address)) {
            return last.trusted();
        }
        String text = address.getHostAddress();
        boolean trusted = false;
        for (IpAddressMatcher matcher : trustedProxies) {
            if (matcher.matches(text)) {
                trusted = true;
                break;
            }
        }
        lastVerdict = new Verdict(address, trusted);
        return trusted;
    }

    private record Verdict(InetAddress address, boolean trusted) {}

    /**
     * The key rate limits count under: the address itself for IPv4, its /64 network for IPv6, since one subscriber
     * usually gets a whole /64 and could otherwise rotate through 2^64 addresses.
     */
    public static String bucketKey(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] prefix = Arrays.copyOf(address.getAddress(), 8);
            return HexFormat.of().formatHex(prefix).toLowerCase(Locale.ROOT) + "::/64";
        }
        return address.getHostAddress();
    }

    /** The address an IP literal names, or null when the text is not one (never a DNS lookup). */
    private static InetAddress literal(String text) {
        if (text == null) return null;
        try {
            byte[] ipv4 = IpLiterals.ipv4(text);
            if (ipv4 != null) return InetAddress.getByAddress(ipv4);
            return IpLiterals.isAddress(text) ? InetAddress.getByName(text) : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
