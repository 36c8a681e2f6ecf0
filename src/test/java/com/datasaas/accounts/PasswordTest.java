package com.datasaas.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.ApiClient;
import com.datasaas.support.RunningApp;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.crypto.password.PasswordEncoder;

class PasswordTest extends RunningApp {
    static final String PASSWORD = AuthTest.PASSWORD;
    static final String NEW_PASSWORD = "violet kettle orbit 42";

    @Autowired
    AccountRepository accounts;

    @Autowired
    PasswordEncoder passwords;

    private ApiClient.Response signUp(String email, String password, String name) {
        return newClient().post("/api/auth/signup", Map.of("email", email, "password", password, "name", name));
    }

    @Test
    void common_repeated_and_personal_passwords_are_refused_with_what_to_do() {
        String email = unique("weak") + "@example.com";
        for (String weak :
                new String[] {"password", "        ", "12345678", "qwertyuiop", email, email.toUpperCase()}) {
            ApiClient.Response response = signUp(email, weak, "Grace Hopper");
            assertThat(response.status()).as(weak).isEqualTo(400);
            assertThat(response.errorMessage()).as(weak).contains("'password'").contains("passphrase");
        }
        ApiClient.Response name = signUp(email, "Grace Hopper", "Grace Hopper");
        assertThat(name.status()).isEqualTo(400);
        assertThat(name.errorMessage()).contains("email address or name");
        ApiClient.Response emailPlusDigits = signUp(email, email + "1", "Grace Hopper");
        assertThat(emailPlusDigits.status()).isEqualTo(400);

        assertThat(signUp(email, PASSWORD, "Grace Hopper").status()).isEqualTo(201);
    }

    @Test
    void a_new_password_goes_through_the_same_policy() {
        String email = unique("change") + "@example.com";
        ApiClient client = newClient().signUp(email);
        ApiClient.Response weak =
                client.post("/api/me/password", Map.of("current_password", PASSWORD, "new_password", "password1"));
        assertThat(weak.status()).isEqualTo(400);
        assertThat(weak.errorMessage()).contains("'new_password'");
        ApiClient.Response own =
                client.post("/api/me/password", Map.of("current_password", PASSWORD, "new_password", email));
        assertThat(own.status()).isEqualTo(400);
    }

    @Test
    void changing_the_password_ends_every_other_session() {
        String email = unique("sessions") + "@example.com";
        ApiClient owner = newClient().signUp(email);
        ApiClient thief = newClient();
        assertThat(thief.post("/api/auth/login", Map.of("email", email, "password", PASSWORD))
                        .status())
                .isEqualTo(200);
        assertThat(thief.get("/api/me").status()).isEqualTo(200);

        ApiClient.Response changed =
                owner.post("/api/me/password", Map.of("current_password", PASSWORD, "new_password", NEW_PASSWORD));
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.json().path("sessions_ended").asInt()).isEqualTo(1);

        assertThat(thief.get("/api/me").status()).isEqualTo(401);
        assertThat(thief.post("/api/api-keys", Map.of("name", "stolen", "scope", "write"))
                        .status())
                .isIn(401, 403);
        assertThat(owner.get("/api/me").status()).isEqualTo(200);
        assertThat(owner.post("/api/api-keys", Map.of("name", "mine", "scope", "read"))
                        .status())
                .isEqualTo(201);
    }

    @Test
    void a_password_set_by_another_process_ends_the_sessions_that_logged_in_with_the_old_one() {
        // What the reset-password command does: write a new hash straight into the metadata store.
        ApiClient owner = newAccount();
        long id = owner.get("/api/me").json().path("id").asLong();
        accounts.updatePassword(id, passwords.encode(NEW_PASSWORD));
        assertThat(owner.get("/api/me").status()).isEqualTo(401);
        String email = accounts.findById(id).orElseThrow().email();
        ApiClient again = newClient();
        assertThat(again.post("/api/auth/login", Map.of("email", email, "password", NEW_PASSWORD))
                        .status())
                .isEqualTo(200);
        assertThat(again.get("/api/me").status()).isEqualTo(200);
    }

    @Test
    void changing_the_password_can_revoke_every_api_key() {
        String email = unique("keys") + "@example.com";
        ApiClient owner = newClient().signUp(email);
        String key = owner.post("/api/api-keys", Map.of("name", "ci", "scope", "write"))
                .json()
                .path("key")
                .asString();
        ApiClient withKey = newClient().withBearer(key);
        assertThat(withKey.get("/api/me").status()).isEqualTo(200);

        ApiClient.Response changed = owner.post(
                "/api/me/password",
                Map.of("current_password", PASSWORD, "new_password", NEW_PASSWORD, "revoke_api_keys", true));
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.json().path("api_keys_revoked").asInt()).isEqualTo(1);
        assertThat(withKey.get("/api/me").status()).isEqualTo(401);
    }

    @Test
    void keys_survive_a_password_change_unless_asked() {
        ApiClient owner = newAccount();
        String key = owner.post("/api/api-keys", Map.of("name", "ci", "scope", "read"))
                .json()
                .path("key")
                .asString();
        assertThat(owner.post("/api/me/password", Map.of("current_password", PASSWORD, "new_password", NEW_PASSWORD))
                        .status())
                .isEqualTo(200);
        assertThat(newClient().withBearer(key).get("/api/me").status()).isEqualTo(200);
    }
}
