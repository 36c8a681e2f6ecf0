package com.datasaas.visitors;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.ApiClient;
import com.datasaas.support.Chromium;
import com.datasaas.support.RunningApp;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.Cookie;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Identify in a real browser: a customer page (another origin, the real tracker) identifies its visitor with
 * {@code datasaas("identify", ...)}; the owner then finds that person in the dashboard's visitors list, opens their
 * page, and reaches the same page from the realtime feed.
 */
class VisitorsBrowserIT extends RunningApp {
    static final String SITE_DOMAIN = "shop.test";
    static final String PAGE_HOST = "www." + SITE_DOMAIN;
    static final String CHROME_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/156.0.0.0 Safari/537.36";
    static final String PASSWORD = "correct horse battery";

    HttpServer site;
    String siteId;
    String email;
    ApiClient owner;
    final List<String> browserLog = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void customerSite() throws IOException {
        email = unique("owner") + "@example.com";
        owner = newClient().signUp(email);
        siteId = owner.createWebsite(SITE_DOMAIN);
        byte[] html = """
                <!doctype html>
                <html><head><meta charset="utf-8"><title>Shop</title>
                <script defer data-website-id="%s" data-domain="%s" src="http://localhost:%d/js/script.js"></script>
                </head><body><main><h1>Shop</h1></main></body></html>
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
    void a_visitor_identified_on_a_page_has_a_visitor_page_reached_from_the_list_and_the_feed() {
        String base = "http://localhost:" + port;
        try (Playwright playwright = Chromium.playwright();
                Browser browser =
                        Chromium.launch(playwright, "--host-resolver-rules=MAP *." + SITE_DOMAIN + " 127.0.0.1")) {
            BrowserContext context = browser.newContext(
                    new Browser.NewContextOptions().setUserAgent(CHROME_UA).setViewportSize(1280, 900));
            context.setDefaultTimeout(15_000);
            PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
            try {
                // ---- the customer page identifies its visitor
                Page shop = context.newPage();
                shop.onPageError(e -> browserLog.add("shop page error: " + e));
                shop.navigate("http://" + PAGE_HOST + ":" + site.getAddress().getPort() + "/welcome");
                shop.waitForFunction("() => typeof window.datasaas === 'function'");
                shop.evaluate("datasaas('identify', {user_id: 'u-77', name: 'Grace Hopper',"
                        + " email: 'grace@example.com', plan: 'team'})");
                String visitorId = context.cookies().stream()
                        .filter(c -> c.name.equals("datasaas_visitor_id"))
                        .map((Cookie c) -> c.value)
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no visitor cookie; " + browserLog));
                JsonNode profile = awaitProfile(visitorId);
                assertThat(profile.path("visitor").path("email").asString()).isEqualTo("grace@example.com");
                assertThat(profile.path("visitor")
                                .path("custom_properties")
                                .path("plan")
                                .asString())
                        .isEqualTo("team");

                // ---- the owner logs in and finds the person in the visitors list
                Page page = context.newPage();
                page.onPageError(e -> browserLog.add("dashboard page error: " + e));
                page.navigate(base + "/login");
                page.getByLabel("Email").fill(email);
                page.getByLabel("Password").fill(PASSWORD);
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in"))
                        .click();
                PlaywrightAssertions.assertThat(page).hasURL(base + "/");
                page.navigate(base + "/sites/" + siteId + "/visitors");
                page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Grace Hopper"))
                        .click();
                PlaywrightAssertions.assertThat(
                                page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Grace Hopper")))
                        .isVisible();
                PlaywrightAssertions.assertThat(page.getByText("grace@example.com"))
                        .isVisible();
                PlaywrightAssertions.assertThat(page.locator(".journey-step").first())
                        .containsText("Viewed /welcome");
                PlaywrightAssertions.assertThat(page.locator(".step-identify")).containsText("Identified");
                page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "visitor-page-it.png")));

                // ---- the realtime feed links to the same page
                page.navigate(base + "/sites/" + siteId + "/realtime");
                // exact: the "Visitors" tab would match a substring
                page.getByRole(
                                AriaRole.LINK,
                                new Page.GetByRoleOptions().setName("visitor").setExact(true))
                        .first()
                        .click();
                PlaywrightAssertions.assertThat(page).hasURL(base + "/sites/" + siteId + "/visitors/" + visitorId);
                PlaywrightAssertions.assertThat(
                                page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Grace Hopper")))
                        .isVisible();
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e.getMessage() + "\nBrowser log:\n" + String.join("\n", browserLog), e);
            } finally {
                context.close();
            }
        }
    }

    /** Polls the visitor's page in the API until the identify has been through the pipeline. */
    JsonNode awaitProfile(String visitorId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        ApiClient.Response last = null;
        while (System.nanoTime() < deadline) {
            last = owner.get("/api/v1/visitors/" + visitorId + "?site_id=" + siteId);
            if (last.status() == 200
                    && "Grace Hopper"
                            .equals(last.json()
                                    .path("visitor")
                                    .path("display_name")
                                    .asString())) {
                return last.json();
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("the identify did not arrive; last answer " + last + "\n" + browserLog);
    }
}
