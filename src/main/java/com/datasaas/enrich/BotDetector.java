package com.datasaas.enrich;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Decides whether a user agent belongs to a crawler, script or headless browser, so its events are dropped.
 *
 * <p>Four signals, any one is enough: no user agent at all; garbage (too short, or no letters); a match in the isbot
 * pattern list (which covers crawlers, HTTP libraries and headless browsers such as HeadlessChrome and PhantomJS); or
 * Yauaa having classified the agent as a robot. The isbot list runs as one alternation of some 200 patterns, about
 * 100 us a match, so verdicts are cached per user agent string.
 */
public final class BotDetector {

    /** Distinct user agents whose verdict is kept; bots rotate through many strings, so bounded. */
    static final int CACHE_SIZE = 50_000;

    /** Shorter than this and it is not a browser: the shortest real ones are over 50 characters. */
    static final int MIN_LENGTH = 5;

    private static final String PATTERNS_RESOURCE = "/enrich/isbot-patterns.txt";

    private final Pattern botPattern;
    private final Cache<String, Boolean> verdicts =
            Caffeine.newBuilder().maximumSize(CACHE_SIZE).build();

    public BotDetector() {
        this(loadPatterns());
    }

    BotDetector(List<String> patterns) {
        this.botPattern = Pattern.compile(String.join("|", patterns), Pattern.CASE_INSENSITIVE);
    }

    /**
     * @param userAgent the raw User-Agent header, may be null
     * @param parsed what {@link UserAgentParser} made of it, may be null when not parsed yet
     */
    public boolean isBot(String userAgent, UserAgentInfo parsed) {
        if (userAgent == null || userAgent.isBlank()) {
            return true;
        }
        if (parsed != null && parsed.robot()) {
            return true;
        }
        return verdicts.get(userAgent, this::looksLikeBot);
    }

    private boolean looksLikeBot(String userAgent) {
        return isGarbage(userAgent) || botPattern.matcher(userAgent).find();
    }

    static boolean isGarbage(String userAgent) {
        return userAgent.strip().length() < MIN_LENGTH || userAgent.chars().noneMatch(Character::isLetter);
    }

    static List<String> loadPatterns() {
        try (InputStream in = BotDetector.class.getResourceAsStream(PATTERNS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(PATTERNS_RESOURCE + " is missing from the classpath");
            }
            var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            return reader.lines()
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + PATTERNS_RESOURCE, e);
        }
    }
}
