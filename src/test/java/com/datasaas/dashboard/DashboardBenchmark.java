package com.datasaas.dashboard;

import com.datasaas.support.Chromium;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The site dashboard's first load as a user gets it, on a data dir filled by {@code sample-data}: the packaged jar
 * is started on the data dir as its own process, an account is signed up (or logged in) over the API and given the
 * sample site with {@code sample-data --owner-email}, then
 *
 * <ul>
 *   <li><b>browser</b>: Debian's Chromium (see {@link Chromium}) logs in and opens {@code /sites/<id>} N times, each
 *       time in a fresh tab; a run lasts from the navigation until every widget shows its data (KPI values, the
 *       chart's legend, a row list or empty state in every panel, a painted country on the map, no skeleton or
 *       reloading panel left) and no {@code /api/} request is in flight;
 *   <li><b>HTTP</b>: exactly the {@code /api/} requests the page made on its first load (recorded from the browser,
 *       so the paths and parameters are the dashboard's own), each timed N times one after another (p50/p95 per
 *       request and for the sum of one pass), and the same set fired together over six connections as Chromium
 *       does (p50/p95 of the time until the last answer);
 *   <li><b>same-run reference</b>: {@code GET /api/me} (the HTTP, security and JSON floor of an authenticated
 *       request) timed in the same run, and the machine's load average before and after each part;
 *   <li><b>memory</b>: the app's RSS and peak RSS ({@code VmRSS}, {@code VmHWM} from /proc) after start-up, after the
 *       HTTP runs and after the browser runs.
 * </ul>
 *
 * Not part of the normal build; run by {@code bench/dashboard.sh <data-dir> [runs]}, or:
 *
 * <pre>./mvnw -q -B -Dskip.npm=true test-compile surefire:test -Dtest=DashboardBenchmark -Dbench.data=DIR
 *   [-Dbench.runs=10] [-Dbench.site=mrf_benchmark] [-Dbench.jar=target/datasaas.jar] [-Dbench.jvm="-Xmx1g"]</pre>
 *
 * The app writes into the data dir (metadata, rollups), so give it a copy when the original must stay as it is.
 * Figures go to stdout and to {@code target/benchmarks-dashboard-<data dir name>.txt}.
 */
@EnabledIfSystemProperty(named = "bench.data", matches = ".+")
class DashboardBenchmark {
    private static final String EMAIL = "bench@example.com";
    private static final String PASSWORD = "violet kettle orbit 42";
    /** Chromium's connections per host over HTTP/1.1: the concurrent pass uses as many. */
    private static final int BROWSER_CONNECTIONS = 6;

    /**
     * Every widget shows its data: the KPI values (overview), the main chart's legend (timeseries), a row list or an
     * empty state in every panel, a country painted on the map, and nothing left loading.
     */
    private static final String WIDGETS_RENDERED = """
            () => {
              if (!document.querySelector('[data-testid="kpi-visitors"]')) return false;
              if (!document.querySelector('.chart-card .legend')) return false;
              const panels = document.querySelectorAll('section.card.panel');
              if (panels.length < 5) return false;
              if (document.querySelector('.skeleton, [aria-busy="true"], .is-reloading')) return false;
              for (const p of panels) {
                const tab = p.querySelector('[role=tabpanel]');
                if (!tab || tab.children.length === 0) return false;
              }
              return document.querySelector('.world .country.has-data') !== null;
            }""";

    private final StringBuilder report = new StringBuilder();

    @Test
    void dashboard_first_load() throws Exception {
        Path data = Path.of(System.getProperty("bench.data"));
        int runs = Integer.getInteger("bench.runs", 10);
        String site = System.getProperty("bench.site", "mrf_benchmark");
        Path jar = Path.of(System.getProperty("bench.jar", "target/datasaas.jar"));
        if (!Files.isDirectory(data)) throw new AssertionError("No data dir at " + data.toAbsolutePath());
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("No jar at " + jar + ": build it first (./mvnw -q -B package -DskipTests)");
        }
        int port = freePort();
        String base = "http://localhost:" + port;
        Path log = Path.of("target", "benchmarks-dashboard-" + data.getFileName() + "-app.log");
        List<String> command = new ArrayList<>(List.of("java"));
        String jvm = System.getProperty("bench.jvm", "");
        if (!jvm.isBlank()) command.addAll(List.of(jvm.trim().split("\\s+")));
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("DATASAAS_DATA_DIR", data.toAbsolutePath().toString());
        builder.environment().put("PORT", Integer.toString(port));
        builder.environment().put("DATASAAS_REGISTRATION", "open");
        line(
                "dashboard benchmark: data dir %s, site %s, %d runs, jar %s%s",
                data.toAbsolutePath(), site, runs, jar, jvm.isBlank() ? "" : ", app JVM flags " + jvm);
        line(
                "machine: %d cores, load average %s at the start",
                Runtime.getRuntime().availableProcessors(), load());
        long start = System.nanoTime();
        Process app = builder.start();
        try {
            HttpClient http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .cookieHandler(new CookieManager())
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            waitHealthy(http, base, app, log);
            line("start-up to healthy: %.1f s; app %s", (System.nanoTime() - start) / 1e9, memory(app.pid()));
            owner(http, base, data, site, jar);
            settle(app.pid());
            line("after settling: app %s, load average %s", memory(app.pid()), load());

            try (Playwright playwright = Chromium.playwright();
                    Browser browser = Chromium.launch(playwright)) {
                BrowserContext context = browser.newContext(new Browser.NewContextOptions()
                        .setViewportSize(1280, 900)
                        .setTimezoneId("UTC")
                        .setLocale("en-US"));
                context.setDefaultTimeout(600_000);
                logIn(context, base);
                // The first load, untimed (cold caches in the app and the browser), records the page's requests.
                List<String> requests = new ArrayList<>(
                        new LinkedHashSet<>(openDashboard(context, base, site).requests()));
                line("%nthe dashboard's first load makes %d /api/ requests:", requests.size());
                requests.forEach(r -> line("  GET %s", r));

                timeHttp(http, base, requests, runs, app.pid());
                timeBrowser(context, base, site, runs, app.pid());
            }
            line("%nfinal: app %s, load average %s", memory(app.pid()), load());
        } finally {
            app.destroy();
            if (!app.waitFor(60, TimeUnit.SECONDS)) app.destroyForcibly().waitFor();
        }
        Files.writeString(Path.of("target", "benchmarks-dashboard-" + data.getFileName() + ".txt"), report.toString());
    }

    // ------------------------------------------------------------------------------------------------ HTTP

    private void timeHttp(HttpClient http, String base, List<String> requests, int runs, long pid) throws Exception {
        line("%n## over HTTP (java.net.http, HTTP/1.1, the browser's session cookie), load average %s", load());
        Map<String, String> names = new LinkedHashMap<>();
        String range = mainRange(requests);
        requests.forEach(r -> names.put(r, name(r, range)));
        for (String r : requests) get(http, base + r); // warm-up pass
        Map<String, List<Double>> each = new LinkedHashMap<>();
        List<Double> sequential = new ArrayList<>();
        List<Double> floor = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            double sum = 0;
            for (String r : requests) {
                double ms = get(http, base + r);
                each.computeIfAbsent(names.get(r), k -> new ArrayList<>()).add(ms);
                sum += ms;
            }
            sequential.add(sum);
            for (int i = 0; i < 5; i++) floor.add(get(http, base + "/api/me"));
        }
        List<Double> concurrent = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(BROWSER_CONNECTIONS);
        try {
            for (int run = 0; run < runs; run++) {
                long t0 = System.nanoTime();
                List<Future<Double>> answers = new ArrayList<>();
                for (String r : requests) answers.add(pool.submit(() -> get(http, base + r)));
                for (Future<Double> a : answers) a.get();
                concurrent.add((System.nanoTime() - t0) / 1e6);
            }
        } finally {
            pool.shutdownNow();
        }
        line("%-78s %9s %9s", "request (site_id left out; the range where it is not the page's)", "p50 ms", "p95 ms");
        each.forEach((name, ms) -> line("%-78s %9.1f %9.1f", name, percentile(ms, 50), percentile(ms, 95)));
        line(
                "%-78s %9.1f %9.1f",
                "whole dashboard, one request after another (sum)",
                percentile(sequential, 50),
                percentile(sequential, 95));
        line(
                "%-78s %9.1f %9.1f",
                "whole dashboard, together over " + BROWSER_CONNECTIONS + " connections",
                percentile(concurrent, 50),
                percentile(concurrent, 95));
        line(
                "%-78s %9.1f %9.1f",
                "reference: GET /api/me (HTTP floor, same run)", percentile(floor, 50), percentile(floor, 95));
        line("after the HTTP runs: app %s, load average %s", memory(pid), load());
    }

    /** One GET, answered 200 and read to the end; its time in ms. */
    private static double get(HttpClient http, String url) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofMinutes(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        double ms = (System.nanoTime() - t0) / 1e6;
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return ms;
    }

    /**
     * A request's path and the parameters that tell the widgets apart: the site is the same for all, and the range
     * is named only where it is not the page's own (the chart's previous period).
     */
    private static String name(String request, String mainRange) {
        int q = request.indexOf('?');
        if (q < 0) return request;
        List<String> kept = new ArrayList<>();
        for (String p : request.substring(q + 1).split("&")) {
            String key = p.substring(0, Math.max(0, p.indexOf('=')));
            if (!List.of("site_id", "siteId", "start", "end").contains(key)) kept.add(p);
        }
        String range = range(request);
        if (range != null && !range.equals(mainRange)) kept.add("range " + range);
        return request.substring(0, q) + (kept.isEmpty() ? "" : " " + String.join(" ", kept));
    }

    /** The range most of the requests ask for: the page's own. */
    private static String mainRange(List<String> requests) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String r : requests) {
            String range = range(r);
            if (range != null) counts.merge(range, 1L, Long::sum);
        }
        return counts.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey)
                .orElse(null);
    }

    /** "start..end" of a stats request, or null. */
    private static String range(String request) {
        java.util.regex.Matcher start =
                java.util.regex.Pattern.compile("[?&]start=([^&]+)").matcher(request);
        java.util.regex.Matcher end =
                java.util.regex.Pattern.compile("[?&]end=([^&]+)").matcher(request);
        return start.find() && end.find() ? start.group(1) + ".." + end.group(1) : null;
    }

    // ------------------------------------------------------------------------------------------------ browser

    private record Load(double ms, List<String> requests) {}

    private void timeBrowser(BrowserContext context, String base, String site, int runs, long pid) {
        line(
                "%n## in Chromium (%s, headless, logged in, a fresh tab per run), load average %s",
                Chromium.executable(), load());
        List<Double> loads = new ArrayList<>();
        for (int run = 0; run < runs; run++)
            loads.add(openDashboard(context, base, site).ms());
        line("%-78s %9s %9s", "", "p50 ms", "p95 ms");
        line(
                "%-78s %9.1f %9.1f",
                "dashboard page, navigation to every widget rendered and the network idle",
                percentile(loads, 50),
                percentile(loads, 95));
        line(
                "runs (ms): %s",
                loads.stream().map(ms -> String.format("%.0f", ms)).toList());
        line("after the browser runs: app %s, load average %s", memory(pid), load());
    }

    /** Opens the dashboard in a fresh tab and waits until every widget shows its data and no API call is open. */
    private static Load openDashboard(BrowserContext context, String base, String site) {
        Page page = context.newPage();
        AtomicInteger open = new AtomicInteger();
        List<String> requests = Collections.synchronizedList(new ArrayList<>());
        page.onRequest(r -> {
            if (isApi(base, r.url())) {
                open.incrementAndGet();
                requests.add(URLDecoder.decode(r.url().substring(base.length()), StandardCharsets.UTF_8));
            }
        });
        page.onRequestFinished(r -> {
            if (isApi(base, r.url())) open.decrementAndGet();
        });
        page.onRequestFailed(r -> {
            if (isApi(base, r.url())) open.decrementAndGet();
        });
        try {
            long t0 = System.nanoTime();
            page.navigate(base + "/sites/" + site);
            page.waitForFunction(WIDGETS_RENDERED, null, new Page.WaitForFunctionOptions().setPollingInterval(10));
            while (open.get() > 0) page.waitForTimeout(5);
            double ms = (System.nanoTime() - t0) / 1e6;
            return new Load(ms, List.copyOf(requests));
        } finally {
            page.close();
        }
    }

    private static boolean isApi(String base, String url) {
        return url.startsWith(base + "/api/");
    }

    private static void logIn(BrowserContext context, String base) {
        Page page = context.newPage();
        page.navigate(base + "/login");
        page.getByLabel("Email").fill(EMAIL);
        page.getByLabel("Password").fill(PASSWORD);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in"))
                .click();
        page.waitForURL(base + "/");
        page.close();
    }

    // ------------------------------------------------------------------------------------------------ set-up

    /**
     * Signs up {@link #EMAIL} (or logs in, when an earlier run did) and gives it the site with {@code sample-data
     * --owner-email}, run from the same jar while the service runs (only the metadata is written).
     */
    private void owner(HttpClient http, String base, Path data, String site, Path jar) throws Exception {
        sendJson(http, base, "/api/me", null); // hands out the XSRF-TOKEN cookie
        String body = "{\"email\":\"" + EMAIL + "\",\"password\":\"" + PASSWORD + "\"}";
        int signup = sendJson(http, base, "/api/auth/signup", body);
        if (signup >= 300) {
            int login = sendJson(http, base, "/api/auth/login", body);
            if (login >= 300) throw new AssertionError("Neither sign-up (" + signup + ") nor log-in (" + login + ")");
        }
        Process give = new ProcessBuilder(
                        "java",
                        "-jar",
                        jar.toString(),
                        "sample-data",
                        "--site",
                        site,
                        "--events",
                        "0",
                        "--owner-email",
                        EMAIL,
                        "--data-dir",
                        data.toAbsolutePath().toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(give.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (give.waitFor() != 0) throw new AssertionError("sample-data --owner-email failed: " + out);
        line("owner: %s", out.lines().reduce((a, b) -> b).orElse(out));
    }

    private static int sendJson(HttpClient http, String base, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        if (body == null) {
            request.GET();
        } else {
            String token = ((CookieManager) http.cookieHandler().orElseThrow())
                    .getCookieStore().getCookies().stream()
                            .filter(c -> c.getName().equals("XSRF-TOKEN"))
                            .map(HttpCookie::getValue)
                            .findFirst()
                            .orElse("");
            request.header("Content-Type", "application/json")
                    .header("X-XSRF-TOKEN", token)
                    .POST(HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static void waitHealthy(HttpClient http, String base, Process app, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!app.isAlive()) throw new AssertionError("The app stopped; see " + log.toAbsolutePath());
            try {
                if (http.send(
                                        HttpRequest.newBuilder(URI.create(base + "/actuator/health"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("The app was not healthy within 10 minutes; see " + log.toAbsolutePath());
    }

    /**
     * Waits (up to {@code bench.settle} seconds, default 900) until the app uses less than a fifth of a core over two
     * seconds: right after start-up it rolls up and verifies the loaded events, which would be timed with the widgets.
     */
    private void settle(long pid) throws Exception {
        long limit = Long.getLong("bench.settle", 900);
        long t0 = System.nanoTime();
        double busy;
        do {
            long before = cpuTicks(pid);
            Thread.sleep(2000);
            busy = (cpuTicks(pid) - before) / 100.0 / 2.0;
        } while (busy > 0.2 && (System.nanoTime() - t0) / 1e9 < limit);
        line(
                "settled after %.0f s (app at %.0f%% of a core over the last 2 s)",
                (System.nanoTime() - t0) / 1e9, busy * 100);
    }

    /** utime + stime of a process in clock ticks (100 per second on Linux). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static String memory(long pid) {
        try {
            Map<String, String> status = new LinkedHashMap<>();
            for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                String[] kv = l.split(":\\s+", 2);
                if (kv.length == 2) status.put(kv[0], kv[1]);
            }
            return "RSS " + mb(status.get("VmRSS")) + ", peak RSS " + mb(status.get("VmHWM"));
        } catch (IOException e) {
            return "RSS n/a";
        }
    }

    private static String mb(String kb) {
        return kb == null
                ? "n/a"
                : String.format("%,d MB", Long.parseLong(kb.replace(" kB", "").trim()) / 1024);
    }

    private static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "n/a";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static double percentile(List<Double> values, int p) {
        List<Double> sorted = values.stream().sorted().toList();
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index));
    }

    private void line(String format, Object... args) {
        String text = String.format(format, args);
        report.append(text).append(System.lineSeparator());
        System.out.println(text);
    }
}
