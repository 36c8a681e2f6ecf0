package com.datasaas.revenue;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.app.DatabaseSettings;
import com.datasaas.app.StartupFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Seals provider secrets (API keys, webhook signing secrets) with AES-256-GCM before they reach the metadata store.
 * The key is {@code DATASAAS_SECRET_KEY} (base64, 32 bytes) or, when that is unset, a random key written once to
 * {@code <dataDir>/secret.key} with owner-only permissions. Each value is bound to its row through the associated
 * data, so a sealed key copied to another site's row does not open.
 *
 * <p>In server mode (metadata in PostgreSQL) {@code DATASAAS_SECRET_KEY} is required and start-up stops without it:
 * every node must open the same sealed keys, and a key generated into one node's data dir would differ per node. The
 * key is deliberately not kept in PostgreSQL: a database dump (or a read-only leak of it) would then carry both the
 * sealed provider keys and the key that opens them.
 */
@Component
final class SecretBox {
    private static final Logger log = LoggerFactory.getLogger(SecretBox.class);
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    static final String KEY_FILE = "secret.key";

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    SecretBox(DataSaasProperties properties, DatabaseSettings database) {
        if (database.serverMode()
                && (properties.secretKey() == null || properties.secretKey().isBlank())) {
            throw new StartupFailure(
                    "DATASAAS_SECRET_KEY is not set. With the metadata in PostgreSQL (DATASAAS_DATABASE_URL) every"
                            + " node must open the same sealed payment-provider keys, so the key cannot be generated"
                            + " per node.",
                    "Generate one key with 'openssl rand -base64 32' and set it as DATASAAS_SECRET_KEY on every node"
                            + " (keep a copy apart from the database backups). Moving from an embedded install? Use"
                            + " the content of <data dir>/secret.key.",
                    null);
        }
        this.key = new SecretKeySpec(loadKey(properties), "AES");
    }

    String seal(String plain, String context) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Encrypting a provider secret failed", e);
        }
    }

    String open(String sealed, String context) {
        try {
            byte[] in = Base64.getDecoder().decode(sealed);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "A stored provider secret cannot be decrypted: was DATASAAS_SECRET_KEY or "
                            + KEY_FILE
                            + " changed? Reconnect the integration.",
                    e);
        }
    }

    private static byte[] loadKey(DataSaasProperties properties) {
        if (properties.secretKey() != null && !properties.secretKey().isBlank()) {
            return decode(properties.secretKey().strip(), "DATASAAS_SECRET_KEY");
        }
        Path file = properties.dataDir().resolve(KEY_FILE);
        try {
            Files.createDirectories(properties.dataDir());
            if (!Files.exists(file)) {
                byte[] fresh = new byte[KEY_BYTES];
                new SecureRandom().nextBytes(fresh);
                writeOwnerOnly(file, Base64.getEncoder().encodeToString(fresh));
                log.info("Generated a secret key for provider credentials at {}; back it up with the data", file);
            }
            return decode(Files.readString(file).strip(), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the secret key file " + file, e);
        }
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file); // not a POSIX file system (Windows): rely on the data dir's ACL
        } catch (FileAlreadyExistsException e) {
            return; // another node created it first
        }
        Files.writeString(file, content + "\n");
    }

    private static byte[] decode(String base64, String source) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    source + " is not valid base64; generate one with: openssl rand -base64 32");
        }
        if (bytes.length != KEY_BYTES) {
            throw new IllegalStateException(
                    source + " must decode to 32 bytes (got " + bytes.length + "); use: openssl rand -base64 32");
        }
        return bytes;
    }
}
