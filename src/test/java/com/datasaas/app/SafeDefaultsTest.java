package com.datasaas.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.ApiClient;
import com.datasaas.support.RunningApp;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class SafeDefaultsTest extends RunningApp {
    @Autowired
    DataSaasProperties properties;

    @Test
    void get_error_directly_is_a_404_json_error_not_a_500() {
        ApiClient.Response response = newClient().get("/error");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.errorMessage()).isEqualTo("Not found.");
    }

    @Test
    void webhooks_answer_the_same_with_no_secret_and_with_a_wrong_signature() {
        ApiClient owner = newAccount();
        String withoutSecret = owner.createWebsite("nosecret.example");
        String withSecret = owner.createWebsite("secret.example");
        assertThat(owner.patch(
                                "/api/websites/" + withSecret + "/integrations/stripe",
                                Map.of("webhook_secret", "whsec_test_secret"))
                        .status())
                .isEqualTo(200);
        assertThat(owner.patch(
                                "/api/websites/" + withSecret + "/integrations/lemonsqueezy",
                                Map.of("webhook_secret", "lemon-test-secret"))
                        .status())
                .isEqualTo(200);
        String body = "{\"id\":\"evt_1\",\"object\":\"event\"}";
        for (String provider : List.of("stripe", "lemonsqueezy")) {
            String header = provider.equals("stripe") ? "Stripe-Signature" : "X-Signature";
            String signature = provider.equals("stripe") ? "t=1,v1=00" : "00";
            ApiClient.Response none = webhook(provider, withoutSecret, header, signature, body);
            ApiClient.Response wrong = webhook(provider, withSecret, header, signature, body);
            assertThat(none.status()).as(provider).isEqualTo(400);
            assertThat(wrong.status()).as(provider).isEqualTo(none.status());
            assertThat(wrong.body()).as(provider).isEqualTo(none.body());
        }
    }

    private ApiClient.Response webhook(String provider, String site, String header, String signature, String body) {
        ApiClient client = newClient();
        return client.raw(HttpRequest.newBuilder(URI.create(client.base() + "/api/webhooks/" + provider + "/" + site))
                .header("Content-Type", "application/json")
                .header(header, signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void the_data_dir_is_0700_and_every_file_in_it_0600() throws Exception {
        // write something so the databases have created their journal files
        newAccount().createWebsite("perms.example");
        Path dir = properties.dataDir();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
                .isEqualTo("rwx------");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(3));
        List<String> loose;
        do {
            try (Stream<Path> files = Files.list(dir)) {
                loose = files.filter(Files::isRegularFile)
                        .filter(f -> !permissions(f).equals("rw-------"))
                        .map(f -> f.getFileName() + " " + permissions(f))
                        .toList();
            }
            if (loose.isEmpty()) break;
            Thread.sleep(50);
        } while (Instant.now().isBefore(deadline));
        assertThat(loose).isEmpty();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).contains("datasaas.db", "events.duckdb");
        }
    }

    private static String permissions(Path file) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
        } catch (java.io.IOException e) {
            return "gone";
        }
    }

    @Test
    void cookies_are_secure_and_hsts_is_sent_when_a_trusted_proxy_says_https() {
        ApiClient client = newClient();
        String email = unique("tls") + "@example.com";
        client.signUp(email);
        ApiClient browser = newClient();
        browser.get("/api/me");
        ApiClient.Response overTls = browser.raw(HttpRequest.newBuilder(URI.create(browser.base() + "/api/auth/login"))
                .header("Content-Type", "application/json")
                .header("X-Forwarded-Proto", "https")
                .header("X-XSRF-TOKEN", browser.xsrfToken())
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\"}")));
        assertThat(overTls.status()).isEqualTo(200);
        String session = overTls.raw().headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("DATASAAS_SESSION="))
                .findFirst()
                .orElseThrow();
        assertThat(session).contains("Secure").contains("HttpOnly");
        assertThat(overTls.header("Strict-Transport-Security")).contains("max-age=");

        // plain HTTP (local development): no Secure flag, or the browser would drop the cookie
        ApiClient plain = newClient();
        ApiClient.Response signup = plain.post(
                "/api/auth/signup",
                Map.of("email", unique("plain") + "@example.com", "password", "correct horse battery"));
        String plainCookie = signup.raw().headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("DATASAAS_SESSION="))
                .findFirst()
                .orElseThrow();
        assertThat(plainCookie).doesNotContain("Secure");
        assertThat(signup.header("Strict-Transport-Security")).isNull();
    }

    @Test
    void every_html_answer_has_the_csp_and_is_not_cached() {
        for (String path : List.of("/", "/index.html", "/login", "/settings/account")) {
            ApiClient.Response page = newClient().get(path);
            assertThat(page.status()).as(path).isEqualTo(200);
            assertThat(page.header("Content-Type")).as(path).startsWith("text/html");
            assertThat(page.header("Content-Security-Policy"))
                    .as(path)
                    .contains("default-src 'self'")
                    .contains("frame-ancestors 'none'");
            assertThat(page.header("Cache-Control"))
                    .as(path)
                    .contains("no-cache")
                    .doesNotContain("max-age=31536000");
        }
    }

    @Test
    void the_csrf_token_is_bound_to_the_session_not_just_echoed() {
        ApiClient victim = newAccount();
        // An attacker who can plant a cookie (a sibling subdomain, plain HTTP) picks the cookie and the header; the
        // request goes out of a client with an empty cookie jar so only these cookies are sent.
        ApiClient.Response forged = newClient()
                .raw(HttpRequest.newBuilder(URI.create(victim.base() + "/api/websites"))
                        .header("Content-Type", "application/json")
                        .header("Cookie", "DATASAAS_SESSION=" + victim.sessionCookie() + "; XSRF-TOKEN=attacker-chosen")
                        .header("X-XSRF-TOKEN", "attacker-chosen")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"domain\":\"csrf-bound.example\"}")));
        assertThat(forged.status()).isEqualTo(403);
        assertThat(victim.post("/api/websites", Map.of("domain", "csrf-bound.example"))
                        .status())
                .isEqualTo(201);

        // another session's valid token does not work either
        ApiClient other = newAccount();
        ApiClient.Response borrowed = victim.raw(HttpRequest.newBuilder(URI.create(victim.base() + "/api/websites"))
                .header("Content-Type", "application/json")
                .header("X-XSRF-TOKEN", other.xsrfToken())
                .POST(HttpRequest.BodyPublishers.ofString("{\"domain\":\"csrf-bound2.example\"}")));
        assertThat(borrowed.status()).isEqualTo(403);
    }

    @Test
    void raw_brackets_in_the_query_string_work_as_documented() throws Exception {
        ApiClient owner = newAccount();
        String site = owner.createWebsite("brackets.example");
        String key = owner.post("/api/api-keys", Map.of("name", "raw", "scope", "read"))
                .json()
                .path("key")
                .asString();
        // Written to the socket by hand: no client library gets a chance to encode the brackets.
        String target = "/api/v1/overview?site_id=" + site + "&start=2026-01-01&end=2026-01-31&country[is]=US";
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key
                            + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String status = in.readLine();
            StringBuilder rest = new StringBuilder();
            for (String line = in.readLine(); line != null; line = in.readLine())
                rest.append(line).append('\n');
            assertThat(status).as(rest.toString()).isEqualTo("HTTP/1.1 200 ");
            assertThat(rest.toString()).contains("\"results\"");
        }
    }
}
