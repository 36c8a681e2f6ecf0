package com.datasaas.enrich;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Names the site a visitor came from, using Matomo's search engine, social network and AI assistant lists, and spots
 * referrer spam with Matomo's spam list (all copied under {@code resources/enrich/referrers}, with their licence).
 *
 * <p>Matomo's URL patterns come in four shapes, all handled: a host ({@code m.facebook.com}), a host with a path
 * ({@code x.com/i/grok}), any subdomain ({@code {}.bing.com}) and any top-level domain ({@code google.{}}, matching
 * {@code google.de} and {@code google.co.uk}). A referrer host is tried as it is, then with its leftmost label removed,
 * and so on, so {@code mobile.twitter.com} is Twitter; the most specific entry wins, which keeps
 * {@code gemini.google.com} an AI assistant while {@code google.com} is a search engine. A host listed twice counts as
 * AI assistant before social network before search engine (Matomo lists ChatGPT as both).
 */
public final class ReferrerClassifier {

    private static final String LISTS = "/enrich/referrers/";
    private static final String ANY_TLD = ".{}";

    /** Second-level labels under which a country code makes the top-level domain, as in co.uk or com.au. */
    private static final int MAX_SECOND_LEVEL_TLD_LENGTH = 3;

    /** scheme://authority/path; the query and fragment are left out on purpose (they can hold personal data). */
    private static final Pattern URL =
            Pattern.compile("^([a-z][a-z0-9+.-]*)://([^/?#\\\\]*)([^?#]*)", Pattern.CASE_INSENSITIVE);

    private static final Pattern HOST =
            Pattern.compile("[\\p{L}\\p{N}_-]+(?:\\.[\\p{L}\\p{N}_-]+)*|\\[[0-9a-f:.]+]", Pattern.CASE_INSENSITIVE);

    /** Compiled once: {@code String.replaceAll} compiles its pattern on every call, and this runs per tagged event. */
    private static final Pattern NOT_LETTER_OR_DIGIT = Pattern.compile("[^\\p{L}\\p{N}]");

    /** Short utm_source values people use for networks Matomo lists under longer names. */
    private static final Map<String, ReferrerKind> SOURCE_ALIASES = Map.of(
            "fb", ReferrerKind.SOCIAL,
            "ig", ReferrerKind.SOCIAL,
            "yt", ReferrerKind.SOCIAL,
            "li", ReferrerKind.SOCIAL,
            "tw", ReferrerKind.SOCIAL,
            "x", ReferrerKind.SOCIAL);

    /** List names that are everyday words as a utm_source ("free", "chat"), so they do not name a source. */
    private static final Set<String> AMBIGUOUS_NAMES = Set.of("free", "lost", "chat", "you");

    private record Source(String name, ReferrerKind kind) {}

    private record PathRule(String pathPrefix, Source source) {}

    /** Keyed by exact host ("m.facebook.com") or by name before any TLD ("google.{}"). */
    /** Distinct utm_source values kept classified. */
    static final int SOURCE_CACHE_SIZE = 10_000;

    private final Map<String, List<PathRule>> rules = new HashMap<>();

    /** Keyed by list name folded to letters and digits ("hackernews"), for utm_source values. */
    private final Map<String, Source> byName = new HashMap<>();

    private final Set<String> spammers;
    /**
     * {@link #kindOfSource} per utm_source as sent: a campaign tags every landing with the same few values, and working
     * one out takes a host-name parse and a walk up its domain on every event (JFR: ~5% of request time).
     */
    private final Cache<String, ReferrerKind> sourceKinds =
            Caffeine.newBuilder().maximumSize(SOURCE_CACHE_SIZE).build();

    public ReferrerClassifier() {
        // Order is priority: a host in several lists keeps its first kind.
        loadFlatList("AIAssistants.yml", ReferrerKind.AI_ASSISTANT);
        loadFlatList("Socials.yml", ReferrerKind.SOCIAL);
        loadSearchEngines();
        rules.values()
                .forEach(list -> list.sort(
                        Comparator.comparingInt((PathRule r) -> r.pathPrefix().length())
                                .reversed()));
        spammers = loadSpammers();
    }

    /**
     * @param referrerUrl the document.referrer the tracker sent, may be null or garbage
     * @param siteDomain the site's domain; referrers from it or its subdomains are self-referrals
     */
    public ReferrerInfo classify(String referrerUrl, String siteDomain) {
        if (referrerUrl == null || referrerUrl.isBlank()) {
            return ReferrerInfo.NONE;
        }
        String url = referrerUrl.strip();
        if (!url.contains("://")) {
            // Some clients send "example.com/page" without a scheme.
            url = "https://" + (url.startsWith("//") ? url.substring(2) : url);
        }
        Matcher m = URL.matcher(url);
        if (!m.find()) {
            return ReferrerInfo.NONE;
        }
        String scheme = m.group(1).toLowerCase(Locale.ROOT);
        String host = hostOf(m.group(2));
        if (host == null) {
            return ReferrerInfo.NONE;
        }
        String domain = withoutWww(host);
        String site = siteDomain == null
                ? null
                : withoutWww(trimDot(siteDomain.strip().toLowerCase(Locale.ROOT)));
        if (site != null && !site.isEmpty() && isSameOrSubdomain(domain, site)) {
            return ReferrerInfo.NONE;
        }
        String path = m.group(3);
        String referrer = scheme + "://" + host + portOf(m.group(2), scheme) + (path.equals("/") ? "" : path);
        Source source = lookUp(host, path.toLowerCase(Locale.ROOT));
        return source == null
                ? new ReferrerInfo(referrer, domain, domain, ReferrerKind.OTHER)
                : new ReferrerInfo(referrer, domain, source.name(), source.kind());
    }

    /** True when the host or one of its parent domains is on the referrer spam list. */
    public boolean isSpam(String referrerHost) {
        if (referrerHost == null || referrerHost.isBlank()) {
            return false;
        }
        for (String candidate = withoutWww(trimDot(referrerHost.strip().toLowerCase(Locale.ROOT)));
                candidate != null;
                candidate = parentOf(candidate)) {
            if (spammers.contains(candidate)) {
                return true;
            }
        }
        return false;
    }

    /**
     * What a utm_source value names: "google", "Facebook", "bing.com", "chatgpt.com" or "fb" are known; anything else
     * is {@link ReferrerKind#NONE}. Used by the channel rules, which treat a tagged source like a referrer.
     */
    ReferrerKind kindOfSource(String utmSource) {
        if (utmSource == null || utmSource.isBlank()) {
            return ReferrerKind.NONE;
        }
        return sourceKinds.get(utmSource, this::workOutKindOfSource);
    }

    private ReferrerKind workOutKindOfSource(String utmSource) {
        String value = utmSource.strip().toLowerCase(Locale.ROOT);
        ReferrerKind alias = SOURCE_ALIASES.get(value);
        if (alias != null) {
            return alias;
        }
        Source named = byName.get(foldName(value));
        if (named != null) {
            return named.kind();
        }
        String host = hostOf(value);
        if (host != null) {
            Source source = host.contains(".") ? lookUp(host, "") : lookUp(host + ".com", "");
            if (source != null) {
                return source.kind();
            }
        }
        return ReferrerKind.NONE;
    }

    private Source lookUp(String host, String path) {
        for (String candidate = host; candidate != null; candidate = parentOf(candidate)) {
            Source source = match(rules.get(candidate), path);
            if (source != null) {
                return source;
            }
            // google.{}: the name is what is left after a one- or two-label top-level domain.
            String[] labels = candidate.split("\\.");
            if (labels.length >= 2) {
                String name = candidate.substring(0, candidate.lastIndexOf('.'));
                source = match(rules.get(name + ANY_TLD), path);
                if (source != null) {
                    return source;
                }
            }
            if (labels.length >= 3 && labels[labels.length - 2].length() <= MAX_SECOND_LEVEL_TLD_LENGTH) {
                String name = candidate.substring(0, candidate.lastIndexOf('.', candidate.lastIndexOf('.') - 1));
                source = match(rules.get(name + ANY_TLD), path);
                if (source != null) {
                    return source;
                }
            }
        }
        return null;
    }

    private static Source match(List<PathRule> candidates, String path) {
        if (candidates == null) {
            return null;
        }
        for (PathRule rule : candidates) { // longest path first, the bare host last
            if (path.startsWith(rule.pathPrefix())) {
                return rule.source();
            }
        }
        return null;
    }

    private static String hostOf(String authority) {
        String hostAndPort = authority.substring(authority.lastIndexOf('@') + 1);
        String host = hostAndPort;
        if (!hostAndPort.startsWith("[")) {
            int colon = hostAndPort.lastIndexOf(':');
            if (colon >= 0) {
                String port = hostAndPort.substring(colon + 1);
                if (!port.chars().allMatch(Character::isDigit)) {
                    return null;
                }
                host = hostAndPort.substring(0, colon);
            }
        } else if (hostAndPort.indexOf(']') > 0) {
            host = hostAndPort.substring(0, hostAndPort.indexOf(']') + 1);
        }
        host = trimDot(host.toLowerCase(Locale.ROOT));
        return !host.isEmpty() && HOST.matcher(host).matches() ? host : null;
    }

    private static String portOf(String authority, String scheme) {
        String hostAndPort = authority.substring(authority.lastIndexOf('@') + 1);
        int colon = hostAndPort.lastIndexOf(':');
        if (colon < 0 || hostAndPort.lastIndexOf(']') > colon) {
            return "";
        }
        String port = hostAndPort.substring(colon + 1);
        boolean isDefault = port.isEmpty()
                || (port.equals("80") && scheme.equals("http"))
                || (port.equals("443") && scheme.equals("https"));
        return isDefault ? "" : ":" + port;
    }

    private static boolean isSameOrSubdomain(String host, String site) {
        return host.equals(site) || host.endsWith("." + site);
    }

    private static String withoutWww(String host) {
        return host.startsWith("www.") ? host.substring(4) : host;
    }

    private static String trimDot(String host) {
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }

    private static String parentOf(String host) {
        int dot = host.indexOf('.');
        return dot < 0 || host.startsWith("[") ? null : host.substring(dot + 1);
    }

    private static String foldName(String name) {
        return NOT_LETTER_OR_DIGIT.matcher(name.toLowerCase(Locale.ROOT)).replaceAll("");
    }

    // ---- loading the lists

    private void loadFlatList(String file, ReferrerKind kind) {
        Map<?, ?> entries = loadYaml(file);
        entries.forEach((name, urls) -> {
            Source source = new Source(String.valueOf(name), kind);
            for (Object url : (List<?>) urls) {
                addPattern(String.valueOf(url), source);
            }
        });
    }

    private void loadSearchEngines() {
        Map<?, ?> entries = loadYaml("SearchEngines.yml");
        entries.forEach((name, definitions) -> {
            Source source = new Source(String.valueOf(name), ReferrerKind.SEARCH);
            for (Object definition : (List<?>) definitions) {
                Object urls = ((Map<?, ?>) definition).get("urls");
                if (urls instanceof List<?> list) {
                    list.forEach(url -> addPattern(String.valueOf(url), source));
                }
            }
        });
    }

    private void addPattern(String pattern, Source source) {
        String folded = foldName(source.name());
        if (!folded.isEmpty() && !AMBIGUOUS_NAMES.contains(folded)) {
            byName.putIfAbsent(folded, source);
        }
        String value = pattern.strip().toLowerCase(Locale.ROOT);
        if (value.startsWith("android-app//")) {
            // android-app//com.google.android.googlequicksearchbox/...: the app's package is the referrer's host.
            value = value.substring("android-app//".length());
        }
        int slash = value.indexOf('/');
        String host = slash < 0 ? value : value.substring(0, slash);
        String path = slash < 0 ? "" : value.substring(slash);
        if (host.startsWith("{}.")) {
            host = host.substring(3); // any subdomain: the parent-domain walk in lookUp covers it
        }
        if (host.contains("{}") && !host.endsWith(ANY_TLD)) {
            return; // images.{}.ask.com: already covered by {}.ask.com
        }
        if (host.endsWith(ANY_TLD) && host.indexOf("{}") != host.length() - 2) {
            return;
        }
        List<PathRule> existing = rules.computeIfAbsent(host, k -> new ArrayList<>());
        if (existing.stream().noneMatch(rule -> rule.pathPrefix().equals(path))) {
            existing.add(new PathRule(path, source));
        }
    }

    private static Map<?, ?> loadYaml(String file) {
        try (InputStream in = open(file)) {
            Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            return (Map<?, ?>) loaded;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + LISTS + file, e);
        }
    }

    private static Set<String> loadSpammers() {
        try (InputStream in = open("spammers.txt")) {
            Set<String> hosts = new HashSet<>();
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
                    .lines()
                    .map(line -> line.strip().toLowerCase(Locale.ROOT))
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .forEach(hosts::add);
            return Set.copyOf(hosts);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + LISTS + "spammers.txt", e);
        }
    }

    private static InputStream open(String file) {
        InputStream in = ReferrerClassifier.class.getResourceAsStream(LISTS + file);
        if (in == null) {
            throw new IllegalStateException(LISTS + file + " is missing from the classpath");
        }
        return in;
    }
}
