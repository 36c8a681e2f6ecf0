package com.datasaas.sites;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.ApiClient;
import com.datasaas.support.RunningApp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebsiteTest extends RunningApp {

    @Test
    void domain_is_normalised_and_defaults_apply() {
        ApiClient owner = newAccount();
        ApiClient.Response created =
                owner.post("/api/websites", Map.of("domain", "HTTPS://www.Shop.Example.COM:8443/x?y"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().path("id").asString()).matches("mrf_[0-9A-Za-z]{12}");
        assertThat(created.json().path("domain").asString()).isEqualTo("shop.example.com");
        assertThat(created.json().path("timezone").asString()).isEqualTo("UTC");
        assertThat(created.json().path("currency").asString()).isEqualTo("USD");
        String id = created.json().path("id").asString();
        assertThat(created.json().path("tracking_snippet").asString())
                .isEqualTo("<script defer data-website-id=\"" + id + "\" data-domain=\"shop.example.com\" src=\""
                        + owner.base() + "/js/script.js\"></script>");
    }

    @Test
    void invalid_input_is_400_naming_the_field() {
        ApiClient owner = newAccount();
        assertThat(owner.post("/api/websites", Map.of()).errorMessage()).contains("domain");
        assertThat(owner.post("/api/websites", Map.of("domain", "not a domain")).errorMessage())
                .contains("domain");
        assertThat(owner.post("/api/websites", Map.of("domain", "<script>.com")).status())
                .isEqualTo(400);
        assertThat(owner.post("/api/websites", Map.of("domain", "ok.example", "timezone", "Mars/Olympus"))
                        .errorMessage())
                .contains("timezone");
        assertThat(owner.post("/api/websites", Map.of("domain", "ok.example", "currency", "XYZ"))
                        .errorMessage())
                .contains("currency");
        assertThat(owner.post("/api/websites", Map.of("domain", 42)).errorMessage())
                .contains("domain");
        assertThat(owner.post("/api/websites", "[]").status()).isEqualTo(400);
        assertThat(owner.post(
                                "/api/websites",
                                Map.of("domain", "ok.example", "timezone", "America/New_York", "currency", "eur"))
                        .json()
                        .path("currency")
                        .asString())
                .isEqualTo("EUR");
    }

    @Test
    void website_bodies_are_checked_by_bean_validation_and_name_the_field() {
        ApiClient owner = newAccount();
        ApiClient.Response missing = owner.post("/api/websites", Map.of("name", "No domain"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.errorField()).isEqualTo("domain");
        assertThat(missing.errorMessage()).isEqualTo("Field 'domain' is required, e.g. \"example.com\".");

        ApiClient.Response longName =
                owner.post("/api/websites", Map.of("domain", "long.example", "name", "n".repeat(101)));
        assertThat(longName.status()).isEqualTo(400);
        assertThat(longName.errorField()).isEqualTo("name");

        ApiClient.Response wrongType = owner.post("/api/websites", "{\"domain\": \"t.example\", \"name\": {}}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.errorField()).isEqualTo("name");

        String id = owner.createWebsite("partial.example");
        ApiClient.Response tooMany =
                owner.patch("/api/websites/" + id, Map.of("excluded_paths", java.util.Collections.nCopies(101, "/a")));
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.errorField()).isEqualTo("excluded_paths");
        ApiClient.Response longEntry = owner.patch("/api/websites/" + id, Map.of("excluded_countries", List.of("DEU")));
        assertThat(longEntry.status()).isEqualTo(400);
        assertThat(longEntry.errorField()).isEqualTo("excluded_countries");
        ApiClient.Response nullEntry = owner.patch("/api/websites/" + id, "{\"excluded_paths\": [null]}");
        assertThat(nullEntry.status()).isEqualTo(400);
        assertThat(nullEntry.errorField()).isEqualTo("excluded_paths");
        ApiClient.Response unknown = owner.patch("/api/websites/" + id, Map.of("account_id", 7));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.errorField()).isEqualTo("account_id");
        assertThat(unknown.errorMessage()).isEqualTo("Field 'account_id' cannot be changed.");

        // Absent fields stay as they were.
        ApiClient.Response renamed = owner.patch("/api/websites/" + id, Map.of("name", "Partial"));
        assertThat(renamed.status()).isEqualTo(200);
        assertThat(renamed.json().path("domain").asString()).isEqualTo("partial.example");
        assertThat(renamed.json().path("name").asString()).isEqualTo("Partial");
        assertThat(renamed.json().path("timezone").asString()).isEqualTo("UTC");
    }

    @Test
    void patch_validates_and_stores_rules() {
        ApiClient owner = newAccount();
        String id = owner.createWebsite("rules.example");
        ApiClient.Response ok = owner.patch(
                "/api/websites/" + id,
                Map.of(
                        "name", "Rules",
                        "allowed_hostnames", List.of("App.Other.org", "*.shop.io"),
                        "excluded_ips", List.of("203.0.113.7", "2001:db8::/32"),
                        "excluded_paths", List.of("/admin/*"),
                        "excluded_countries", List.of("de")));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.json().path("allowed_hostnames").toString()).isEqualTo("[\"app.other.org\",\"*.shop.io\"]");
        assertThat(ok.json().path("excluded_countries").toString()).isEqualTo("[\"DE\"]");
        assertThat(owner.get("/api/websites/" + id).json().path("name").asString())
                .isEqualTo("Rules");

        assertThat(owner.patch("/api/websites/" + id, Map.of("excluded_ips", List.of("example.com")))
                        .errorMessage())
                .contains("excluded_ips");
        assertThat(owner.patch("/api/websites/" + id, Map.of("excluded_ips", List.of("10.0.0.0/99")))
                        .status())
                .isEqualTo(400);
        assertThat(owner.patch("/api/websites/" + id, Map.of("excluded_paths", List.of("admin")))
                        .errorMessage())
                .contains("excluded_paths");
        assertThat(owner.patch("/api/websites/" + id, Map.of("excluded_countries", List.of("XX")))
                        .errorMessage())
                .contains("excluded_countries");
        assertThat(owner.patch("/api/websites/" + id, Map.of("allowed_hostnames", "a.com"))
                        .errorMessage())
                .contains("allowed_hostnames");
        assertThat(owner.patch("/api/websites/" + id, Map.of("id", "mrf_other")).status())
                .isEqualTo(400);
    }

    @Test
    void another_accounts_website_is_404_on_every_route() {
        ApiClient alice = newAccount();
        ApiClient mallory = newAccount();
        String id = alice.createWebsite("private.example");

        assertThat(mallory.get("/api/websites/" + id).status()).isEqualTo(404);
        assertThat(mallory.patch("/api/websites/" + id, Map.of("name", "pwned")).status())
                .isEqualTo(404);
        assertThat(mallory.delete("/api/websites/" + id).status()).isEqualTo(404);
        assertThat(mallory.get("/api/websites").json().path("websites").size()).isZero();
        ApiClient.Response unknown = mallory.get("/api/websites/mrf_doesnotexist");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(mallory.get("/api/websites/" + id).errorMessage())
                .isEqualTo(unknown.errorMessage().replace("mrf_doesnotexist", id));

        assertThat(alice.get("/api/websites/" + id).json().path("name").asString())
                .isEqualTo("private.example");
    }

    @Test
    void deleting_a_website_removes_it() {
        ApiClient owner = newAccount();
        String id = owner.createWebsite("gone.example");
        assertThat(owner.delete("/api/websites/" + id).status()).isEqualTo(204);
        assertThat(owner.get("/api/websites/" + id).status()).isEqualTo(404);
        assertThat(newClient().get("/api/realtime?siteId=" + id).status()).isEqualTo(404);
    }
}
