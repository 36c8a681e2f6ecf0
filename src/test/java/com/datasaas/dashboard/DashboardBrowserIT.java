package com.datasaas.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.ApiClient;
import com.datasaas.support.Chromium;
import com.datasaas.support.RunningApp;
import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ColorScheme;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard in a real browser (issue 5 acceptance), against the running app over real HTTP: sign up and add a
 * website through the UI, send events through the real tracker on a customer page (plus a few located events posted
 * to the public ingest endpoint), then check that what the dashboard shows is what the public API answers, that a
 * clicked country row filters every panel and lives in the URL (so a reload shows the same view), that the realtime
 * view shows a dot and a feed entry, and that goals and API keys can be managed from the UI.
 *
 * <p>The customer site is {@code www.shop.test}, resolved to 127.0.0.1 inside Chromium only (host resolver rules)
 * and served by a JDK HTTP server; the dashboard is {@code localhost:<port>}. The tracker's own requests come from
 * 127.0.0.1, which has no location, so visitors in two countries are added with {@code X-Forwarded-For} (loopback is
 * a trusted proxy in the test profile).
 *
 * <p>Screenshots of the dashboard, realtime view and settings go to {@code target/screenshots/}; the dashboard one is
 * also written to {@code docs/dashboard.png}, the image the README shows, when run with {@code -Ddocs.screenshot=true}.
 *
 * <p>Run alone (after one {@code ./mvnw -q -DskipTests package}): {@code ./mvnw verify -Dskip.npm -Dtest=NoSuchTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=DashboardBrowserIT}. Needs Debian's chromium and Node.js (see
 * {@link Chromium}); without them it fails and says what to install.
 */
class DashboardBrowserIT extends RunningApp {
    static final String SITE_DOMAIN = "shop.test";
    static final String PAGE_HOST = "www." + SITE_DOMAIN;
    /** A desktop Chrome user agent: HeadlessChrome is (rightly) dropped as a bot by the ingest pipeline. */
    static final String CHROME_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/156.0.0.0 Safari/537.36";

    static final String WINDOWS_CHROME_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like"
            + " Gecko) Chrome/156.0.0.0 Safari/537.36";
    static final String IPHONE_SAFARI_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15"
            + " (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1";

    /** Public addresses with a known country in DB-IP: GB (the classic GeoIP test address) and US (Google DNS). */
    static final String GB_ADDRESS_1 = "81.2.69.142";

    static final String GB_ADDRESS_2 = "81.2.69.160";
    static final String US_ADDRESS = "8.8.8.8";

    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    /** Refreshed only on request ({@code -Ddocs.screenshot=true}), so test runs leave the committed image alone. */
    static final Path DOCS_SCREENSHOT = Boolean.getBoolean("docs.screenshot")
            ? Path.of("docs", "dashboard.png")
            : Path.of("target", "screenshots", "dashboard-docs.png");

    HttpServer site;
    /** The id of the website added through the UI; the customer page reads it when served. */
    volatile String siteId;

    final List<String> browserLog = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void customerSite() throws IOException {
        site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        site.createContext("/", exchange -> {
            String page = """
                    <!doctype html>
                    <html><head><meta charset="utf-8"><title>Shop</title>
                    <script defer data-website-id="%s" data-domain="%s" data-allow-localhost
                            src="http://localhost:%d/js/script.js"></script>
                    </head><body><main><h1>Shop</h1><p>%s</p></main></body></html>
                    """.formatted(
                            siteId, SITE_DOMAIN, port, exchange.getRequestURI().getPath());
            byte[] html = page.getBytes(StandardCharsets.UTF_8);
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
    void the_dashboard_shows_the_apis_numbers_filters_by_country_and_manages_goals_and_keys() throws Exception {
        Files.createDirectories(SCREENSHOTS);
        String base = "http://localhost:" + port;
        String email = unique("owner") + "@example.com";
        try (Playwright playwright = Chromium.playwright();
                Browser browser =
                        Chromium.launch(playwright, "--host-resolver-rules=MAP *." + SITE_DOMAIN + " 127.0.0.1")) {
            BrowserContext context = browser.newContext(new Browser.NewContextOptions()
                    .setUserAgent(CHROME_UA)
                    .setViewportSize(1280, 900)
                    .setTimezoneId("UTC")
                    .setLocale("en-US")
                    .setColorScheme(ColorScheme.LIGHT));
            context.setDefaultTimeout(15_000);
            PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
            Page page = context.newPage();
            page.onConsoleMessage(m -> browserLog.add("console " + m.type() + ": " + m.text()));
            page.onPageError(e -> browserLog.add("page error: " + e));
            page.onRequestFailed(r -> browserLog.add("request failed: " + r.url() + " " + r.failure()));
            List<String> statsRequests = Collections.synchronizedList(new ArrayList<>());
            page.onRequest(r -> {
                if (r.url().contains("/api/v1/")) statsRequests.add(URLDecoder.decode(r.url(), StandardCharsets.UTF_8));
            });

            try {
                // ---- sign up through the UI
                page.navigate(base + "/signup");
                page.getByLabel("Name").fill("E2E Owner");
                page.getByLabel("Email").fill(email);
                page.getByLabel("Password").fill("correct horse battery");
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create account"))
                        .click();
                PlaywrightAssertions.assertThat(
                                page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Websites")))
                        .isVisible();
                PlaywrightAssertions.assertThat(page).hasURL(base + "/");

                // ---- add a website through the UI
                Locator addForm = page.getByRole(AriaRole.FORM, new Page.GetByRoleOptions().setName("Add a website"));
                addForm.getByRole(AriaRole.TEXTBOX, new Locator.GetByRoleOptions().setName("Domain"))
                        .fill(SITE_DOMAIN);
                addForm.getByRole(AriaRole.TEXTBOX, new Locator.GetByRoleOptions().setName("Name"))
                        .fill("Shop");
                addForm.getByRole(AriaRole.COMBOBOX, new Locator.GetByRoleOptions().setName("Time zone"))
                        .selectOption("UTC");
                addForm.getByRole(AriaRole.COMBOBOX, new Locator.GetByRoleOptions().setName("Currency"))
                        .selectOption("GBP");
                addForm.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add website"))
                        .click();
                Locator added = page.getByRole(AriaRole.REGION, new Page.GetByRoleOptions().setName("New website"));
                PlaywrightAssertions.assertThat(added.getByRole(AriaRole.HEADING))
                        .hasText("Shop is added");
                PlaywrightAssertions.assertThat(added.getByTestId("snippet")).containsText("data-website-id=");
                PlaywrightAssertions.assertThat(added.getByRole(AriaRole.STATUS))
                        .containsText("Waiting for the first event");
                String dashboardHref = added.getByRole(
                                AriaRole.LINK, new Locator.GetByRoleOptions().setName("Go to the dashboard"))
                        .getAttribute("href");
                assertThat(dashboardHref).as("dashboard link").startsWith("/sites/");
                siteId = dashboardHref.substring("/sites/".length());

                // ---- events through the real tracker on the customer page (same visitor: /, /pricing, /docs)
                Page shop = context.newPage();
                shop.onPageError(e -> browserLog.add("shop page error: " + e));
                shop.navigate("http://" + PAGE_HOST + ":" + site.getAddress().getPort() + "/?utm_source=newsletter");
                shop.waitForFunction("() => typeof window.datasaas === 'function'");
                shop.evaluate("history.pushState({}, '', '/pricing')");
                shop.evaluate("history.pushState({}, '', '/docs')");
                shop.evaluate("datasaas('signup', {plan: 'pro'})");

                // the snippet's live indicator notices (it polls every 5 s)
                PlaywrightAssertions.assertThat(added.getByRole(AriaRole.STATUS))
                        .containsText(
                                "Receiving events", new LocatorAssertions.ContainsTextOptions().setTimeout(20_000));

                // ---- located visitors: two from GB, one from the US
                postEvent(GB_ADDRESS_1, WINDOWS_CHROME_UA, "gb-1", "/", "https://www.google.com/");
                postEvent(GB_ADDRESS_1, WINDOWS_CHROME_UA, "gb-1", "/pricing", null);
                postEvent(GB_ADDRESS_2, IPHONE_SAFARI_UA, "gb-2", "/blog/launch", "https://news.ycombinator.com/");
                postEvent(US_ADDRESS, CHROME_UA, "us-1", "/pricing", "https://www.google.com/");

                // the API's numbers, through the browser's session (cookies of the logged-in context)
                LocalDate today = LocalDate.now(ZoneOffset.UTC);
                String range = "&start=" + today.minusDays(29) + "&end=" + today;
                JsonNode overview = awaitApi(
                        page,
                        "/api/v1/overview?site_id=" + siteId + range,
                        j -> j.path("results").path("visitors").asInt() == 4
                                && j.path("results").path("pageviews").asInt() == 7,
                        "4 visitors and 7 pageviews (1 tracker visitor with 3 pageviews, 3 posted visitors)");
                JsonNode countries = api(page, "/api/v1/breakdown?site_id=" + siteId + range + "&dimension=country");
                Map<String, Integer> byCountry = new LinkedHashMap<>();
                countries
                        .path("results")
                        .forEach(r -> byCountry.put(
                                r.path("country").asString(), r.path("visitors").asInt()));
                assertThat(byCountry)
                        .as("visitors by country (the tracker's 127.0.0.1 visitor has none)")
                        .containsEntry("GB", 2)
                        .containsEntry("US", 1);

                // ---- the dashboard shows the API's numbers
                page.bringToFront();
                page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Go to the dashboard"))
                        .click();
                PlaywrightAssertions.assertThat(page).hasURL(base + "/sites/" + siteId);
                for (String metric : List.of("visitors", "sessions", "pageviews")) {
                    PlaywrightAssertions.assertThat(page.getByTestId("kpi-" + metric))
                            .hasText(
                                    overview.path("results").path(metric).asString(),
                                    new LocatorAssertions.HasTextOptions().setTimeout(15_000));
                }
                Locator pagesPanel = panel(page, "Pages");
                assertBars(pagesPanel, breakdown(page, "pathname", range, ""));
                Locator locations = panel(page, "Locations");
                PlaywrightAssertions.assertThat(locations.locator("svg.world path.has-data"))
                        .hasCount(2);
                waitForQuiet(page);
                page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("dashboard.png")));
                Files.createDirectories(DOCS_SCREENSHOT.getParent());
                page.screenshot(new Page.ScreenshotOptions().setPath(DOCS_SCREENSHOT));

                // ---- click a country row: every panel is filtered, and the filter is in the URL
                locations
                        .getByRole(AriaRole.TAB, new Locator.GetByRoleOptions().setName("Countries"))
                        .click();
                Locator ukRow = locations.getByTitle("Filter by United Kingdom");
                PlaywrightAssertions.assertThat(ukRow).containsText("2");
                int before = statsRequests.size();
                ukRow.click();
                PlaywrightAssertions.assertThat(page).hasURL(Pattern.compile(".*country%5Bis%5D=GB.*"));
                assertThat(URLDecoder.decode(page.url(), StandardCharsets.UTF_8))
                        .contains("country[is]=GB")
                        .contains("locations=country");
                Locator chips = page.getByRole(AriaRole.LIST, new Page.GetByRoleOptions().setName("Active filters"));
                PlaywrightAssertions.assertThat(chips).containsText("Country is United Kingdom");

                JsonNode gbOverview = api(page, "/api/v1/overview?site_id=" + siteId + range + "&country[is]=GB");
                assertThat(gbOverview.path("results").path("visitors").asInt()).isEqualTo(2);
                assertFilteredView(page, range, gbOverview);
                // every stats request the dashboard made after the click carries the filter: KPIs, chart, panels
                List<String> afterClick = List.copyOf(statsRequests.subList(before, statsRequests.size()));
                assertThat(afterClick)
                        .as("stats requests after the click")
                        .anySatisfy(u -> assertThat(u).contains("/api/v1/overview"))
                        .anySatisfy(u -> assertThat(u).contains("/api/v1/timeseries"))
                        .anySatisfy(u -> assertThat(u).contains("/api/v1/breakdown"))
                        .anySatisfy(u -> assertThat(u).contains("/api/v1/goals"))
                        .allSatisfy(u -> assertThat(u).contains("country[is]=GB"));
                page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("dashboard-filtered.png")));

                // ---- reload: the same view
                String filteredUrl = page.url();
                page.reload();
                assertThat(page.url()).isEqualTo(filteredUrl);
                PlaywrightAssertions.assertThat(chips).containsText("Country is United Kingdom");
                PlaywrightAssertions.assertThat(
                                locations.getByRole(AriaRole.TAB, new Locator.GetByRoleOptions().setName("Countries")))
                        .hasAttribute("aria-selected", "true");
                assertFilteredView(page, range, gbOverview);

                // ---- realtime: a dot on the map and entries in the feed
                page.getByRole(AriaRole.NAVIGATION, new Page.GetByRoleOptions().setName("Website sections"))
                        .getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Realtime"))
                        .click();
                PlaywrightAssertions.assertThat(page).hasURL(base + "/sites/" + siteId + "/realtime");
                int online = api(page, "/api/realtime?siteId=" + siteId)
                        .path("online")
                        .asInt();
                assertThat(online).as("online now").isEqualTo(4);
                PlaywrightAssertions.assertThat(page.getByTestId("online-count"))
                        .hasText(String.valueOf(online));
                Locator dots = page.locator("svg.world circle.visitor-dot");
                PlaywrightAssertions.assertThat(dots.first()).isVisible();
                assertThat(dots.count()).as("dots (visitors with a location)").isEqualTo(3);
                PlaywrightAssertions.assertThat(page.locator("circle.visitor-dot[aria-label*='United Kingdom']")
                                .first())
                        .isAttached();
                Locator feed = page.getByRole(AriaRole.REGION, new Page.GetByRoleOptions().setName("Live feed"))
                        .locator("li.feed-item");
                PlaywrightAssertions.assertThat(feed.first()).isVisible();
                PlaywrightAssertions.assertThat(feed.filter(new Locator.FilterOptions().setHasText("/docs")))
                        .not()
                        .hasCount(0);
                PlaywrightAssertions.assertThat(feed.filter(new Locator.FilterOptions().setHasText("United Kingdom")))
                        .not()
                        .hasCount(0);
                PlaywrightAssertions.assertThat(feed.filter(new Locator.FilterOptions().setHasText("signup")))
                        .hasCount(1);
                // page-leave pings are not news: the feed shows pageviews, goals and outbound clicks only
                PlaywrightAssertions.assertThat(page.locator("li.feed-leave, li.feed-heartbeat"))
                        .hasCount(0);
                dots.first().focus(); // shows the visitor's details
                PlaywrightAssertions.assertThat(page.getByRole(AriaRole.TOOLTIP))
                        .containsText("Page: ");
                waitForQuiet(page);
                page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("realtime.png")));

                // ---- goals: create one (it counts retroactively), then delete it with confirmation
                page.getByRole(AriaRole.NAVIGATION, new Page.GetByRoleOptions().setName("Website sections"))
                        .getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Goals"))
                        .click();
                PlaywrightAssertions.assertThat(page.getByText("No goals yet")).isVisible();
                Locator goalForm = page.getByRole(AriaRole.FORM, new Page.GetByRoleOptions().setName("Create a goal"));
                goalForm.getByLabel("Custom event").check();
                goalForm.getByPlaceholder("signup").fill("signup");
                goalForm.getByPlaceholder("Sign-ups").fill("Sign-ups");
                goalForm.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Create goal"))
                        .click();
                Locator goalRow =
                        page.getByRole(AriaRole.ROW).filter(new Locator.FilterOptions().setHasText("Sign-ups"));
                PlaywrightAssertions.assertThat(goalRow).hasCount(1);
                PlaywrightAssertions.assertThat(goalRow.getByRole(AriaRole.CELL).nth(1))
                        .hasText("Custom event");
                PlaywrightAssertions.assertThat(goalRow.getByRole(AriaRole.CELL).nth(2))
                        .hasText("1"); // the tracker's datasaas('signup') before the goal existed
                assertThat(api(page, "/api/websites/" + siteId + "/goals")
                                .path("goals")
                                .size())
                        .as("goals on the server after create")
                        .isEqualTo(1);
                page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("goals.png")));
                goalRow.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete"))
                        .click();
                Locator confirm =
                        goalRow.getByRole(AriaRole.GROUP, new Locator.GetByRoleOptions().setName("Delete “Sign-ups”?"));
                PlaywrightAssertions.assertThat(confirm).isVisible();
                // nothing is deleted until confirmed
                assertThat(api(page, "/api/websites/" + siteId + "/goals")
                                .path("goals")
                                .size())
                        .isEqualTo(1);
                confirm.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete goal"))
                        .click();
                PlaywrightAssertions.assertThat(goalRow).hasCount(0);
                PlaywrightAssertions.assertThat(page.getByText("No goals yet")).isVisible();
                assertThat(api(page, "/api/websites/" + siteId + "/goals")
                                .path("goals")
                                .size())
                        .as("goals on the server after delete")
                        .isZero();

                // ---- website settings (screenshot)
                page.getByRole(AriaRole.NAVIGATION, new Page.GetByRoleOptions().setName("Website sections"))
                        .getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Settings"))
                        .click();
                PlaywrightAssertions.assertThat(
                                page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("General")))
                        .isVisible();
                waitForQuiet(page);
                page.screenshot(new Page.ScreenshotOptions()
                        .setPath(SCREENSHOTS.resolve("site-settings.png"))
                        .setFullPage(true));

                // ---- API key: create in the UI, read it once, use it over plain HTTP
                page.getByRole(AriaRole.NAVIGATION, new Page.GetByRoleOptions().setName("Main"))
                        .getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("API keys"))
                        .click();
                PlaywrightAssertions.assertThat(page.getByText("No API keys yet"))
                        .isVisible();
                Locator keyForm =
                        page.getByRole(AriaRole.FORM, new Page.GetByRoleOptions().setName("Create an API key"));
                keyForm.getByRole(AriaRole.TEXTBOX, new Locator.GetByRoleOptions().setName("Name"))
                        .fill("E2E report script");
                keyForm.getByRole(AriaRole.COMBOBOX, new Locator.GetByRoleOptions().setName("Access"))
                        .selectOption("read");
                keyForm.getByRole(AriaRole.COMBOBOX, new Locator.GetByRoleOptions().setName("Websites"))
                        .selectOption(siteId);
                keyForm.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Create key"))
                        .click();
                Locator shown = page.getByTestId("new-key");
                PlaywrightAssertions.assertThat(shown).hasText(Pattern.compile("^ds_live_\\S+$"));
                String key = shown.textContent().strip();
                Locator keyRow = page.getByRole(AriaRole.ROW)
                        .filter(new Locator.FilterOptions().setHasText("E2E report script"));
                PlaywrightAssertions.assertThat(keyRow).containsText("Read only · Shop");
                PlaywrightAssertions.assertThat(keyRow).not().containsText(key);
                page.screenshot(new Page.ScreenshotOptions()
                        .setPath(SCREENSHOTS.resolve("api-keys.png"))
                        .setFullPage(true));
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("I have stored it"))
                        .click();
                PlaywrightAssertions.assertThat(shown).hasCount(0);
                page.reload();
                PlaywrightAssertions.assertThat(keyRow).isVisible();
                assertThat(page.content()).as("the full key is shown only once").doesNotContain(key);

                ApiClient script = newClient().withBearer(key);
                ApiClient.Response withKey = script.get("/api/v1/overview?site_id=" + siteId + range);
                assertThat(withKey.status()).as(withKey.toString()).isEqualTo(200);
                assertThat(withKey.json().path("results").path("visitors").asInt())
                        .as("visitors through the API key = the dashboard's")
                        .isEqualTo(overview.path("results").path("visitors").asInt());
                ApiClient.Response filtered = script.get("/api/v1/overview?site_id=" + siteId + range + "&"
                        + URLEncoder.encode("country[is]", StandardCharsets.UTF_8) + "=GB");
                assertThat(filtered.status()).as(filtered.toString()).isEqualTo(200);
                assertThat(filtered.json().path("results").path("visitors").asInt())
                        .isEqualTo(2);
                assertThat(newClient()
                                .withBearer(key + "x")
                                .get("/api/v1/overview?site_id=" + siteId + range)
                                .status())
                        .as("a wrong key")
                        .isEqualTo(401);

                // revoking it in the UI (with confirmation) stops it at once
                keyRow.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Revoke"))
                        .click();
                keyRow.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Revoke key"))
                        .click();
                PlaywrightAssertions.assertThat(page.getByText("No API keys yet"))
                        .isVisible();
                assertThat(script.get("/api/v1/overview?site_id=" + siteId + range)
                                .status())
                        .as("the revoked key")
                        .isEqualTo(401);
                context.close();
            } catch (AssertionError | RuntimeException e) {
                try {
                    page.screenshot(new Page.ScreenshotOptions()
                            .setPath(SCREENSHOTS.resolve("failure.png"))
                            .setFullPage(true));
                } catch (RuntimeException ignored) {
                    // the page may be gone; the original failure matters
                }
                throw new AssertionError(
                        e.getMessage() + "\nAt: " + page.url() + "\nBrowser log:\n" + String.join("\n", browserLog), e);
            }
        }
        assertThat(Files.size(DOCS_SCREENSHOT)).as("docs/dashboard.png size").isLessThan(400_000);
    }

    /** The filtered dashboard: KPIs equal the API's filtered numbers, and the panels show only GB traffic. */
    void assertFilteredView(Page page, String range, JsonNode gbOverview) {
        for (String metric : List.of("visitors", "sessions", "pageviews")) {
            PlaywrightAssertions.assertThat(page.getByTestId("kpi-" + metric))
                    .hasText(gbOverview.path("results").path(metric).asString());
        }
        String gb = "&country[is]=GB";
        // Locations (Countries tab): only the United Kingdom
        assertBars(panel(page, "Locations"), breakdown(page, "country", range, gb));
        PlaywrightAssertions.assertThat(panel(page, "Locations").locator(".bar-label"))
                .hasText(new String[] {"United Kingdom"});
        // Pages: GB visitors' pages only (no /docs: that was the unlocated tracker visitor)
        Map<String, Integer> pages = breakdown(page, "pathname", range, gb);
        assertThat(pages).containsOnlyKeys("/", "/pricing", "/blog/launch");
        assertBars(panel(page, "Pages"), pages);
        // Sources (channels) and Devices (device types)
        assertBars(panel(page, "Sources"), breakdown(page, "channel", range, gb));
        assertBars(panel(page, "Devices"), breakdown(page, "device_type", range, gb));
    }

    static Locator panel(Page page, String title) {
        return page.getByRole(
                AriaRole.REGION, new Page.GetByRoleOptions().setName(title).setExact(true));
    }

    /** The panel's bars (label and visitors) equal the API's breakdown, in order. */
    static void assertBars(Locator panel, Map<String, Integer> expected) {
        List<String> labels = new ArrayList<>();
        List<String> values = new ArrayList<>();
        expected.forEach((value, visitors) -> {
            labels.add(value);
            values.add(String.valueOf(visitors));
        });
        PlaywrightAssertions.assertThat(panel.locator(".bar-visitors")).hasText(values.toArray(String[]::new));
        if (!labels.isEmpty() && labels.get(0).startsWith("/")) {
            PlaywrightAssertions.assertThat(panel.locator(".bar-label")).hasText(labels.toArray(String[]::new));
        }
    }

    /** The API's breakdown of one dimension (value to visitors, in the API's order). */
    Map<String, Integer> breakdown(Page page, String dimension, String range, String filter) {
        JsonNode j = api(page, "/api/v1/breakdown?site_id=" + siteId + range + "&dimension=" + dimension + filter);
        Map<String, Integer> out = new LinkedHashMap<>();
        j.path("results")
                .forEach(r ->
                        out.put(r.path(dimension).asString(), r.path("visitors").asInt()));
        return out;
    }

    /** A GET through the browser context's request client: the logged-in session's cookies. */
    JsonNode api(Page page, String pathAndQuery) {
        String url =
                "http://localhost:" + port + pathAndQuery.replace("[", "%5B").replace("]", "%5D");
        APIResponse r = page.request().get(url);
        assertThat(r.status()).as("GET " + pathAndQuery + ": " + r.text()).isEqualTo(200);
        return ApiClient.JSON.readTree(r.text());
    }

    /** Polls an API call until its answer matches (events are queryable within about 2 s of their 202). */
    JsonNode awaitApi(Page page, String pathAndQuery, java.util.function.Predicate<JsonNode> ok, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = api(page, pathAndQuery);
            if (ok.test(last)) return last;
            sleep(250);
        }
        throw new AssertionError("Timed out waiting for " + what + ". Last answer: " + last + "\nBrowser log:\n"
                + String.join("\n", browserLog));
    }

    /** A pageview posted to the public ingest endpoint as if from a browser at {@code address}. */
    void postEvent(String address, String userAgent, String visitor, String path, String referrer) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("website_id", siteId);
        event.put("visitor_id", visitor + "-" + siteId);
        event.put("session_id", visitor + "-session-" + siteId);
        event.put("event_type", "pageview");
        event.put("url", "http://" + PAGE_HOST + path);
        if (referrer != null) event.put("referrer", referrer);
        event.put("screen_width", userAgent.contains("iPhone") ? 390 : 1920);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/events"))
                .header("Content-Type", "application/json")
                .header("User-Agent", userAgent)
                .header("X-Forwarded-For", address)
                .POST(HttpRequest.BodyPublishers.ofString(ApiClient.JSON.writeValueAsString(event)));
        ApiClient.Response r = newClient().raw(request);
        assertThat(r.status()).as("POST /api/events " + event + ": " + r).isEqualTo(202);
    }

    /** Lets the page finish its requests and the maps their lazy outlines, for a clean screenshot. */
    static void waitForQuiet(Page page) {
        page.waitForLoadState(com.microsoft.playwright.options.LoadState.NETWORKIDLE);
        page.waitForFunction("() => !document.querySelector('.skeleton, [aria-busy=true]')");
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
