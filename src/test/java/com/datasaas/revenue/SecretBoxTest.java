package com.datasaas.revenue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.app.DatabaseSettings;
import com.datasaas.app.StartupFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {

    static final DatabaseSettings EMBEDDED = new DatabaseSettings(null, null, null);
    static final DatabaseSettings SERVER = new DatabaseSettings("jdbc:postgresql://db:5432/datasaas", "u", "p");

    static DataSaasProperties props(Path dir, String secretKey) {
        return new DataSaasProperties(dir, null, null, secretKey, null);
    }

    @Test
    void seals_and_opens_and_never_leaves_the_plain_text_in_the_sealed_value(@TempDir Path dir) {
        SecretBox box = new SecretBox(props(dir, null), EMBEDDED);
        String sealed = box.seal("sk_live_abcdef123456", "site/stripe/api_key");
        assertThat(sealed).doesNotContain("sk_live").doesNotContain("abcdef123456");
        assertThat(box.seal("sk_live_abcdef123456", "site/stripe/api_key")).isNotEqualTo(sealed);
        assertThat(box.open(sealed, "site/stripe/api_key")).isEqualTo("sk_live_abcdef123456");
    }

    @Test
    void a_value_sealed_for_one_site_does_not_open_for_another(@TempDir Path dir) {
        SecretBox box = new SecretBox(props(dir, null), EMBEDDED);
        String sealed = box.seal("sk_live_x", "site-a/stripe/api_key");
        assertThatThrownBy(() -> box.open(sealed, "site-b/stripe/api_key")).hasMessageContaining("Reconnect");
    }

    @Test
    void generates_an_owner_only_key_file_once_and_reuses_it(@TempDir Path dir) throws Exception {
        String sealed = new SecretBox(props(dir, null), EMBEDDED).seal("k", "c");
        Path file = dir.resolve(SecretBox.KEY_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(Base64.getDecoder().decode(Files.readString(file).strip())).hasSize(32);
        assertThat(new SecretBox(props(dir, null), EMBEDDED).open(sealed, "c")).isEqualTo("k");
    }

    @Test
    void uses_the_configured_key_and_rejects_a_malformed_one(@TempDir Path dir) {
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        String sealed = new SecretBox(props(dir, key), EMBEDDED).seal("k", "c");
        assertThat(dir.resolve(SecretBox.KEY_FILE)).doesNotExist();
        assertThat(new SecretBox(props(dir, key), EMBEDDED).open(sealed, "c")).isEqualTo("k");
        assertThatThrownBy(() -> new SecretBox(props(dir, "c2hvcnQ="), EMBEDDED))
                .hasMessageContaining("32 bytes")
                .hasMessageContaining("openssl rand -base64 32");
        assertThatThrownBy(() -> new SecretBox(props(dir, "%%%"), EMBEDDED)).hasMessageContaining("base64");
    }

    @Test
    void server_mode_refuses_to_start_without_a_configured_key_and_never_writes_one(@TempDir Path dir) {
        assertThatThrownBy(() -> new SecretBox(props(dir, null), SERVER))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining("DATASAAS_SECRET_KEY is not set")
                .satisfies(e -> assertThat(((StartupFailure) e).action()).contains("openssl rand -base64 32"));
        assertThat(dir.resolve(SecretBox.KEY_FILE)).doesNotExist();

        String key = Base64.getEncoder().encodeToString(new byte[32]);
        String sealed = new SecretBox(props(dir, key), SERVER).seal("k", "c");
        assertThat(new SecretBox(props(dir, key), EMBEDDED).open(sealed, "c")).isEqualTo("k");
    }
}
