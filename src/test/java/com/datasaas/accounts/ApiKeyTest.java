package com.datasaas.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.support.ApiClient;
import com.datasaas.support.RunningApp;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class ApiKeyTest extends RunningApp {
    @Autowired
    DataSaasProperties properties;

    String createKey(ApiClient owner, String scope, String websiteId) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "ci " + scope);
        body.put("scope", scope);
        if (websiteId != null) body.put("website_id", websiteId);
        ApiClient.Response response = owner.post("/api/api-keys", body);
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.json().path("key").asString();
    }

    @Test
    void key_is_shown_once_listed_masked_and_stored_only_as_a_hash() throws Exception {
        ApiClient owner = newAccount();
        ApiClient.Response created = owner.post("/api/api-keys", Map.of("name", "deploy", "scope", "read"));
        assertThat(created.status()).isEqualTo(201);
        String key = created.json().path("key").asString();
        assertThat(key).matches("ds_live_[A-Za-z0-9]{32}");
        assertThat(created.json().path("scope").asString()).isEqualTo("read");
        assertThat(created.json().path("id").asString()).isNotBlank();

        ApiClient.Response listed = owner.get("/api/api-keys");
        assertThat(listed.body()).doesNotContain(key).contains("deploy");
        assertThat(listed.json().path("api_keys").get(0).path("key_hint").asString())
                .startsWith("ds_live_")
                .doesNotContain(key.substring(12, 28));

        // The SQLite file (and its WAL) never holds the key in clear text.
        byte[] secret = key.getBytes();
        for (String file : new String[] {"datasaas.db", "datasaas.db-wal"}) {
            var path = properties.dataDir().resolve(file);
            if (Files.exists(path)) {
                assertThat(indexOf(Files.readAllBytes(path), secret)).as(file).isEqualTo(-1);
            }
        }
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }

    @Test
    void bearer_key_authenticates_without_csrf_and_read_keys_cannot_mutate() {
        ApiClient owner = newAccount();
        String siteId = owner.createWebsite("keys.example");
        ApiClient reader = newClient().withBearer(createKey(owner, "read", null));
        ApiClient writer = newClient().withBearer(createKey(owner, "write", null));

        assertThat(reader.get("/api/me").json().path("auth").asString()).isEqualTo("api_key");
        assertThat(reader.get("/api/websites/" + siteId).status()).isEqualTo(200);
        ApiClient.Response forbidden = reader.patch("/api/websites/" + siteId, Map.of("name", "renamed"));
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.errorMessage()).contains("read-only");
        assertThat(reader.post("/api/websites", Map.of("domain", "more.example"))
                        .status())
                .isEqualTo(403);

        assertThat(writer.patch("/api/websites/" + siteId, Map.of("name", "renamed"))
                        .status())
                .isEqualTo(200);
        assertThat(writer.post("/api/websites", Map.of("domain", "more.example"))
                        .status())
                .isEqualTo(201);
    }

    @Test
    void website_scoped_key_sees_only_its_website() {
        ApiClient owner = newAccount();
        String mine = owner.createWebsite("scoped.example");
        String other = owner.createWebsite("other.example");
        ApiClient scoped = newClient().withBearer(createKey(owner, "write", mine));

        assertThat(scoped.get("/api/websites/" + mine).status()).isEqualTo(200);
        assertThat(scoped.get("/api/websites/" + other).status()).isEqualTo(404);
        assertThat(scoped.delete("/api/websites/" + other).status()).isEqualTo(404);
        assertThat(scoped.get("/api/websites").json().path("websites").size()).isEqualTo(1);
        assertThat(scoped.post("/api/websites", Map.of("domain", "new.example")).status())
                .isEqualTo(403);
        assertThat(scoped.post("/api/api-keys", Map.of("name", "x", "scope", "write"))
                        .status())
                .isEqualTo(403);
    }

    @Test
    void revoked_and_made_up_keys_are_401() {
        ApiClient owner = newAccount();
        ApiClient.Response created = owner.post("/api/api-keys", Map.of("name", "temp", "scope", "read"));
        String id = created.json().path("id").asString();
        ApiClient client = newClient().withBearer(created.json().path("key").asString());
        assertThat(client.get("/api/me").status()).isEqualTo(200);

        assertThat(owner.delete("/api/api-keys/" + id).status()).isEqualTo(204);
        assertThat(client.get("/api/me").status()).isEqualTo(401);
        assertThat(owner.delete("/api/api-keys/" + id).status()).isEqualTo(404);
        assertThat(newClient()
                        .withBearer("ds_live_" + "x".repeat(32))
                        .get("/api/me")
                        .status())
                .isEqualTo(401);
        assertThat(newClient().withBearer("garbage").get("/api/websites").status())
                .isEqualTo(401);
    }

    @Test
    void keys_of_another_account_cannot_be_revoked_or_scoped_to_its_websites() {
        ApiClient alice = newAccount();
        ApiClient mallory = newAccount();
        String aliceSite = alice.createWebsite("alice.example");
        String aliceKey = alice.post("/api/api-keys", Map.of("name", "a", "scope", "read"))
                .json()
                .path("id")
                .asString();
        assertThat(mallory.delete("/api/api-keys/" + aliceKey).status()).isEqualTo(404);
        assertThat(mallory.post("/api/api-keys", Map.of("name", "m", "scope", "read", "website_id", aliceSite))
                        .status())
                .isEqualTo(404);
        assertThat(mallory.post("/api/api-keys", Map.of("name", "m", "scope", "admin"))
                        .errorMessage())
                .contains("scope");
    }
}
