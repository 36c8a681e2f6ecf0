package com.datasaas.stats;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.events.DuckDbBulkLoad;
import com.datasaas.events.DuckDbEventStore;
import com.datasaas.events.Event;
import com.datasaas.events.EventStore;
import com.datasaas.events.EventType;
import com.datasaas.events.IdKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Fills a site with realistic synthetic traffic, loaded through the DuckDB store's bulk load: Zipf-ranked
 * pages and referrers, a country and device mix, sessions of several pages with heartbeats, leaves (time and scroll)
 * and goals. Used for demos and by the stats benchmark. Run it while the app is stopped: DuckDB lets one process
 * write the file.
 *
 * <pre>
 * java -jar target/datasaas.jar sample-data --site mrf_x --events 1000000 --days 30 --data-dir ./data
 * </pre>
 *
 * (or, as before the command line existed, {@code java -cp target/datasaas.jar
 * -Dloader.main=com.datasaas.stats.SampleData org.springframework.boot.loader.launch.PropertiesLauncher ...}).
 */
public final class SampleData {
    /**
     * Events per transaction. The store's cost per transaction (staging copy, session merge, commit) is mostly fixed,
     * so large chunks load several times faster than the ingest path's batches; 500k events of this shape take about
     * 250 MB of heap while they wait.
     */
    static final int CHUNK = 500_000;
    /** Visitors come back: about one visitor per this many events. */
    private static final int EVENTS_PER_VISITOR = 12;

    private static final int PAGES = 300;

    record Source(
            String channel,
            String referrerSource,
            String referrerDomain,
            String utmSource,
            String utmMedium,
            String referrer) {
        Source(String channel, String referrerSource, String referrerDomain, String utmSource, String utmMedium) {
            // The landing page's referrer URL, made once rather than for every entry pageview.
            this(
                    channel,
                    referrerSource,
                    referrerDomain,
                    utmSource,
                    utmMedium,
                    referrerDomain == null ? null : "https://" + referrerDomain + "/");
        }
    }

    private static final List<Source> SOURCES = List.of(
            new Source("Direct", null, null, null, null),
            new Source("Organic Search", "Google", "www.google.com", null, null),
            new Source("Organic Social", "Twitter", "t.co", null, null),
            new Source("Referral", null, "news.ycombinator.com", null, null),
            new Source("Organic Search", "Bing", "www.bing.com", null, null),
            new Source("Email", null, null, "newsletter", "email"),
            new Source("Paid Search", "Google", "www.google.com", "google", "cpc"),
            new Source("Organic Social", "Reddit", "www.reddit.com", null, null),
            new Source("Referral", null, "github.com", null, null),
            new Source("Organic Search", "DuckDuckGo", "duckduckgo.com", null, null),
            new Source("Organic Social", "LinkedIn", "www.linkedin.com", null, null),
            new Source("Paid Social", "Facebook", "www.facebook.com", "facebook", "paid_social"));

    private static final String[][] PLACES = {
        {"US", "California", "San Francisco", "37.77", "-122.42"},
        {"US", "New York", "New York", "40.71", "-74.01"},
        {"DE", "Berlin", "Berlin", "52.52", "13.40"},
        {"GB", "England", "London", "51.51", "-0.13"},
        {"IN", "Karnataka", "Bengaluru", "12.97", "77.59"},
        {"FR", "Ile-de-France", "Paris", "48.86", "2.35"},
        {"CA", "Ontario", "Toronto", "43.65", "-79.38"},
        {"BR", "Sao Paulo", "Sao Paulo", "-23.55", "-46.63"},
        {"NL", "North Holland", "Amsterdam", "52.37", "4.90"},
        {"JP", "Tokyo", "Tokyo", "35.68", "139.69"},
        {"AU", "New South Wales", "Sydney", "-33.87", "151.21"},
    };

    /** Latitude and longitude of each place, parsed and boxed once (not two {@code Double}s per event). */
    private static final Double[][] COORDINATES = java.util.Arrays.stream(PLACES)
            .map(p -> new Double[] {Double.valueOf(p[3]), Double.valueOf(p[4])})
            .toArray(Double[][]::new);

    private static final String CHECKOUT_URL = "https://example.com/checkout";

    /** device type, browser, OS, smallest and largest screen width. */
    private static final String[][] DEVICES = {
        {"desktop", "Chrome", "Windows", "1440", "2560"},
        {"mobile", "Safari", "iOS", "375", "430"},
        {"desktop", "Safari", "macOS", "1280", "1920"},
        {"mobile", "Chrome", "Android", "360", "412"},
        {"desktop", "Firefox", "Linux", "1366", "1920"},
        {"tablet", "Safari", "iPadOS", "768", "1024"},
        {"desktop", "Edge", "Windows", "1280", "1920"},
    };

    private static final String[] LANGUAGES = {"en-US", "de-DE", "en-GB", "fr-FR", "es-ES", "ja-JP", "pt-BR"};

    private final String site;
    private final SplittableRandom random;
    private final Zipf pages = new Zipf(PAGES, 1.1);
    private final Zipf sources = new Zipf(SOURCES.size(), 1.0);
    private final Zipf places = new Zipf(PLACES.length, 0.9);
    private final Zipf devices = new Zipf(DEVICES.length, 0.8);

    SampleData(String site, long seed) {
        this.site = site;
        this.random = new SplittableRandom(seed);
    }

    /**
     * The form documented before the command line existed ({@code -Dloader.main=com.datasaas.stats.SampleData}); the
     * same as {@code java -jar datasaas.jar sample-data ...}.
     */
    public static void main(String[] args) {
        System.exit(new picocli.CommandLine(new SampleDataCommand()).execute(args));
    }

    /** Writes the events and closes the store; returns how many were written. */
    static long run(String site, long events, int days, Path dataDir) {
        DuckDbEventStore store = open(dataDir);
        try {
            long start = System.nanoTime();
            long cpuStart = processCpuNanos();
            long written = new SampleData(site, 42).load(store, events, days, Instant.now());
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
            // CPU time beside wall time: on a shared machine the wall figure says more about the neighbours.
            System.out.printf(
                    "Wrote %,d events for %s over %d days in %.1f s (%,.0f events/s; %.1f CPU-seconds, %,.0f events"
                            + " per CPU-second; load average %.1f on %d cores)%n",
                    written,
                    site,
                    days,
                    seconds,
                    written / seconds,
                    cpuSeconds,
                    written / Math.max(cpuSeconds, 1e-9),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                            .getSystemLoadAverage(),
                    Runtime.getRuntime().availableProcessors());
            return written;
        } finally {
            try {
                store.close();
            } catch (java.sql.SQLException e) {
                System.err.println("Closing the event store failed: " + e.getMessage());
            }
        }
    }

    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime()
                : 0;
    }

    static DuckDbEventStore open(Path dataDir) {
        try {
            return new DuckDbEventStore(new DataSaasProperties(dataDir, null, null, null, null));
        } catch (java.sql.SQLException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            // DuckDB lets one process open the file: the usual cause is the service running on the same data dir.
            throw new IllegalStateException(
                    "Cannot open the event store in " + dataDir + ": " + root.getMessage()
                            + ". If the service is running on this data dir, stop it first: only one process may"
                            + " write the event store.",
                    e);
        }
    }

    /**
     * Writes about {@code events} events spread over the {@code days} days before {@code end} through the store's
     * batch path, in chunks of {@link #CHUNK} events, each chunk one transaction (events and the merge of their
     * sessions together). The sample-data command uses {@link #load} instead; this stays for the stores without a bulk
     * path and as the reference the bulk path is tested against.
     */
    long write(EventStore store, long events, int days, Instant end) {
        List<Event> chunk = new ArrayList<>();
        long written = generate(events, days, end, e -> {
            chunk.add(e);
            if (chunk.size() == CHUNK) {
                store.append(chunk);
                chunk.clear();
            }
        });
        if (!chunk.isEmpty()) store.append(chunk);
        return written;
    }

    /**
     * The same events as {@link #write}, through the DuckDB store's bulk load ({@link DuckDbBulkLoad}): chunks are
     * stored while the next ones are generated, each one transaction with its sessions. Sample events have no spool
     * id, so they can never be mistaken for spooled events on a replay (see docs/architecture.md, "Bulk load").
     */
    long load(DuckDbEventStore store, long events, int days, Instant end) {
        try (DuckDbBulkLoad load = store.bulkLoad()) {
            generate(events, days, end, load::add);
            return load.finish();
        }
    }

    /**
     * Makes about {@code events} events over the {@code days} days before {@code end}, day by day, each day in time
     * order (so the store's min/max indexes on ts stay tight), and hands them to {@code sink}; returns how many.
     */
    long generate(long events, int days, Instant end, Consumer<Event> sink) {
        long perDay = Math.max(1, events / days);
        long visitors = Math.max(1, events / EVENTS_PER_VISITOR);
        LocalDate lastDay = end.atZone(ZoneOffset.UTC).toLocalDate();
        long written = 0;
        List<Event> day = new ArrayList<>();
        for (int d = days - 1; d >= 0; d--) {
            Instant dayStart = lastDay.minusDays(d).atStartOfDay(ZoneOffset.UTC).toInstant();
            long target = d == 0 ? events - written : perDay;
            day.clear();
            long session = 0;
            while (day.size() < target) {
                session(day, dayStart, random.nextLong(visitors), d + "-" + session++);
            }
            for (int i : timeOrder(day, dayStart)) sink.accept(day.get(i));
            written += day.size();
        }
        return written;
    }

    /**
     * The positions of the day's events sorted by time, ties in the order made (what a stable sort gives): a sort of
     * primitive keys, (seconds into the day, position), several times cheaper than sorting the events themselves.
     * Sample times are whole seconds, less than 2^31 s after the day's start.
     */
    private static int[] timeOrder(List<Event> day, Instant dayStart) {
        long[] keys = new long[day.size()];
        long start = dayStart.getEpochSecond();
        for (int i = 0; i < keys.length; i++) {
            keys[i] = ((day.get(i).timestamp().getEpochSecond() - start) << 32) | i;
        }
        java.util.Arrays.sort(keys);
        int[] order = new int[keys.length];
        for (int i = 0; i < keys.length; i++) order[i] = (int) keys[i];
        return order;
    }

    private void session(List<Event> out, Instant dayStart, long visitorNumber, String sessionName) {
        // More traffic in the afternoon (UTC) than at night: two uniform draws make a triangle peaking at noon.
        long second = (random.nextLong(86_400) + random.nextLong(86_400)) / 2;
        Instant t = dayStart.plusSeconds(second);
        String visitor = "visitor-" + visitorNumber;
        String sessionId = "session-" + sessionName;
        Source source = SOURCES.get(sources.next(random));
        int placeIndex = places.next(random);
        String[] place = PLACES[placeIndex];
        String[] device = DEVICES[devices.next(random)];
        int minWidth = Integer.parseInt(device[3]);
        int width = minWidth + random.nextInt(Integer.parseInt(device[4]) - minWidth + 1);
        String language = LANGUAGES[(int) (visitorNumber % LANGUAGES.length)];
        Context c = new Context(
                visitor,
                sessionId,
                IdKeys.of(site, visitor),
                IdKeys.of(site, sessionId),
                source,
                place,
                placeIndex,
                device,
                width,
                language);
        // Geometric number of pages: about half the sessions see one page.
        int pageCount = 1;
        while (pageCount < 20 && random.nextDouble() < 0.5) pageCount++;
        for (int p = 0; p < pageCount; p++) {
            int rank = pages.next(random);
            String path = path(rank);
            String url = urls[rank];
            out.add(event(c, t, EventType.PAGEVIEW, path, url, null, p == 0, null, null));
            long engaged = 5 + random.nextLong(120);
            for (long hb = 30; hb < engaged; hb += 30) {
                out.add(event(c, t.plusSeconds(hb), EventType.HEARTBEAT, path, url, null, false, null, null));
            }
            if (random.nextDouble() < 0.04) {
                out.add(event(c, t.plusSeconds(engaged / 2), EventType.GOAL, path, url, "signup", false, null, null));
            }
            if (random.nextDouble() < 0.7) {
                out.add(event(
                        c,
                        t.plusSeconds(engaged),
                        EventType.LEAVE,
                        path,
                        url,
                        null,
                        false,
                        engaged * 1000,
                        10 + random.nextInt(91)));
            }
            t = t.plus(Duration.ofSeconds(engaged + 1 + random.nextLong(20)));
        }
        if (random.nextDouble() < 0.01) {
            out.add(event(c, t, EventType.GOAL, "/checkout", CHECKOUT_URL, "purchase", false, null, null));
        }
    }

    /** Paths and their URLs by Zipf rank, made once: the same strings, without a concatenation per event. */
    private final String[] paths = new String[PAGES];

    private final String[] urls = new String[PAGES];

    private String path(int rank) {
        if (paths[rank] == null) {
            paths[rank] = pathOf(rank);
            urls[rank] = "https://example.com" + paths[rank];
        }
        return paths[rank];
    }

    private static String pathOf(int rank) {
        return switch (rank) {
            case 0 -> "/";
            case 1 -> "/pricing";
            case 2 -> "/blog";
            case 3 -> "/docs";
            case 4 -> "/signup";
            default -> (rank % 3 == 0 ? "/docs/page-" : "/blog/post-") + rank;
        };
    }

    private record Context(
            String visitor,
            String session,
            long visitorKey,
            long sessionKey,
            Source source,
            String[] place,
            int placeIndex,
            String[] device,
            Integer width,
            String language) {}

    private Event event(
            Context c,
            Instant ts,
            EventType type,
            String path,
            String url,
            String goal,
            boolean entry,
            Long durationMs,
            Integer scroll) {
        // Only the landing page carries the referrer and UTM tags, as in real traffic.
        Source s = entry ? c.source() : SOURCES.get(0);
        return new Event(
                site,
                ts,
                type,
                c.visitor(),
                c.session(),
                c.visitorKey(),
                c.sessionKey(),
                goal,
                url,
                "example.com",
                path,
                null,
                s.referrer(),
                s.referrerDomain(),
                s.referrerSource(),
                s.channel(),
                s.utmSource(),
                s.utmMedium(),
                s.utmSource() == null ? null : "spring_launch",
                null,
                null,
                null,
                c.width(),
                c.language(),
                c.device()[0],
                c.device()[1],
                null,
                c.device()[2],
                null,
                c.place()[0],
                c.place()[1],
                c.place()[2],
                COORDINATES[c.placeIndex()][0],
                COORDINATES[c.placeIndex()][1],
                null,
                durationMs,
                scroll,
                null);
    }

    /** Ranks 0..n-1 with probability proportional to 1/(rank+1)^s, drawn by inverting the cumulative weights. */
    static final class Zipf {
        private final double[] cumulative;

        Zipf(int n, double s) {
            cumulative = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += 1 / Math.pow(i + 1, s);
                cumulative[i] = sum;
            }
            for (int i = 0; i < n; i++) cumulative[i] /= sum;
        }

        int next(SplittableRandom random) {
            double u = random.nextDouble();
            int i = java.util.Arrays.binarySearch(cumulative, u);
            return Math.min(cumulative.length - 1, i >= 0 ? i : -i - 1);
        }
    }
}
