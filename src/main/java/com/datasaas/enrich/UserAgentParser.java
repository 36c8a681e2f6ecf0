package com.datasaas.enrich;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;

/**
 * Turns a user agent string into browser, OS and device type with Yauaa.
 *
 * <p>Yauaa's analyzer takes 3-5 s and over 100 MB to build on two cores, so it is built once, on a background
 * thread started when Spring Boot starts ({@link EarlyAnalyzerBuild}; else by the constructor): application start-up does not wait for it, and the first {@link #parse} waits
 * only for what is left. With the launcher it is not built but read from the file its build prepared
 * ({@link PreparedAnalyzer}), in about half the CPU. It is restricted to the fields we store, which makes it start faster and use less memory.
 * Yauaa's own cache is off; we cache our small {@link UserAgentInfo} instead, because real traffic repeats a few
 * thousand user agents and the cached record is far smaller than Yauaa's full result.
 */
public final class UserAgentParser {

    /** Distinct user agents kept parsed; real sites see a few thousand a day. */
    static final int CACHE_SIZE = 20_000;

    private static final String DEVICE_CLASS = UserAgent.DEVICE_CLASS;
    private static final String AGENT_CLASS = UserAgent.AGENT_CLASS;
    private static final String AGENT_NAME = UserAgent.AGENT_NAME;
    private static final String AGENT_VERSION_MAJOR = UserAgent.AGENT_VERSION_MAJOR;
    private static final String OS_NAME = UserAgent.OPERATING_SYSTEM_NAME;
    private static final String OS_VERSION_MAJOR = UserAgent.OPERATING_SYSTEM_VERSION_MAJOR;

    /** The fields asked of Yauaa: only the rules that give these are built. */
    static final List<String> FIELDS =
            List.of(DEVICE_CLASS, AGENT_CLASS, AGENT_NAME, AGENT_VERSION_MAJOR, OS_NAME, OS_VERSION_MAJOR);

    /**
     * The system property naming a prepared analyzer file ({@link PreparedAnalyzer}); the launcher sets it when
     * {@code datasaas-ua.kryo} is next to the jar. Unset, missing or stale: the analyzer is built.
     */
    public static final String PREPARED_ANALYZER_PROPERTY = "datasaas.user-agent-analyzer";

    /** Yauaa device and agent classes that are not a person at a browser. */
    private static final Set<String> ROBOT_CLASSES =
            Set.of("Robot", "Robot Mobile", "Robot Imitator", "Cloud Application", "Testclient", "Spy", "Hacker");

    private static final Set<String> MOBILE_CLASSES =
            Set.of("Phone", "Mobile", "Watch", "Handheld Game Console", "Robot Mobile");
    private static final Set<String> TABLET_CLASSES = Set.of("Tablet", "eReader");

    /** Yauaa's technical names that people know by another name. */
    private static final Map<String, String> DISPLAY_NAMES = Map.of(
            "Windows NT", "Windows",
            "Mac OS", "macOS",
            "SamsungBrowser", "Samsung Internet");

    private final CompletableFuture<UserAgentAnalyzer> analyzer;
    private final Cache<String, UserAgentInfo> cache =
            Caffeine.newBuilder().maximumSize(CACHE_SIZE).build();

    /** A build started before the Spring context, waiting for the first parser to take it over. */
    private static final AtomicReference<CompletableFuture<UserAgentAnalyzer>> EARLY_BUILD = new AtomicReference<>();

    public UserAgentParser() {
        CompletableFuture<UserAgentAnalyzer> early = EARLY_BUILD.getAndSet(null);
        analyzer = early != null ? early : startBuild();
    }

    /**
     * Starts building the analyzer now, unless a build started this way is still waiting to be taken over; the next
     * parser created takes it over. See {@link EarlyAnalyzerBuild}.
     */
    public static void startBuildingEarly() {
        EARLY_BUILD.compareAndSet(null, startBuild());
    }

    private static CompletableFuture<UserAgentAnalyzer> startBuild() {
        return CompletableFuture.supplyAsync(UserAgentParser::buildAnalyzer, runnable -> {
            Thread thread = new Thread(runnable, "yauaa-init");
            thread.setDaemon(true);
            thread.start();
        });
    }

    private static UserAgentAnalyzer buildAnalyzer() {
        String prepared = System.getProperty(PREPARED_ANALYZER_PROPERTY);
        if (prepared != null && !prepared.isBlank()) {
            UserAgentAnalyzer read = PreparedAnalyzer.read(Path.of(prepared));
            if (read != null) {
                return read;
            }
        }
        return newAnalyzer();
    }

    /** Builds the analyzer from Yauaa's rule files: the seconds-long part of start-up. */
    static UserAgentAnalyzer newAnalyzer() {
        return UserAgentAnalyzer.newBuilder()
                .withFields(FIELDS)
                .withoutCache()
                // Yauaa keeps its rule files' test cases in memory unless told not to: 24 MB of live heap and a
                // quarter of the build time (docs/benchmarks.md, 2026-11-30 04:50); we never run them.
                .dropTests()
                .hideMatcherLoadStats()
                .immediateInitialization()
                .build();
    }

    /** False while the analyzer is still being built in the background (events wait for it meanwhile). */
    public boolean ready() {
        return analyzer.isDone() && !analyzer.isCompletedExceptionally();
    }

    /** Runs {@code action} once the analyzer is built (at once if it is), whether or not the build failed. */
    public void whenReady(Runnable action) {
        analyzer.whenComplete((built, failure) -> action.run());
    }

    public UserAgentInfo parse(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return UserAgentInfo.EMPTY;
        }
        return cache.get(userAgent, this::analyze);
    }

    private UserAgentInfo analyze(String userAgent) {
        UserAgent parsed = analyzer.join().parse(userAgent);
        String deviceClass = parsed.getValue(DEVICE_CLASS);
        boolean robot = ROBOT_CLASSES.contains(deviceClass) || ROBOT_CLASSES.contains(parsed.getValue(AGENT_CLASS));
        return new UserAgentInfo(
                known(parsed.getValue(AGENT_NAME)),
                version(parsed.getValue(AGENT_VERSION_MAJOR)),
                known(parsed.getValue(OS_NAME)),
                version(parsed.getValue(OS_VERSION_MAJOR)),
                deviceType(deviceClass),
                robot);
    }

    static String deviceType(String deviceClass) {
        if (MOBILE_CLASSES.contains(deviceClass)) {
            return UserAgentInfo.MOBILE;
        }
        if (TABLET_CLASSES.contains(deviceClass)) {
            return UserAgentInfo.TABLET;
        }
        // Desktop, TV, console, VR, robots and Unknown: most unknown agents are desktop tools and scripts.
        return UserAgentInfo.DESKTOP;
    }

    private static String known(String value) {
        if (isUnknown(value)) {
            return null;
        }
        return DISPLAY_NAMES.getOrDefault(value, value);
    }

    private static String version(String value) {
        if (isUnknown(value)) {
            return null;
        }
        // Yauaa writes ">=10" when a frozen user agent only gives a lower bound (Windows 10 or 11).
        return value.startsWith(">=") ? value.substring(2) : value;
    }

    private static boolean isUnknown(String value) {
        return value == null
                || value.isEmpty()
                || value.equals(UserAgent.UNKNOWN_VALUE)
                || value.equals(UserAgent.UNKNOWN_VERSION)
                || value.equals("Hacker")
                || value.startsWith("Unknown");
    }
}
