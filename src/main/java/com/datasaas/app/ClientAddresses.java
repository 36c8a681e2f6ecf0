package com.datasaas.app;

import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.springframework.security.web.util.matcher.IpAddressMatcher;
import org.springframework.stereotype.Component;

/**
 * The visitor's address: the socket peer, unless the peer is one of our own trusted proxies, in which case we walk
 * {@code X-Forwarded-For} from the right and take the first hop that is not a trusted proxy (the left-most entries
 * are whatever the client chose to send). Only literal addresses are parsed, so this never triggers a DNS lookup.
 */
@Component
public class ClientAddresses {
    private final List<IpAddressMatcher> trustedProxies;

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
    }

    public InetAddress resolve(HttpServletRequest request) {
        String peer = request.getRemoteAddr();
        if (trustedProxies.isEmpty() || !isTrusted(peer)) {
            return parse(peer);
        }
        String forwarded = request.getHeader("X-Forwarded-For");
        if (forwarded != null && !forwarded.isBlank()) {
            String[] hops = forwarded.split(",");
            for (int i = hops.length - 1; i >= 0; i--) {
                String hop = hops[i].trim();
                if (!IpLiterals.isAddress(hop)) {
                    break;
                }
                if (i == 0 || !isTrusted(hop)) {
                    return parse(hop);
                }
            }
        }
        String realIp = request.getHeader("X-Real-IP");
        if (realIp != null && IpLiterals.isAddress(realIp.trim())) {
            return parse(realIp.trim());
        }
        return parse(peer);
    }

    private boolean isTrusted(String address) {
        if (!IpLiterals.isAddress(address)) {
            return false;
        }
        for (IpAddressMatcher matcher : trustedProxies) {
            if (matcher.matches(address)) {
                return true;
            }
        }
        return false;
    }

    private static InetAddress parse(String literal) {
        try {
            return IpLiterals.isAddress(literal) ? InetAddress.getByName(literal) : InetAddress.getLoopbackAddress();
        } catch (UnknownHostException e) {
            return InetAddress.getLoopbackAddress();
        }
    }
}
