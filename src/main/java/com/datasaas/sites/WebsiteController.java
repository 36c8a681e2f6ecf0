package com.datasaas.sites;

import com.datasaas.accounts.Caller;
import com.datasaas.app.ApiException;
import com.datasaas.app.IpLiterals;
import com.datasaas.app.JsonBodies;
import com.datasaas.app.RandomIds;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.annotation.Nullable;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

@RestController
class WebsiteController {
    private static final int MAX_LIST = 100;
    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

    private final WebsiteRepository repository;
    private final Websites websites;
    private final ObjectMapper json;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    WebsiteController(
            WebsiteRepository repository,
            Websites websites,
            ObjectMapper json,
            ApplicationEventPublisher events,
            Clock clock) {
        this.repository = repository;
        this.websites = websites;
        this.json = json;
        this.events = events;
        this.clock = clock;
    }

    /** The body of POST /api/websites (read field by field, so each wrong type is a 400 naming the field). */
    record NewWebsite(
            @Schema(
                    description = "Normalised: https://www.Example.com:443/blog becomes example.com.",
                    example = "example.com",
                    maxLength = 253)
            String domain,

            @Schema(description = "Defaults to the domain.", maxLength = 100) @Nullable
            String name,

            @Schema(description = "An IANA time zone; default UTC.", example = "Europe/Berlin") @Nullable
            String timezone,

            @Schema(description = "ISO 4217; default USD.", example = "EUR") @Nullable
            String currency) {}

    /** The body of PATCH /api/websites/{id}: any of these; other fields are a 400. */
    record WebsiteChanges(
            @Nullable String domain,
            @Nullable String name,
            @Nullable String timezone,
            @Nullable String currency,

            @Schema(description = "Extra hosts whose events count: app.other.org or *.other.org.") @Nullable
            List<String> allowedHostnames,

            @Schema(description = "Addresses or CIDR ranges.") @Nullable
            List<String> excludedIps,

            @Schema(description = "Paths with '*' matching anything, e.g. /admin/*.") @Nullable
            List<String> excludedPaths,

            @Schema(description = "ISO 3166 two-letter codes.") @Nullable
            List<String> excludedCountries) {}

    /** A website as the API shows it. */
    record WebsiteView(
            @Schema(example = "mrf_3kS9aB0qLx2Z") String id,
            String domain,
            String name,
            String timezone,
            String currency,
            List<String> allowedHostnames,
            List<String> excludedIps,
            List<String> excludedPaths,
            List<String> excludedCountries,
            Instant createdAt,

            @Schema(description = "The script tag to paste into the site's pages.")
            String trackingSnippet) {}

    record WebsiteList(List<WebsiteView> websites) {}

    @PostMapping("/api/websites")
    @ResponseStatus(HttpStatus.CREATED)
    @io.swagger.v3.oas.annotations.parameters.RequestBody(
            content = @Content(schema = @Schema(implementation = NewWebsite.class)))
    WebsiteView create(@RequestBody(required = false) byte[] raw) {
        Caller caller = Caller.current();
        caller.requireAccountWide();
        JsonNode body = JsonBodies.parseObject(json, raw);
        String domain = domain(JsonBodies.string(body, "domain", 253));
        if (domain == null) {
            throw ApiException.badRequest("Field 'domain' is required, e.g. \"example.com\".");
        }
        String name = JsonBodies.string(body, "name", 100);
        String timezone = JsonBodies.string(body, "timezone", 64);
        String currency = JsonBodies.string(body, "currency", 3);
        Website website = new Website(
                "mrf_" + RandomIds.base62(12),
                caller.accountId(),
                domain,
                name == null || name.isBlank() ? domain : name.strip(),
                timezone == null ? "UTC" : timezone(timezone),
                currency == null ? "USD" : currency(currency),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                clock.instant());
        repository.insert(website);
        return view(website);
    }

    @GetMapping("/api/websites")
    WebsiteList list() {
        return new WebsiteList(
                websites.visibleTo(Caller.current()).stream().map(this::view).toList());
    }

    @GetMapping("/api/websites/{id}")
    WebsiteView get(@PathVariable String id) {
        return view(websites.require(Caller.current(), id));
    }

    @PatchMapping("/api/websites/{id}")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(
            content = @Content(schema = @Schema(implementation = WebsiteChanges.class)))
    WebsiteView update(@PathVariable String id, @RequestBody(required = false) byte[] raw) {
        Website current = websites.require(Caller.current(), id);
        JsonNode body = JsonBodies.parseObject(json, raw);
        for (String field : body.propertyNames()) {
            if (!Set.of(
                            "domain",
                            "name",
                            "timezone",
                            "currency",
                            "allowed_hostnames",
                            "excluded_ips",
                            "excluded_paths",
                            "excluded_countries")
                    .contains(field)) {
                throw ApiException.badRequest("Field '" + field + "' cannot be changed.");
            }
        }
        String domainInput = JsonBodies.string(body, "domain", 253);
        String domain = domainInput == null ? current.domain() : domain(domainInput);
        if (domain == null) {
            throw ApiException.badRequest("Field 'domain' must be a domain name such as \"example.com\".");
        }
        String name = JsonBodies.string(body, "name", 100);
        String timezone = JsonBodies.string(body, "timezone", 64);
        String currency = JsonBodies.string(body, "currency", 3);
        List<String> hostnames = JsonBodies.strings(body, "allowed_hostnames", MAX_LIST, 253);
        List<String> ips = JsonBodies.strings(body, "excluded_ips", MAX_LIST, 50);
        List<String> paths = JsonBodies.strings(body, "excluded_paths", MAX_LIST, 500);
        List<String> countries = JsonBodies.strings(body, "excluded_countries", MAX_LIST, 2);
        Website updated = new Website(
                current.id(),
                current.accountId(),
                domain,
                name == null || name.isBlank() ? current.name() : name.strip(),
                timezone == null ? current.timezone() : timezone(timezone),
                currency == null ? current.currency() : currency(currency),
                hostnames == null ? current.allowedHostnames() : allowedHostnames(hostnames),
                ips == null ? current.excludedIps() : excludedIps(ips),
                paths == null ? current.excludedPaths() : excludedPaths(paths),
                countries == null ? current.excludedCountries() : excludedCountries(countries),
                current.createdAt());
        repository.update(updated);
        websites.forget(id);
        return view(updated);
    }

    @DeleteMapping("/api/websites/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable String id) {
        Caller caller = Caller.current();
        Website website = websites.require(caller, id);
        repository.delete(website.id());
        websites.forget(id);
        events.publishEvent(new WebsiteDeleted(id));
    }

    private static String domain(String input) {
        if (input == null) return null;
        String domain = DomainNames.normalise(input);
        if (domain == null) {
            throw ApiException.badRequest(
                    "Field 'domain' must be a domain name such as \"example.com\" (got \"" + input + "\").");
        }
        return domain;
    }

    private static String timezone(String zone) {
        if (!ZoneId.getAvailableZoneIds().contains(zone)) {
            throw ApiException.badRequest(
                    "Field 'timezone' must be an IANA time zone such as \"Europe/Berlin\" or \"UTC\".");
        }
        return zone;
    }

    private static String currency(String code) {
        String upper = code.toUpperCase(Locale.ROOT);
        try {
            if (upper.matches("[A-Z]{3}")) {
                return Currency.getInstance(upper).getCurrencyCode();
            }
        } catch (IllegalArgumentException e) {
            // fall through to the error below
        }
        throw ApiException.badRequest("Field 'currency' must be an ISO 4217 code such as \"USD\" or \"EUR\".");
    }

    private static List<String> allowedHostnames(List<String> input) {
        List<String> out = new ArrayList<>();
        for (String entry : input) {
            boolean wildcard = entry.startsWith("*.");
            String host = DomainNames.validHost(wildcard ? entry.substring(2) : entry.toLowerCase(Locale.ROOT));
            if (host == null) {
                throw ApiException.badRequest("Field 'allowed_hostnames' has an invalid entry \"" + entry
                        + "\": use a host name like \"app.example.org\" or \"*.example.org\".");
            }
            out.add(wildcard ? "*." + host : host);
        }
        return out;
    }

    private static List<String> excludedIps(List<String> input) {
        for (String entry : input) {
            if (!IpLiterals.isAddressOrCidr(entry)) {
                throw ApiException.badRequest("Field 'excluded_ips' has an invalid entry \"" + entry
                        + "\": use an IP address or a CIDR range like \"203.0.113.0/24\".");
            }
        }
        return input;
    }

    private static List<String> excludedPaths(List<String> input) {
        for (String entry : input) {
            if (!entry.startsWith("/")) {
                throw ApiException.badRequest("Field 'excluded_paths' has an invalid entry \"" + entry
                        + "\": paths start with '/', and '*' matches anything, e.g. \"/admin/*\".");
            }
        }
        return input;
    }

    private static List<String> excludedCountries(List<String> input) {
        List<String> out = new ArrayList<>();
        for (String entry : input) {
            String code = entry.toUpperCase(Locale.ROOT);
            if (!COUNTRIES.contains(code)) {
                throw ApiException.badRequest("Field 'excluded_countries' has an invalid entry \"" + entry
                        + "\": use ISO 3166 two-letter codes such as \"US\".");
            }
            out.add(code);
        }
        return out;
    }

    private WebsiteView view(Website w) {
        String base = ServletUriComponentsBuilder.fromCurrentContextPath().toUriString();
        return new WebsiteView(
                w.id(),
                w.domain(),
                w.name(),
                w.timezone(),
                w.currency(),
                w.allowedHostnames(),
                w.excludedIps(),
                w.excludedPaths(),
                w.excludedCountries(),
                w.createdAt(),
                "<script defer data-website-id=\"" + w.id() + "\" data-domain=\"" + w.domain() + "\" src=\"" + base
                        + "/js/script.js\"></script>");
    }
}
