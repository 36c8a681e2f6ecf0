package com.datasaas.revenue;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.ApiClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

@ExtendWith(OutputCaptureExtension.class)
class IntegrationEndpointsTest extends RevenueTestSupport {

    @Test
    void connecting_with_a_bad_key_fails_with_stripes_reason_in_plain_words() {
        ApiClient owner = newAccount();
        String site = owner.createWebsite("shop.example");
        ApiClient.Response r =
                connect(owner, site, Map.of("provider", "stripe", "api_key", "sk_test_wrongwrongwrong1234"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorMessage()).startsWith("Stripe rejected the API key: Invalid API Key provided");
        assertThat(r.body()).doesNotContain("sk_test_wrongwrongwrong1234");
        JsonNode status = status(owner, site, "stripe");
        assertThat(status.path("connected").asBoolean()).isFalse();
    }

    @Test
    void connecting_lemonsqueezy_with_a_bad_key_fails_with_its_reason() {
        ApiClient owner = newAccount();
        String site = owner.createWebsite("shop.example");
        ApiClient.Response r = connect(owner, site, Map.of("provider", "lemonsqueezy", "api_key", "not-a-key"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorMessage()).isEqualTo("Lemon Squeezy rejected the API key: Unauthenticated.");
    }

    @Test
    void integration_bodies_are_checked_by_bean_validation_and_keep_null_versus_absent() {
        ApiClient owner = newAccount();
        String site = owner.createWebsite("shop.example");
        String sync = "/api/websites/" + site + "/integrations/sync";
        ApiClient.Response longProvider = owner.post(sync, Map.of("provider", "p".repeat(65)));
        assertThat(longProvider.status()).isEqualTo(400);
        assertThat(longProvider.errorField()).isEqualTo("provider");
        ApiClient.Response wrongType = owner.post(sync, "{\"provider\": [\"stripe\"]}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.errorField()).isEqualTo("provider");

        // null removes the webhook secret, an absent field keeps it; a wrong type names the field.
        String whsec = "whsec_" + unique("sig").replace("-", "");
        assertThat(connect(
                                owner,
                                site,
                                Map.of("provider", "stripe", "api_key", stripeKey("Acme"), "webhook_secret", whsec))
                        .status())
                .isEqualTo(200);
        String patch = "/api/websites/" + site + "/integrations/stripe";
        assertThat(owner.patch(patch, Map.of())
                        .json()
                        .path("webhook_secret_set")
                        .asBoolean())
                .isTrue();
        ApiClient.Response wrongSecret = owner.patch(patch, "{\"webhook_secret\": 42}");
        assertThat(wrongSecret.status()).isEqualTo(400);
        assertThat(wrongSecret.errorField()).isEqualTo("webhook_secret");
        ApiClient.Response longKey = connect(owner, site, Map.of("provider", "stripe", "api_key", "k".repeat(513)));
        assertThat(longKey.status()).isEqualTo(400);
        assertThat(longKey.errorField()).isEqualTo("api_key");
        assertThat(owner.patch(patch, "{\"webhook_secret\": null}")
                        .json()
                        .path("webhook_secret_set")
                        .asBoolean())
                .isFalse();
    }

    @Test
    void unknown_provider_is_400_listing_the_supported_ones() {
        ApiClient owner = newAccount();
        String site = owner.createWebsite("shop.example");
        ApiClient.Response r = connect(owner, site, Map.of("provider", "paypal", "api_key", "x"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorMessage()).contains("paypal").contains("lemonsqueezy, stripe");
        assertThat(owner.get("/api/websites/" + site + "/integrations/status?provider=paypal")
                        .status())
                .isEqualTo(400);
    }

    @Test
    void a_connected_key_is_never_shown_logged_or_stored_in_plain_text(CapturedOutput output) throws IOException {
        ApiClient owner = newAccount();
        String site = owner.createWebsite("shop.example");
        String key = stripeKey("Acme Inc");
        String whsec = "whsec_" + unique("sig").replace("-", "");
        ApiClient.Response connected =
                connect(owner, site, Map.of("provider", "stripe", "api_key", key, "webhook_secret", whsec));
        assertThat(connected.status()).as(connected.toString()).isEqualTo(200);
        JsonNode body = connected.json();
        assertThat(body.path("connected").asBoolean()).isTrue();
        assertThat(body.path("account_name").asString()).isEqualTo("Acme Inc");
        assertThat(body.path("key_last4").asString()).isEqualTo("Zq9X");
        assertThat(body.path("webhook_secret_set").asBoolean()).isTrue();
        assertThat(body.path("sync").path("state").asString()).isEqualTo("idle");
        assertThat(body.has("last_synced_at")).isTrue();
        assertThat(body.has("last_error")).isTrue();
        assertThat(body.path("payments_synced").asLong()).isZero();

        JsonNode synced = syncAndWait(owner, site, "stripe");
        assertThat(synced.path("sync").path("state").asString()).isEqualTo("succeeded");
        assertThat(synced.path("sync").path("progress").asInt()).isEqualTo(100);
        assertThat(synced.path("last_synced_at").isNull()).isFalse();

        String all = owner.get("/api/websites/" + site + "/integrations/status").body()
                + connected.body()
                + synced.toString();
        assertThat(all).doesNotContain(key).doesNotContain(whsec);
        assertThat(output.getAll()).doesNotContain(key).doesNotContain(whsec);

        assertStoredOnlySealed(site, key, whsec);
    }

    /** The embedded store: no file of the data dir holds either secret; the generated key file is owner-only. */
    void assertStoredOnlySealed(String site, String key, String whsec) throws IOException {
        byte[] keyBytes = key.getBytes();
        try (Stream<Path> files = Files.list(properties.dataDir())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] content = Files.readAllBytes(file);
                assertThat(indexOf(content, keyBytes)).as(file.toString()).isEqualTo(-1);
                assertThat(indexOf(content, whsec.getBytes()))
                        .as(file.toString())
                        .isEqualTo(-1);
            }
        }
        Path secretKey = properties.dataDir().resolve(SecretBox.KEY_FILE);
        assertThat(secretKey).exists();
        assertThat(Files.getPosixFilePermissions(secretKey))
                .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    }

    @Test
    void another_account_can_neither_connect_nor_read_status_nor_sync_nor_disconnect() {
        ApiClient owner = newAccount();
        String site = owner.createWebsite("shop.example");
        assertThat(connect(owner, site, Map.of("provider", "stripe", "api_key", stripeKey("Mine")))
                        .status())
                .isEqualTo(200);
        ApiClient stranger = newAccount();
        String otherKey = stripeKey("Theirs");
        assertThat(connect(stranger, site, Map.of("provider", "stripe", "api_key", otherKey))
                        .status())
                .isEqualTo(404);
        assertThat(stranger.get("/api/websites/" + site + "/integrations/status?provider=stripe")
                        .status())
                .isEqualTo(404);
        assertThat(stranger.post("/api/websites/" + site + "/integrations/sync", Map.of())
                        .status())
                .isEqualTo(404);
        assertThat(stranger.delete("/api/websites/" + site + "/integrations/disconnect?provider=stripe")
                        .status())
                .isEqualTo(404);
        assertThat(stranger.get("/api/v1/payments?site_id=" + site).status()).isEqualTo(404);
        assertThat(stranger.post(
                                "/api/v1/payments?site_id=" + site,
                                Map.of("amount", 1, "currency", "USD", "transaction_id", "x"))
                        .status())
                .isEqualTo(404);
        assertThat(status(owner, site, "stripe").path("account_name").asString())
                .isEqualTo("Mine");
    }

    @Test
    void a_read_only_key_cannot_connect_or_sync_but_can_read_status() {
        ApiClient owner = newAccount();
        String site = owner.createWebsite("shop.example");
        ApiClient.Response created = owner.post("/api/api-keys", Map.of("name", "ro", "scope", "read"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        ApiClient reader = newClient().withBearer(created.json().path("key").asString());
        assertThat(connect(reader, site, Map.of("provider", "stripe", "api_key", stripeKey("X")))
                        .status())
                .isEqualTo(403);
        assertThat(reader.post("/api/websites/" + site + "/integrations/sync", Map.of())
                        .status())
                .isEqualTo(403);
        assertThat(reader.get("/api/websites/" + site + "/integrations/status?provider=stripe")
                        .status())
                .isEqualTo(200);
    }

    @Test
    void a_second_sync_while_one_runs_is_409_and_disconnect_keeps_payments() {
        ApiClient owner = newAccount();
        String site = owner.createWebsite("shop.example");
        String key = stripeKey("Slow");
        STRIPE.accounts
                .get(key)
                .add("charges", FakeStripe.charge("ch_slow1", "pi_slow1", 1000, "usd", now(), 0, null, null, null));
        assertThat(connect(owner, site, Map.of("provider", "stripe", "api_key", key))
                        .status())
                .isEqualTo(200);
        STRIPE.delayMillis = 150;
        try {
            assertThat(owner.post("/api/websites/" + site + "/integrations/sync", Map.of())
                            .status())
                    .isEqualTo(202);
            ApiClient.Response second = owner.post("/api/websites/" + site + "/integrations/sync", Map.of());
            assertThat(second.status()).isEqualTo(409);
            assertThat(second.errorMessage()).contains("already running");
            JsonNode running = status(owner, site, "stripe");
            assertThat(running.path("sync").path("state").asString()).isEqualTo("running");
            assertThat(running.path("sync").path("progress").asInt()).isBetween(0, 100);
        } finally {
            STRIPE.delayMillis = 0;
        }
        awaitSync(owner, site, "stripe");
        assertThat(status(owner, site, "stripe").path("payments_synced").asLong())
                .isEqualTo(1);

        ApiClient.Response disconnected =
                owner.delete("/api/websites/" + site + "/integrations/disconnect?provider=stripe");
        assertThat(disconnected.status()).isEqualTo(200);
        assertThat(disconnected.json().path("connected").asBoolean()).isFalse();
        assertThat(disconnected.json().path("payments_synced").asLong()).isEqualTo(1);
        assertThat(payments(owner, site).path("totals").path("payments").asInt())
                .isEqualTo(1);
        ApiClient.Response sync = owner.post("/api/websites/" + site + "/integrations/sync", Map.of());
        assertThat(sync.status()).isEqualTo(400);
        assertThat(sync.errorMessage()).contains("connect");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }
}
