package com.datasaas.sites;

import com.datasaas.app.IpLiterals;
import java.net.InetAddress;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.security.web.util.matcher.IpAddressMatcher;

/**
 * A website with its rules compiled for the ingest path: host names, IP ranges and path patterns are parsed once
 * per site, not once per event.
 */
public final class TrackedSite {
    private final Website website;
    private final ZoneId zone;
    private final Set<String> exactHosts;
    private final List<String> wildcardSuffixes;
    private final List<IpAddressMatcher> excludedIps;
    private final List<Pattern> excludedPaths;
    private final Set<String> excludedCountries;

    TrackedSite(Website website) {
        this.website = website;
        this.zone = ZoneId.of(website.timezone());
        this.exactHosts = website.allowedHostnames().stream()
                .filter(h -> !h.startsWith("*."))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.wildcardSuffixes = website.allowedHostnames().stream()
                .filter(h -> h.startsWith("*."))
                .map(h -> h.substring(1))
                .toList();
        this.excludedIps = website.excludedIps().stream()
                .filter(IpLiterals::isAddressOrCidr)
                .map(IpAddressMatcher::new)
                .toList();
        this.excludedPaths =
                website.excludedPaths().stream().map(TrackedSite::wildcard).toList();
        this.excludedCountries = Set.copyOf(website.excludedCountries());
    }

    static Pattern wildcard(String pattern) {
        StringBuilder regex = new StringBuilder("^");
        for (String part : pattern.split("\\*", -1)) {
            if (regex.length() > 1) regex.append(".*");
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.append('$').toString());
    }

    public Website website() {
        return website;
    }

    public String id() {
        return website.id();
    }

    public ZoneId zone() {
        return zone;
    }

    /** The site's domain or any subdomain ("www." ignored), or an allowed host name ("app.x.org", "*.x.org"). */
    public boolean acceptsHostname(String hostname) {
        if (hostname == null) return false;
        String host = hostname.toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) host = host.substring(0, host.length() - 1);
        if (host.startsWith("www.")) host = host.substring(4);
        String domain = website.domain();
        if (host.equals(domain) || host.endsWith("." + domain)) return true;
        if (exactHosts.contains(host) || exactHosts.contains(hostname.toLowerCase(Locale.ROOT))) return true;
        for (String suffix : wildcardSuffixes) {
            if (host.endsWith(suffix)) return true;
        }
        return false;
    }

    public boolean excludesAddress(InetAddress address) {
        if (excludedIps.isEmpty()) return false;
        String literal = address.getHostAddress();
        for (IpAddressMatcher matcher : excludedIps) {
            if (matcher.matches(literal)) return true;
        }
        return false;
    }

    public boolean excludesPath(String pathname) {
        if (excludedPaths.isEmpty() || pathname == null) return false;
        for (Pattern pattern : excludedPaths) {
            if (pattern.matcher(pathname).matches()) return true;
        }
        return false;
    }

    public boolean excludesCountry(String countryCode) {
        return countryCode != null && excludedCountries.contains(countryCode);
    }
}
