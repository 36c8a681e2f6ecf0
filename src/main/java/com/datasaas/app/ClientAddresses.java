package com.datasaas.app;

import jakarta.servlet.http.HttpServletRequest;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
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
        String peer = request.getRemoteAddr();
        if (!isTrustedProxy(peer)) {
            return parse(peer);
        }
        if (!FORWARDED_FOR.equalsIgnoreCase(header)) {
            String value = request.getHeader(header);
            return value != null && IpLiterals.isAddress(value.strip()) ? parse(value.strip()) : parse(peer);
        }
        String forwarded = String.join(",", java.util.Collections.list(request.getHeaders(FORWARDED_FOR)));
        if (forwarded.isBlank()) {
            return parse(peer);
        }
        String[] hops = forwarded.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!IpLiterals.isAddress(hop)) {
                return parse(peer);
            }
            if (i == 0 || !isTrustedProxy(hop)) {
                return parse(hop);
            }
        }
        return parse(peer);
    }

    /** Whether the socket peer is one of ours, so its forwarding headers (address, protocol) may be believed. */
    public boolean isTrustedProxy(String address) {
        if (trustedProxies.isEmpty() || !IpLiterals.isAddress(address)) {
            return false;
        }
        for (IpAddressMatcher matcher : trustedProxies) {
            if (matcher.matches(address)) {
                return true;
            }
        }
        return false;
    }

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

    private static InetAddress parse(String literal) {
        try {
            return IpLiterals.isAddress(literal) ? InetAddress.getByName(literal) : InetAddress.getLoopbackAddress();
        } catch (UnknownHostException e) {
            return InetAddress.getLoopbackAddress();
        }
    }
}
