package com.datasaas.app;

import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Everything a self-hoster can set, bound from {@code DATASAAS_*} environment variables through Spring's relaxed
 * binding ({@code DATASAAS_DATA_DIR} becomes {@code datasaas.data-dir}).
 *
 * @param dataDir where the embedded stores live; created on first run
 * @param trustedProxies CIDRs whose {@code X-Forwarded-For}/{@code X-Real-IP} headers are believed
 * @param registration who may sign up: first-user, open or closed
 * @param secretKey base64 AES key for provider secrets; generated into the data dir when absent
 * @param geoipDb MMDB files (comma separated) to locate visitors with; default: the DB-IP files the build fetched
 */
@ConfigurationProperties("datasaas")
public record DataSaasProperties(
        Path dataDir, List<String> trustedProxies, Registration registration, String secretKey, List<Path> geoipDb) {

    public enum Registration {
        FIRST_USER,
        OPEN,
        CLOSED
    }

    public DataSaasProperties {
        dataDir = dataDir == null ? Path.of("data") : dataDir;
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
        registration = registration == null ? Registration.FIRST_USER : registration;
        geoipDb = geoipDb == null ? List.of() : List.copyOf(geoipDb);
    }
}
