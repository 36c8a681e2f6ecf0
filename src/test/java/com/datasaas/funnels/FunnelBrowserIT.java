package com.datasaas.funnels;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.events.EventStore;
import com.datasaas.support.ApiClient;
import com.datasaas.support.Chromium;
import com.datasaas.support.RunningApp;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The funnel page in a real browser against the running app: a site owner logs in, creates a three-step funnel through
 * the form, sees one bar per step with the numbers the API answers, and a click on a step opens the dashboard filtered
 * to the visitors who reached that step in order (the funnel_step filter), with its chip and the step's count. The visits are hand-built events of today, so the default range (last 30 days) holds them.
 *
 * <p>Run alone (after one {@code ./mvnw -q -DskipTests package}): {@code ./mvnw verify -Dskip.npm -Dtest=NoSuchTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=FunnelBrowserIT}. Needs Debian's chromium and Node.js.
 */
class FunnelBrowserIT extends RunningApp {
    /** Exact label matches: a select's label text also holds its options ("Page visit"). */
    private static final Locator.GetByLabelOptions EXACT = new Locator.GetByLabelOptions().setExact(true);

    @Autowired
    EventStore store;

    @Test
    void an_owner_creates_a_funnel_sees_its_bars_and_opens_a_step_on_the_dashboard() throws Exception {
        String email = unique("funnels") + "@example.com";
        ApiClient owner = newClient().signUp(email);
        String site = owner.createWebsite(unique("funnel-shop") + ".example.com");
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(2, ChronoUnit.HOURS);
        String[] at = new String[6];
        for (int i = 0; i < at.length; i++) at[i] = t.plusSeconds(60L * i).toString();
        List<Visit> visits = new ArrayList<>(List.of(
                Visit.page(site, at[0], "A", "a1", "/"),
                Visit.page(site, at[1], "A", "a1", "/pricing"),
                Visit.goal(site, at[2], "A", "a1", "signup"),
                Visit.page(site, at[0], "B", "b1", "/"),
                Visit.page(site, at[3], "B", "b1", "/pricing"),
                Visit.page(site, at[4], "C", "c1", "/"),
                // viewed the pricing page without the home page first: not at step 2, though a page filter would
                // count them
                Visit.page(site, at[5], "D", "d1", "/pricing")));
        store.append(visits.stream().map(Visit::event).toList());

        Path screenshots = Path.of("target", "screenshots");
        Files.createDirectories(screenshots);
        String base = "http://localhost:" + port;
        try (Playwright playwright = Chromium.playwright();
                Browser browser = Chromium.launch(playwright)) {
            BrowserContext context = browser.newContext(new Browser.NewContextOptions()
                    .setViewportSize(1280, 900)
                    .setTimezoneId("UTC")
                    .setLocale("en-US"));
            context.setDefaultTimeout(15_000);
            PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
            Page page = context.newPage();

            page.navigate(base + "/login");
            page.getByLabel("Email").fill(email);
            page.getByLabel("Password").fill("correct horse battery");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in"))
                    .click();
            PlaywrightAssertions.assertThat(page).hasURL(base + "/");

            page.navigate(base + "/sites/" + site + "/funnels");
            PlaywrightAssertions.assertThat(page.getByText("No funnels yet")).isVisible();
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("New funnel"))
                    .click();
            Locator form = page.getByRole(AriaRole.FORM, new Page.GetByRoleOptions().setName("Create a funnel"));
            form.getByLabel("Name", new Locator.GetByLabelOptions().setExact(true))
                    .fill("Signup flow");
            form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add step"))
                    .click();
            Locator names = form.getByLabel("Step name", EXACT);
            names.nth(0).fill("Home");
            names.nth(1).fill("Pricing");
            names.nth(2).fill("Signed up");
            form.getByLabel("Page", EXACT).nth(0).fill("/");
            form.getByLabel("Page", EXACT).nth(1).fill("/pricing");
            form.getByRole(AriaRole.COMBOBOX).nth(2).selectOption("goal");
            form.getByLabel("Goal name", EXACT).fill("signup");
            form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Create funnel"))
                    .click();

            Locator steps = page.getByTestId("funnel-step");
            PlaywrightAssertions.assertThat(steps).hasCount(3);
            String funnelId = owner.get("/api/websites/" + site + "/funnels")
                    .json()
                    .path("funnels")
                    .get(0)
                    .path("id")
                    .asString();
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            JsonNode api = owner.get("/api/v1/funnels/" + funnelId + "?site_id=" + site + "&start="
                            + today.minusDays(29) + "&end=" + today)
                    .json()
                    .path("results");
            List<String> expected = new ArrayList<>();
            api.path("steps").forEach(s -> expected.add(s.path("visitors").asString()));
            assertThat(expected)
                    .as("the API's numbers for the hand-built visits")
                    .containsExactly("3", "2", "1");
            PlaywrightAssertions.assertThat(page.getByTestId("step-visitors")).hasText(expected.toArray(String[]::new));
            PlaywrightAssertions.assertThat(page.getByTestId("funnel-rate")).hasText("33.3%");
            PlaywrightAssertions.assertThat(page.getByTestId("step-dropoff").first())
                    .containsText("−1 (33.3%)");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(screenshots.resolve("funnels.png"))
                    .setFullPage(true));

            steps.nth(1).getByRole(AriaRole.BUTTON).click();
            PlaywrightAssertions.assertThat(page).hasURL(Pattern.compile(".*/sites/" + site + "\\?.*"));
            assertThat(URLDecoder.decode(page.url(), StandardCharsets.UTF_8))
                    .contains("funnel_step[is]=" + funnelId + ":2");
            // The dashboard shows the filter as a chip and exactly the step's visitors (A and B, not D).
            PlaywrightAssertions.assertThat(page.getByText("Reached step 2 of funnel \"Signup flow\""))
                    .isVisible();
            PlaywrightAssertions.assertThat(page.getByTestId("kpi-visitors")).hasText(expected.get(1));
        }
    }
}
