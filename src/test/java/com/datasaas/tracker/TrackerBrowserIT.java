package com.datasaas.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.events.EventStore;
import com.datasaas.support.ApiClient;
import com.datasaas.support.Chromium;
import com.datasaas.support.RunningApp;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.Cookie;
import com.microsoft.playwright.options.SameSiteAttribute;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The tracker in a real browser (issue 3 acceptance): headless Debian Chromium loads a page of a customer site from a
 * different origin than the API, with the real built script served by the app, and the events it sends must land in
 * the store exactly as the dashboard will need them.
 *
 * <p>The customer site is {@code www.shop.test}, resolved to 127.0.0.1 inside Chromium only (host resolver rules), and
 * served by a JDK HTTP server on a random port; the app answers on {@code localhost:<port>}. So the script is
 * cross-origin, the page is not a secure context (the tracker's UUID fallback runs) and the cookies get
 * {@code domain=shop.test}.
 */
class TrackerBrowserIT extends RunningApp {
    static final String SITE_DOMAIN = "shop.test";
    static final String PAGE_HOST = "www." + SITE_DOMAIN;
    /** A desktop Chrome user agent: HeadlessChrome is (rightly) dropped as a bot by the ingest pipeline. */
    static final String CHROME_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/156.0.0.0 Safari/537.36";

    static final String OUTBOUND_URL = "http://outbound.invalid/landing?ref=shop";
    static final String UUID_V4 = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

    @Autowired
    EventStore store;

    HttpServer site;
    String siteId;
    final List<String> browserLog = Collections.synchronizedList(new ArrayList<>());

    record Row(
            String type,
            String pathname,
            String hostname,
            String goal,
            String metadata,
            String targetUrl,
            Long duration,
            Integer scroll,
            String visitor,
            String session,
            String utmSource,
            String browser) {}

    @BeforeEach
    void customerSite() throws IOException {
        ApiClient owner = newAccount();
        siteId = owner.createWebsite(SITE_DOMAIN);
        String page = """
                <!doctype html>
                <html><head><meta charset="utf-8"><title>Shop</title>
                <script defer data-website-id="%s" data-domain="%s" data-allow-localhost
                        data-heartbeat-interval="1500" src="http://localhost:%d/js/script.js"></script>
                <style>body{margin:0;font:16px sans-serif} main{height:4000px;padding:20px}</style>
                </head><body><main>
                  <h1>Shop</h1>
                  <button id="cta" data-datasaas-goal="cta" data-datasaas-goal-position="hero">Start free trial</button>
                  <!-- the page's own handler keeps the test offline; the tracker records the click before it -->
                  <a id="outbound" href="%s" onclick="event.preventDefault()">Partner</a>
                  <p>Long page.</p>
                </main></body></html>
                """.formatted(siteId, SITE_DOMAIN, port, OUTBOUND_URL);
        byte[] html = page.getBytes(StandardCharsets.UTF_8);
        site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        site.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, html.length);
            exchange.getResponseBody().write(html);
            exchange.close();
        });
        site.start();
    }

    @AfterEach
    void stopSite() {
        if (site != null) site.stop(0);
    }

    @Test
    void tracks_a_visit_end_to_end_from_another_origin() {
        long started = System.currentTimeMillis();
        String pageUrl = "http://" + PAGE_HOST + ":" + site.getAddress().getPort() + "/?utm_source=newsletter";
        List<Cookie> cookies;
        // wall-clock marks (ms): before pushState(/docs), /docs pageview stored, before close, after close
        long[] docs = new long[4];
        try (Playwright playwright = Chromium.playwright();
                Browser browser =
                        Chromium.launch(playwright, "--host-resolver-rules=MAP *." + SITE_DOMAIN + " 127.0.0.1")) {
            BrowserContext context = browser.newContext(
                    new Browser.NewContextOptions().setUserAgent(CHROME_UA).setViewportSize(1280, 800));
            // nothing may leave the machine: the outbound link's host is never contacted
            context.route("**/outbound.invalid/**", route -> route.abort());
            Page page = context.newPage();
            page.onConsoleMessage(m -> browserLog.add("console " + m.type() + ": " + m.text()));
            page.onPageError(e -> browserLog.add("page error: " + e));
            page.onRequestFailed(r -> browserLog.add("request failed: " + r.url() + " " + r.failure()));

            page.navigate(pageUrl);
            awaitEvent("the first pageview", r -> r.type().equals("pageview"));

            // SPA navigation
            page.evaluate("history.pushState({}, '', '/pricing')");
            docs[0] = System.currentTimeMillis();
            page.evaluate("history.pushState({}, '', '/docs')");
            awaitEvent("the /docs pageview", r -> r.type().equals("pageview") && "/docs".equals(r.pathname()));
            docs[1] = System.currentTimeMillis();

            // scroll to the bottom; scroll events fire on the next frame
            page.evaluate("() => new Promise(done => { window.scrollTo(0, document.documentElement.scrollHeight);"
                    + " requestAnimationFrame(() => requestAnimationFrame(done)); })");

            // goals: JS API and a data-datasaas-goal click; then an outbound link
            page.evaluate("datasaas('signup', {plan: 'pro'})");
            page.click("#cta");
            page.click("#outbound");
            awaitEvent("the _outbound event", r -> r.type().equals("_outbound"));

            awaitEvent(
                    "a _heartbeat on /docs (interval 1.5 s)",
                    r -> r.type().equals("_heartbeat") && "/docs".equals(r.pathname()));

            cookies = context.cookies();
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(Path.of("target", "tracker-browser-it.png"))
                    .setFullPage(false));
            docs[2] = System.currentTimeMillis();
            page.close(); // hides and unloads the page: the tracker sends _leave for /docs
            docs[3] = System.currentTimeMillis();
            awaitEvent(
                    "the _leave of /docs after closing the page",
                    r -> r.type().equals("_leave") && "/docs".equals(r.pathname()));
            context.close();
        }
        long testDuration = System.currentTimeMillis() - started;

        List<Row> rows = rows();
        String all = describe(rows);
        System.out.println("stored events of the visit (" + testDuration + " ms):\n" + all);

        // pageviews: one per URL, with the right pathnames, the landing UTM kept on SPA pageviews
        List<Row> pageviews = of(rows, "pageview");
        assertThat(pageviews).as(all).extracting(Row::pathname).containsExactlyInAnyOrder("/", "/pricing", "/docs");
        assertThat(pageviews).as(all).allSatisfy(r -> {
            assertThat(r.hostname()).isEqualTo(PAGE_HOST);
            assertThat(r.utmSource()).isEqualTo("newsletter");
        });
        // the user agent was enriched, not dropped as a bot
        assertThat(pageviews.get(0).browser()).as(all).containsIgnoringCase("Chrome");

        // both goals with their params
        Map<String, Row> goals = of(rows, "goal").stream().collect(Collectors.toMap(Row::goal, r -> r));
        assertThat(goals).as(all).containsOnlyKeys("signup", "cta");
        assertThat(json(goals.get("signup").metadata())).isEqualTo(json("{\"plan\":\"pro\"}"));
        assertThat(json(goals.get("cta").metadata())).isEqualTo(json("{\"position\":\"hero\"}"));
        assertThat(goals.get("cta").pathname()).isEqualTo("/docs");

        // the outbound click with its target
        assertThat(of(rows, "_outbound")).as(all).singleElement().satisfies(r -> {
            assertThat(r.targetUrl()).isEqualTo(OUTBOUND_URL);
            assertThat(r.pathname()).isEqualTo("/docs");
        });

        // heartbeats arrived while the page was open
        assertThat(of(rows, "_heartbeat")).as(all).isNotEmpty();

        // _leave: one per page view (SPA navigations end the previous one), plausible duration and scroll depth
        List<Row> leaves = of(rows, "_leave");
        assertThat(leaves).as(all).extracting(Row::pathname).contains("/", "/pricing", "/docs");
        assertThat(leaves).as(all).allSatisfy(r -> {
            // /pricing was left by the next pushState at once: its engaged time may round to 0 ms
            assertThat(r.duration()).isNotNull().isBetween(0L, testDuration);
            if (!"/pricing".equals(r.pathname())) assertThat(r.duration()).isPositive();
            assertThat(r.scroll()).isNotNull().isBetween(1, 100);
        });
        Row docsLeave = leaves.stream()
                .filter(r -> "/docs".equals(r.pathname()))
                .findFirst()
                .orElseThrow();
        assertThat(docsLeave.scroll()).as("scrolled to the bottom of /docs").isGreaterThanOrEqualTo(95);
        // the page was visible at least from when its pageview was stored until close, at most from pushState
        // until close returned (100 ms of slack for timer granularity)
        assertThat(docsLeave.duration())
                .as("engaged ms on /docs")
                .isBetween(docs[2] - docs[1] - 100, docs[3] - docs[0] + 100);

        // one visitor, one session, and they are the browser's cookies
        assertThat(rows.stream().map(Row::visitor).distinct()).as(all).hasSize(1);
        assertThat(rows.stream().map(Row::session).distinct()).as(all).hasSize(1);
        Cookie visitor = cookie(cookies, "datasaas_visitor_id");
        Cookie session = cookie(cookies, "datasaas_session_id");
        assertThat(rows.get(0).visitor()).isEqualTo(visitor.value);
        assertThat(rows.get(0).session()).isEqualTo(session.value);

        // cookie attributes: readable by the site's server (not HttpOnly), Lax, path /, on data-domain
        double now = System.currentTimeMillis() / 1000.0;
        for (Cookie c : List.of(visitor, session)) {
            assertThat(c.value).as(c.name).matches(UUID_V4);
            assertThat(c.sameSite).as(c.name).isEqualTo(SameSiteAttribute.LAX);
            assertThat(c.path).as(c.name).isEqualTo("/");
            assertThat(c.domain).as(c.name).isEqualTo("." + SITE_DOMAIN);
            assertThat(c.httpOnly).as(c.name).isFalse();
            assertThat(c.secure).as(c.name + " on an http page").isFalse();
        }
        assertThat(visitor.expires - now)
                .as("visitor cookie lifetime, s")
                .isBetween(365 * 86400.0 - 120, 365 * 86400.0);
        assertThat(session.expires - now).as("session cookie lifetime, s").isBetween(1800.0 - 120, 1800.0);

        // the public realtime counter sees exactly this visitor
        ApiClient.Response realtime = newClient().get("/api/realtime?siteId=" + siteId);
        assertThat(realtime.status()).isEqualTo(200);
        assertThat(realtime.json().path("online").asInt()).isEqualTo(1);
    }

    List<Row> rows() {
        return store.query(
                "SELECT event_type, pathname, hostname, goal_name, metadata, target_url, duration_ms, scroll_depth,"
                        + " visitor_id, session_id, utm_source, browser FROM events WHERE site_id = ? ORDER BY ts",
                List.of(siteId),
                (rs, i) -> new Row(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        (Long) rs.getObject(7, Long.class),
                        (Integer) rs.getObject(8, Integer.class),
                        rs.getString(9),
                        rs.getString(10),
                        rs.getString(11),
                        rs.getString(12)));
    }

    /** Polls the store (events are queryable within 2 s of their 202) until an event matches. */
    void awaitEvent(String what, Predicate<Row> matching) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (rows().stream().anyMatch(matching)) return;
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("Timed out waiting for " + what + ". Stored events:\n" + describe(rows())
                + "\nBrowser log:\n" + String.join("\n", browserLog));
    }

    static List<Row> of(List<Row> rows, String type) {
        return rows.stream().filter(r -> r.type().equals(type)).toList();
    }

    static String describe(List<Row> rows) {
        return rows.stream().map(Row::toString).collect(Collectors.joining("\n"));
    }

    static JsonNode json(String text) {
        return ApiClient.JSON.readTree(text);
    }

    static Cookie cookie(List<Cookie> cookies, String name) {
        return cookies.stream()
                .filter(c -> c.name.equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no cookie " + name + " in "
                        + cookies.stream().map(c -> c.name + "@" + c.domain).toList()));
    }
}
