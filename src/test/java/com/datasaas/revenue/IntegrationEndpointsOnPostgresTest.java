package com.datasaas.revenue;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.MetadataOnPostgres;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Every test of {@link IntegrationEndpointsTest}, with the metadata (integrations, payments) in PostgreSQL. */
@MetadataOnPostgres
class IntegrationEndpointsOnPostgresTest extends IntegrationEndpointsTest {
    @Autowired
    JdbcClient metadata;

    /**
     * Server mode: the integration's row in PostgreSQL holds neither secret in plain text, and no key file is written
     * (the key comes from DATASAAS_SECRET_KEY, the same on every node).
     */
    @Override
    void assertStoredOnlySealed(String site, String key, String whsec) {
        List<Map<String, Object>> rows = metadata.sql("SELECT * FROM integrations WHERE website_id = ?")
                .param(site)
                .query()
                .listOfRows();
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("api_key_sealed")).isNotNull();
        assertThat(rows.get(0).toString()).doesNotContain(key).doesNotContain(whsec);
        assertThat(properties.dataDir().resolve(SecretBox.KEY_FILE)).doesNotExist();
    }
}
