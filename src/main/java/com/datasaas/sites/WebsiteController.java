package com.datasaas.sites;

import com.datasaas.accounts.Caller;
import com.datasaas.app.ApiException;
import com.datasaas.app.IpLiterals;
import com.datasaas.app.RandomIds;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.annotation.Nullable;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

@RestController
class WebsiteController {
    private static final int MAX_LIST = 100;
    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

    private final WebsiteRepository repository;
    private final Websites websites;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    WebsiteController(WebsiteRepository repository, Websites websites, ApplicationEventPublisher events, Clock clock) {
        this.repository = repository;
        this.websites = websites;
        this.events = events;
        this.clock = clock;
    }

    private static final String REQUIRED_DOMAIN = "is required, e.g. \"example.com\"";
    private static final String LIST_SIZE = "may hold at most " + MAX_LIST + " entries";

    /** The body of POST /api/websites: shapes and sizes checked by Bean Validation, meanings (zone, code) here. */
    record NewWebsite(
            @Schema(
                    description = "Normalised: https://www.Example.com:443/blog becomes example.com.",
                    example = "example.com")
            @NotBlank(message = REQUIRED_DOMAIN)
            @Size(max = 253, message = "must be at most 253 characters")
            String domain,

            @Schema(description = "Defaults to the domain.")
            @Nullable
            @Size(max = 100, message = "must be at most 100 characters")
            String name,

            @Schema(description = "An IANA time zone; default UTC.", example = "Europe/Berlin")
            @Nullable
            @Size(max = 64, message = "must be at most 64 characters")
            String timezone,

            @Schema(description = "ISO 4217; default USD.", example = "EUR")
            @Nullable
            @Size(max = 3, message = "must be at most 3 characters")
            String currency) {}

    /**
     * The body of PATCH /api/websites/{id}: any of these, absent or null meaning unchanged. Other fields are a 400
     * (Jackson ignores unknown fields, so they are collected and refused here).
     */
    record WebsiteChanges(
            @Nullable @Size(max = 253, message = "must be at most 253 characters")
            String domain,

            @Nullable @Size(max = 100, message = "must be at most 100 characters")
            String name,

            @Nullable @Size(max = 64, message = "must be at most 64 characters")
            String timezone,

            @Nullable @Size(max = 3, message = "must be at most 3 characters")
            String currency,

            @Schema(description = "Extra hosts whose events count: app.other.org or *.other.org.")
            @Nullable
            @Size(max = MAX_LIST, message = LIST_SIZE)
            List<
                            @NotNull(message = "must hold strings")
                            @Size(max = 253, message = "must hold strings of at most 253 characters") String>
                    allowedHostnames,

            @Schema(description = "Addresses or CIDR ranges.") @Nullable @Size(max = MAX_LIST, message = LIST_SIZE)
            List<
                            @NotNull(message = "must hold strings")
                            @Size(max = 50, message = "must hold strings of at most 50 characters") String>
                    excludedIps,

            @Schema(description = "Paths with '*' matching anything, e.g. /admin/*.")
            @Nullable
            @Size(max = MAX_LIST, message = LIST_SIZE)
            List<
                            @NotNull(message = "must hold strings")
                            @Size(max = 500, message = "must hold strings of at most 500 characters") String>
                    excludedPaths,

            @Schema(description = "ISO 3166 two-letter codes.") @Nullable @Size(max = MAX_LIST, message = LIST_SIZE)
            List<
                            @NotNull(message = "must hold strings")
                            @Size(max = 2, message = "must hold strings of at most 2 characters") String>
                    excludedCountries,

            @Schema(
                    description = "Cookieless mode: the site's pages use /js/script.cookieless.js, which sets"
                            + " no cookie and sends no ids; visitors are counted from a daily salted hash"
                            + " (docs/cookieless.md).")
            @Nullable
            Boolean cookieless,

            @JsonAnySetter @Schema(hidden = true) @Nullable Map<String, Object> unknown) {}

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

            @Schema(description = "Cookieless mode (docs/cookieless.md).")
            boolean cookieless,

            @Schema(
                    description = "The script tag to paste into the site's pages (the cookieless script in cookieless"
                            + " mode).")
            String trackingSnippet) {}

    record WebsiteList(List<WebsiteView> websites) {}

    @PostMapping("/api/websites")
    @ResponseStatus(HttpStatus.CREATED)
    WebsiteView create(@Valid @RequestBody NewWebsite body) {
        Caller caller = Caller.current();
        caller.requireAccountWide();
        String domain = domain(body.domain());
        String name = body.name();
        Website website = new Website(
                "mrf_" + RandomIds.base62(12),
                caller.accountId(),
                domain,
                name == null || name.isBlank() ? domain : name.strip(),
                body.timezone() == null ? "UTC" : timezone(body.timezone()),
                body.currency() == null ? "USD" : currency(body.currency()),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                clock.instant(),
                false);
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
    WebsiteView update(@PathVariable String id, @Valid @RequestBody WebsiteChanges body) {
        Website current = websites.require(Caller.current(), id);
        if (body.unknown() != null && !body.unknown().isEmpty()) {
            String field = body.unknown().keySet().iterator().next();
            throw ApiException.invalid(field, "Field '" + field + "' cannot be changed.");
        }
        String domain = body.domain() == null ? current.domain() : domain(body.domain());
        String name = body.name();
        String timezone = body.timezone();
        String currency = body.currency();
        List<String> hostnames = stripped(body.allowedHostnames());
        List<String> ips = stripped(body.excludedIps());
        List<String> paths = stripped(body.excludedPaths());
        List<String> countries = stripped(body.excludedCountries());
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
                current.createdAt(),
                body.cookieless() == null ? current.cookieless() : body.cookieless());
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

    private static List<String> stripped(List<String> values) {
        return values == null ? null : values.stream().map(String::strip).toList();
    }

    private static String domain(String input) {
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
                w.cookieless(),
                "<script defer data-website-id=\"" + w.id() + "\" data-domain=\"" + w.domain() + "\" src=\"" + base
                        + (w.cookieless() ? "/js/script.cookieless.js" : "/js/script.js") + "\"></script>");
    }
}
