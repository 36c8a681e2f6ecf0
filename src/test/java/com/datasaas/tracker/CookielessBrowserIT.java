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
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The cookieless script in headless Chromium: a website in cookieless mode, its page on another origin loading
 * {@code /js/script.cookieless.js} from the app, a visit with SPA navigation and a goal. The browser must end with no
 * cookie on any origin and nothing in storage, and the events must be stored under one server-derived visitor and
 * session.
 */
class CookielessBrowserIT extends RunningApp {
    static final String SITE_DOMAIN = "quiet.test";
    static final String CHROME_UA = TrackerBrowserIT.CHROME_UA;

    @Autowired
    EventStore store;

    HttpServer site;
    String siteId;
    final List<String> browserLog = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void customerSite() throws IOException {
        ApiClient owner = newAccount();
        siteId = owner.createWebsite(SITE_DOMAIN);
        ApiClient.Response on = owner.patch("/api/websites/" + siteId, Map.of("cookieless", true));
        assertThat(on.status()).as(on.toString()).isEqualTo(200);
        String snippet = on.json().path("tracking_snippet").asString();
        assertThat(snippet).contains("/js/script.cookieless.js");
        String page = """
                <!doctype html>
                <html><head><meta charset="utf-8"><title>Quiet shop</title>
                <script defer data-website-id="%s" data-domain="%s" data-allow-localhost
                        src="http://localhost:%d/js/script.cookieless.js"></script>
                </head><body>
                  <button id="cta" data-datasaas-goal="cta">Start free trial</button>
                </body></html>
                """.formatted(siteId, SITE_DOMAIN, port);
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

    List<List<String>> rows() {
        return store.query(
                "SELECT event_type, pathname, visitor_id, session_id FROM events WHERE site_id = ?"
                        // the _leave of the first page (SPA navigation) and heartbeats are not what this test is about
                        + " AND event_type IN ('pageview', 'goal') ORDER BY ts",
                List.of(siteId),
                (rs, i) -> List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
    }

    @Test
    void the_cookieless_script_sets_no_cookie_stores_nothing_and_the_server_counts_one_visitor()
            throws InterruptedException {
        String pageUrl = "http://www." + SITE_DOMAIN + ":" + site.getAddress().getPort() + "/?utm_source=newsletter";
        try (Playwright playwright = Chromium.playwright();
                Browser browser =
                        Chromium.launch(playwright, "--host-resolver-rules=MAP *." + SITE_DOMAIN + " 127.0.0.1")) {
            BrowserContext context = browser.newContext(new Browser.NewContextOptions().setUserAgent(CHROME_UA));
            Page page = context.newPage();
            page.onConsoleMessage(m -> browserLog.add("console " + m.type() + ": " + m.text()));
            page.onPageError(e -> browserLog.add("page error: " + e));
            page.navigate(pageUrl);
            page.waitForFunction("typeof window.datasaas === 'function'");
            page.evaluate("history.pushState({}, '', '/pricing')");
            page.click("#cta");

            List<List<String>> rows = List.of();
            for (int attempt = 0; attempt < 200 && rows.size() < 3; attempt++) {
                rows = rows();
                if (rows.size() < 3) Thread.sleep(50);
            }
            assertThat(rows).as("stored events; browser log: " + browserLog).hasSize(3);
            assertThat(rows.stream().map(r -> r.get(0)).toList()).containsExactly("pageview", "pageview", "goal");
            assertThat(rows.get(0).get(2)).startsWith("cl_");
            String visitor = rows.get(0).get(2);
            String session = rows.get(0).get(3);
            assertThat(rows).allMatch(r -> r.get(2).equals(visitor) && r.get(3).equals(session));

            // No cookie on any origin (the page's, the app's), and nothing in the page's storage.
            assertThat(context.cookies()).isEmpty();
            assertThat(page.evaluate("document.cookie")).isEqualTo("");
            assertThat(page.evaluate("localStorage.length + sessionStorage.length"))
                    .isEqualTo(0);
        }
    }
}
