package com.datasaas.revenue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datasaas.app.DataSaasProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {

    static DataSaasProperties props(Path dir, String secretKey) {
        return new DataSaasProperties(dir, null, null, secretKey, null);
    }

    @Test
    void seals_and_opens_and_never_leaves_the_plain_text_in_the_sealed_value(@TempDir Path dir) {
        SecretBox box = new SecretBox(props(dir, null));
        String sealed = box.seal("sk_live_abcdef123456", "site/stripe/api_key");
        assertThat(sealed).doesNotContain("sk_live").doesNotContain("abcdef123456");
        assertThat(box.seal("sk_live_abcdef123456", "site/stripe/api_key")).isNotEqualTo(sealed);
        assertThat(box.open(sealed, "site/stripe/api_key")).isEqualTo("sk_live_abcdef123456");
    }

    @Test
    void a_value_sealed_for_one_site_does_not_open_for_another(@TempDir Path dir) {
        SecretBox box = new SecretBox(props(dir, null));
        String sealed = box.seal("sk_live_x", "site-a/stripe/api_key");
        assertThatThrownBy(() -> box.open(sealed, "site-b/stripe/api_key")).hasMessageContaining("Reconnect");
    }

    @Test
    void generates_an_owner_only_key_file_once_and_reuses_it(@TempDir Path dir) throws Exception {
        String sealed = new SecretBox(props(dir, null)).seal("k", "c");
        Path file = dir.resolve(SecretBox.KEY_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(Base64.getDecoder().decode(Files.readString(file).strip())).hasSize(32);
        assertThat(new SecretBox(props(dir, null)).open(sealed, "c")).isEqualTo("k");
    }

    @Test
    void uses_the_configured_key_and_rejects_a_malformed_one(@TempDir Path dir) {
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        String sealed = new SecretBox(props(dir, key)).seal("k", "c");
        assertThat(dir.resolve(SecretBox.KEY_FILE)).doesNotExist();
        assertThat(new SecretBox(props(dir, key)).open(sealed, "c")).isEqualTo("k");
        assertThatThrownBy(() -> new SecretBox(props(dir, "c2hvcnQ=")))
                .hasMessageContaining("32 bytes")
                .hasMessageContaining("openssl rand -base64 32");
        assertThatThrownBy(() -> new SecretBox(props(dir, "%%%"))).hasMessageContaining("base64");
    }
}
