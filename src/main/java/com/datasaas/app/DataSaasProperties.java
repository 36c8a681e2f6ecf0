package com.datasaas.app;

import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * Everything a self-hoster can set, bound from {@code DATASAAS_*} environment variables through Spring's relaxed
 * binding ({@code DATASAAS_DATA_DIR} becomes {@code datasaas.data-dir}).
 *
 * @param dataDir where the embedded stores live; created on first run
 * @param trustedProxies CIDRs whose forwarding headers (client address, {@code X-Forwarded-Proto}) are believed
 * @param registration who may sign up: first-user, open or closed
 * @param secretKey base64 AES key for provider secrets; generated into the data dir when absent
 * @param geoipDb MMDB files (comma separated) to locate visitors with; default: the DB-IP files the build fetched
 * @param clientIpHeader the header a trusted proxy puts the visitor's address in: {@code X-Forwarded-For} (default)
 *     or a single-address header such as {@code X-Real-IP}
 */
@ConfigurationProperties("datasaas")
public record DataSaasProperties(
        Path dataDir,
        List<String> trustedProxies,
        Registration registration,
        String secretKey,
        List<Path> geoipDb,
        String clientIpHeader) {

    public enum Registration {
        FIRST_USER,
        OPEN,
        CLOSED
    }

    @ConstructorBinding
    public DataSaasProperties {
        dataDir = dataDir == null ? Path.of("data") : dataDir;
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
        registration = registration == null ? Registration.FIRST_USER : registration;
        geoipDb = geoipDb == null ? List.of() : List.copyOf(geoipDb);
        clientIpHeader =
                clientIpHeader == null || clientIpHeader.isBlank() ? "X-Forwarded-For" : clientIpHeader.strip();
    }

    /** The settings most code and tests need; the forwarding header keeps its default. */
    public DataSaasProperties(
            Path dataDir,
            List<String> trustedProxies,
            Registration registration,
            String secretKey,
            List<Path> geoipDb) {
        this(dataDir, trustedProxies, registration, secretKey, geoipDb, null);
    }
}
