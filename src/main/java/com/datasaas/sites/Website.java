package com.datasaas.sites;

import java.time.Instant;
import java.util.List;

public record Website(
        String id,
        long accountId,
        String domain,
        String name,
        String timezone,
        String currency,
        List<String> allowedHostnames,
        List<String> excludedIps,
        List<String> excludedPaths,
        List<String> excludedCountries,
        Instant createdAt,
        /** Cookieless mode: visitors are derived on the server from a daily salted hash (docs/cookieless.md). */
        boolean cookieless) {

    public Website {
        allowedHostnames = List.copyOf(allowedHostnames);
        excludedIps = List.copyOf(excludedIps);
        excludedPaths = List.copyOf(excludedPaths);
        excludedCountries = List.copyOf(excludedCountries);
    }
}
