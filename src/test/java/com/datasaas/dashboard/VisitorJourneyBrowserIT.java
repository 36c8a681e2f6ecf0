package com.datasaas.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.ApiClient;
import com.datasaas.support.Chromium;
import com.datasaas.support.RunningApp;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.Cookie;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The whole revenue story in one browser: a visitor of a customer's site (another origin, the real tracker) walks
 * through a three-step funnel (two pages and a goal), identifies, and pays through the payments API; the owner then
 * sees that person on the funnel page (one visitor at every step and the revenue), on the visitor page (name, email,
 * the journey in order, the goal and the payment) and on the realtime page (a map dot and a feed entry that lead to
 * the visitor page, marked as a customer since they paid).
 *
 * <p>The visitor's requests carry a public client address (loopback is a trusted proxy in tests) so the GeoIP
 * database places them on the map.
 *
 * <p>Run alone (after one {@code ./mvnw -q -DskipTests package}): {@code ./mvnw verify -Dskip.npm -Dtest=NoSuchTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=VisitorJourneyBrowserIT}. Needs Debian's chromium and Node.js.
 */
class VisitorJourneyBrowserIT extends RunningApp {
    static final String SITE_DOMAIN = "journey.test";
    static final String PAGE_HOST = "www." + SITE_DOMAIN;
    static final String CHROME_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/156.0.0.0 Safari/537.36";
    static final String PASSWORD = "correct horse battery";
    /** A London address of the GeoIP test fixtures: the map needs a location to draw a dot. */
    static final String VISITOR_ADDRESS = "81.2.69.142";

    HttpServer site;
    String siteId;
    String email;
    ApiClient owner;
    final List<String> browserLog = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void customerSite() throws IOException {
        email = unique("journey") + "@example.com";
        owner = newClient().signUp(email);
        siteId = owner.createWebsite(SITE_DOMAIN);
        byte[] html = """
                <!doctype html>
                <html><head><meta charset="utf-8"><title>Journey shop</title>
                <script defer data-website-id="%s" data-domain="%s" src="http://localhost:%d/js/script.js"></script>
                </head><body><main><h1>Journey shop</h1></main></body></html>
                """.formatted(siteId, SITE_DOMAIN, port).getBytes(StandardCharsets.UTF_8);
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
    void a_visitor_who_goes_through_the_funnel_identifies_and_pays_shows_on_the_funnel_visitor_and_realtime_pages()
            throws IOException {
        ApiClient.Response created = owner.post(
                "/api/websites/" + siteId + "/funnels",
                Map.of(
                        "name",
                        "Checkout",
                        "steps",
                        List.of(
                                Map.of("name", "Pricing", "type", "pageview", "url", "/pricing"),
                                Map.of("name", "Sign-up form", "type", "pageview", "url", "/signup"),
                                Map.of("name", "Purchased", "type", "goal", "goal_name", "purchase"))));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);

        Path screenshots = Path.of("target", "screenshots");
        Files.createDirectories(screenshots);
        String base = "http://localhost:" + port;
        String shopBase = "http://" + PAGE_HOST + ":" + site.getAddress().getPort();
        try (Playwright playwright = Chromium.playwright();
                Browser browser =
                        Chromium.launch(playwright, "--host-resolver-rules=MAP *." + SITE_DOMAIN + " 127.0.0.1")) {
            BrowserContext context = browser.newContext(new Browser.NewContextOptions()
                    .setUserAgent(CHROME_UA)
                    .setViewportSize(1280, 900)
                    .setTimezoneId("UTC")
                    .setLocale("en-US"));
            context.setDefaultTimeout(15_000);
            PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
            try {
                // ---- the visitor: /pricing, /signup, the goal, then identify (each event acknowledged before the
                // next)
                Page shop = context.newPage();
                shop.onPageError(e -> browserLog.add("shop page error: " + e));
                shop.route(base + "/api/events**", VisitorJourneyBrowserIT::fromVisitorAddress);
                Predicate<com.microsoft.playwright.Response> accepted =
                        r -> r.url().startsWith(base + "/api/events") && r.status() == 202;
                shop.waitForResponse(accepted, () -> shop.navigate(shopBase + "/pricing"));
                shop.waitForResponse(accepted, () -> shop.navigate(shopBase + "/signup"));
                shop.waitForFunction("() => typeof window.datasaas === 'function'");
                shop.waitForResponse(accepted, () -> shop.evaluate("datasaas('purchase', {plan: 'pro'})"));
                shop.waitForResponse(
                        accepted,
                        () -> shop.evaluate("datasaas('identify', {user_id: 'u-journey', name: 'Ada Lovelace',"
                                + " email: 'ada@example.com'})"));
                String visitorId = context.cookies().stream()
                        .filter(c -> c.name.equals("datasaas_visitor_id"))
                        .map((Cookie c) -> c.value)
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no visitor cookie; " + browserLog));
                awaitJourney(visitorId);

                // ---- the shop's server reports the payment for that visitor, paid now (no timestamp): the realtime
                // map's history is cached for a minute, so a payment dated later than its first read would be missed
                ApiClient.Response paid = owner.post(
                        "/api/v1/payments?site_id=" + siteId,
                        Map.of(
                                "amount",
                                49,
                                "currency",
                                "USD",
                                "transaction_id",
                                unique("order"),
                                "visitor_id",
                                visitorId));
                assertThat(paid.status()).as(paid.toString()).isEqualTo(201);

                // ---- the owner logs in
                Page page = context.newPage();
                page.onPageError(e -> browserLog.add("dashboard page error: " + e));
                page.navigate(base + "/login");
                page.getByLabel("Email").fill(email);
                page.getByLabel("Password").fill(PASSWORD);
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in"))
                        .click();
                PlaywrightAssertions.assertThat(page).hasURL(base + "/");

                // (a) the funnel page: one visitor at every step, everyone converted, and the payment as revenue
                page.navigate(base + "/sites/" + siteId + "/funnels");
                PlaywrightAssertions.assertThat(page.getByTestId("funnel-step")).hasCount(3);
                PlaywrightAssertions.assertThat(page.getByTestId("funnel-step"))
                        .containsText(new String[] {"Pricing", "Sign-up form", "Purchased"});
                PlaywrightAssertions.assertThat(page.getByTestId("step-visitors"))
                        .hasText(new String[] {"1", "1", "1"});
                PlaywrightAssertions.assertThat(page.getByTestId("funnel-completed"))
                        .hasText("1");
                PlaywrightAssertions.assertThat(page.getByTestId("funnel-rate")).hasText("100%");
                PlaywrightAssertions.assertThat(page.getByTestId("funnel-revenue"))
                        .hasText("$49.00");
                page.screenshot(new Page.ScreenshotOptions()
                        .setPath(screenshots.resolve("journey-funnel.png"))
                        .setFullPage(true));

                // (b) the visitor page: who they are and their journey in order
                page.navigate(base + "/sites/" + siteId + "/visitors/" + visitorId);
                PlaywrightAssertions.assertThat(
                                page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Ada Lovelace")))
                        .isVisible();
                PlaywrightAssertions.assertThat(page.getByText("ada@example.com"))
                        .isVisible();
                PlaywrightAssertions.assertThat(page.getByText("u-journey")).isVisible();
                Locator steps = page.locator(".journey-step");
                PlaywrightAssertions.assertThat(steps).containsText(new String[] {
                    "Viewed /pricing", "Viewed /signup", "Completed goal purchase", "Identified", "Paid $49.00"
                });
                page.screenshot(new Page.ScreenshotOptions()
                        .setPath(screenshots.resolve("journey-visitor.png"))
                        .setFullPage(true));

                // (c) the realtime page: a customer's dot on the map, and a feed entry leading to the visitor page
                page.navigate(base + "/sites/" + siteId + "/realtime");
                Locator dot = page.locator("circle.visitor-dot");
                PlaywrightAssertions.assertThat(dot).hasCount(1);
                PlaywrightAssertions.assertThat(dot).hasClass(Pattern.compile("\\blikely-customer\\b"));
                PlaywrightAssertions.assertThat(dot)
                        .hasAttribute("aria-label", Pattern.compile("^Existing customer, Page: /signup, .*"));
                Locator payment = page.locator(".feed-item.feed-payment");
                PlaywrightAssertions.assertThat(payment).containsText("$49.00");
                Locator pageview = page.locator(".feed-item.feed-pageview")
                        .filter(new Locator.FilterOptions().setHasText("/signup"));
                PlaywrightAssertions.assertThat(pageview.getByTestId("likelihood"))
                        .hasText("Customer");
                page.screenshot(new Page.ScreenshotOptions()
                        .setPath(screenshots.resolve("journey-realtime.png"))
                        .setFullPage(true));
                pageview.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("visitor"))
                        .click();
                PlaywrightAssertions.assertThat(page).hasURL(base + "/sites/" + siteId + "/visitors/" + visitorId);
                PlaywrightAssertions.assertThat(
                                page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Ada Lovelace")))
                        .isVisible();

                // the map's dot is a link to the same page
                page.goBack();
                page.getByRole(
                                AriaRole.LINK,
                                new Page.GetByRoleOptions().setName(Pattern.compile("^Existing customer")))
                        .click();
                PlaywrightAssertions.assertThat(page).hasURL(base + "/sites/" + siteId + "/visitors/" + visitorId);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e.getMessage() + "\nBrowser log:\n" + String.join("\n", browserLog), e);
            } finally {
                context.close();
            }
        }
    }

    /** The visitor's events as if they came through a proxy from a public address, so GeoIP places them. */
    private static void fromVisitorAddress(Route route) {
        Map<String, String> headers = new HashMap<>(route.request().headers());
        headers.put("x-forwarded-for", VISITOR_ADDRESS);
        route.resume(new Route.ResumeOptions().setHeaders(headers));
    }

    /** Polls the visitor's profile in the API until both pageviews, the goal and the identify are stored. */
    void awaitJourney(String visitorId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        ApiClient.Response last = null;
        while (System.nanoTime() < deadline) {
            last = owner.get("/api/v1/visitors/" + visitorId + "?site_id=" + siteId);
            if (last.status() == 200) {
                JsonNode v = last.json().path("visitor");
                if ("Ada Lovelace".equals(v.path("display_name").asString())
                        && v.path("pageview_count").asInt() == 2
                        && v.path("goal_count").asInt() >= 1) {
                    return;
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("the journey did not arrive; last answer " + last + "\n" + browserLog);
    }
}
