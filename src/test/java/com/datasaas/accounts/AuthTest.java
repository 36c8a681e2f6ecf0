package com.datasaas.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.ApiClient;
import com.datasaas.support.RunningApp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthTest extends RunningApp {
    static final String PASSWORD = "correct horse battery";

    @Test
    void signup_starts_a_session_and_me_answers_with_the_account() {
        ApiClient client = newClient();
        String email = unique("Signup") + "@Example.com";
        ApiClient.Response signup =
                client.post("/api/auth/signup", Map.of("email", email, "password", PASSWORD, "name", "Ada"));
        assertThat(signup.status()).isEqualTo(201);
        assertThat(signup.json().path("email").asString()).isEqualTo(email.toLowerCase());
        assertThat(signup.body()).doesNotContain("password");

        ApiClient.Response me = client.get("/api/me");
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().path("name").asString()).isEqualTo("Ada");
        assertThat(me.json().path("auth").asString()).isEqualTo("session");
    }

    @Test
    void session_cookie_is_http_only_and_same_site_lax() {
        ApiClient client = newClient();
        ApiClient.Response signup = client.post(
                "/api/auth/signup", Map.of("email", unique("cookie") + "@example.com", "password", PASSWORD));
        String cookie = signup.raw().headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("DATASAAS_SESSION="))
                .findFirst()
                .orElseThrow();
        assertThat(cookie).contains("HttpOnly").containsIgnoringCase("SameSite=Lax");
    }

    @Test
    void login_logout_and_one_generic_message_for_wrong_email_or_password() {
        String email = unique("login") + "@example.com";
        newClient().signUp(email);

        ApiClient client = newClient();
        ApiClient.Response wrongPassword =
                client.post("/api/auth/login", Map.of("email", email, "password", "wrong password"));
        ApiClient.Response unknownEmail = client.post(
                "/api/auth/login", Map.of("email", unique("nobody") + "@example.com", "password", PASSWORD));
        assertThat(wrongPassword.status()).isEqualTo(401);
        assertThat(unknownEmail.status()).isEqualTo(401);
        assertThat(wrongPassword.errorMessage()).isEqualTo(unknownEmail.errorMessage());

        assertThat(client.post("/api/auth/login", Map.of("email", email, "password", PASSWORD))
                        .status())
                .isEqualTo(200);
        assertThat(client.get("/api/me").status()).isEqualTo(200);
        assertThat(client.post("/api/auth/logout", Map.of()).status()).isEqualTo(204);
        assertThat(client.get("/api/me").status()).isEqualTo(401);
    }

    @Test
    void unauthenticated_requests_are_401_with_a_json_error() {
        ApiClient anonymous = newClient();
        for (String path : new String[] {"/api/me", "/api/websites", "/api/api-keys"}) {
            ApiClient.Response response = anonymous.get(path);
            assertThat(response.status()).as(path).isEqualTo(401);
            assertThat(response.errorMessage()).contains("Log in");
        }
        assertThat(anonymous.post("/api/websites", Map.of("domain", "x.com")).status())
                .isEqualTo(401);
    }

    @Test
    void cookie_session_mutations_need_the_csrf_token() {
        ApiClient client = newAccount();
        ApiClient.Response forged = client.postWithoutCsrf("/api/websites", Map.of("domain", "csrf.example"));
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.errorMessage()).contains("X-XSRF-TOKEN");

        ApiClient.Response wrongToken = client.raw(HttpRequest.newBuilder(URI.create(client.base() + "/api/websites"))
                .header("Content-Type", "application/json")
                .header("X-XSRF-TOKEN", "not-the-token")
                .POST(HttpRequest.BodyPublishers.ofString("{\"domain\":\"csrf.example\"}")));
        assertThat(wrongToken.status()).isEqualTo(403);

        assertThat(client.post("/api/websites", Map.of("domain", "csrf.example"))
                        .status())
                .isEqualTo(201);
    }

    @Test
    void signup_validates_its_input() {
        ApiClient client = newClient();
        assertThat(client.post("/api/auth/signup", Map.of("email", "not-an-email", "password", PASSWORD))
                        .errorMessage())
                .contains("email");
        assertThat(client.post(
                                "/api/auth/signup",
                                Map.of("email", unique("short") + "@example.com", "password", "short"))
                        .errorMessage())
                .contains("at least 8");
        assertThat(client.post("/api/auth/signup", "").status()).isEqualTo(400);
        assertThat(client.post("/api/auth/signup", "{\"email\": [1]}").status()).isEqualTo(400);

        String email = unique("dup") + "@example.com";
        newClient().signUp(email);
        ApiClient.Response duplicate =
                newClient().post("/api/auth/signup", Map.of("email", email.toUpperCase(), "password", PASSWORD));
        assertThat(duplicate.status()).isEqualTo(409);
    }

    @Test
    void auth_bodies_are_checked_by_bean_validation_and_name_the_field() {
        ApiClient client = newClient();
        ApiClient.Response wrongType = client.post("/api/auth/signup", "{\"email\": [1], \"password\": \"x\"}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.errorField()).isEqualTo("email");
        assertThat(wrongType.errorMessage()).contains("'email'");

        ApiClient.Response missing = client.post("/api/auth/signup", Map.of("password", PASSWORD));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.errorField()).isEqualTo("email");
        assertThat(missing.errorMessage()).isEqualTo("Field 'email' is required.");

        ApiClient.Response longName = client.post(
                "/api/auth/signup",
                Map.of("email", unique("long") + "@example.com", "password", PASSWORD, "name", "n".repeat(101)));
        assertThat(longName.status()).isEqualTo(400);
        assertThat(longName.errorField()).isEqualTo("name");
        assertThat(longName.errorMessage()).isEqualTo("Field 'name' must be at most 100 characters.");

        ApiClient.Response shortPassword =
                client.post("/api/auth/signup", Map.of("email", unique("short") + "@example.com", "password", "short"));
        assertThat(shortPassword.errorField()).isEqualTo("password");
        assertThat(shortPassword.errorMessage()).startsWith("Field 'password' must be at least 8 characters");

        ApiClient.Response noPassword = client.post("/api/auth/login", Map.of("email", "a@example.com"));
        assertThat(noPassword.status()).isEqualTo(400);
        assertThat(noPassword.errorField()).isEqualTo("password");

        ApiClient signedIn = newClient().signUp(unique("change") + "@example.com");
        ApiClient.Response badFlag = signedIn.post(
                "/api/me/password",
                "{\"current_password\": \"" + PASSWORD + "\", \"new_password\": \"violet kettle orbit 42\","
                        + " \"revoke_api_keys\": \"maybe\"}");
        assertThat(badFlag.status()).isEqualTo(400);
        assertThat(badFlag.errorField()).isEqualTo("revoke_api_keys");
        ApiClient.Response noNew = signedIn.post("/api/me/password", Map.of("current_password", PASSWORD));
        assertThat(noNew.status()).isEqualTo(400);
        assertThat(noNew.errorField()).isEqualTo("new_password");
    }

    @Test
    void repeated_failed_logins_for_one_account_are_throttled_with_429() {
        String email = unique("throttle") + "@example.com";
        newClient().signUp(email);
        ApiClient attacker = newClient();
        for (int i = 0; i < LoginThrottle.FAILURES_PER_ACCOUNT_AND_ADDRESS; i++) {
            assertThat(attacker.post("/api/auth/login", Map.of("email", email, "password", "guess" + i))
                            .status())
                    .isEqualTo(401);
        }
        ApiClient.Response throttled = attacker.post("/api/auth/login", Map.of("email", email, "password", PASSWORD));
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.header("Retry-After")).isNotNull();
    }

    @Test
    void password_can_be_changed_with_the_current_one() {
        String email = unique("pw") + "@example.com";
        ApiClient client = newClient().signUp(email);
        assertThat(client.post(
                                "/api/me/password",
                                Map.of("current_password", "wrong", "new_password", "violet kettle orbit 42"))
                        .status())
                .isEqualTo(400);
        assertThat(client.post(
                                "/api/me/password",
                                Map.of("current_password", PASSWORD, "new_password", "violet kettle orbit 42"))
                        .status())
                .isEqualTo(200);
        assertThat(newClient()
                        .post("/api/auth/login", Map.of("email", email, "password", "violet kettle orbit 42"))
                        .status())
                .isEqualTo(200);
    }
}
