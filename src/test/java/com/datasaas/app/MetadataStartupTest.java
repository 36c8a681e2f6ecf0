package com.datasaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datasaas.support.PostgresServer;
import com.zaxxer.hikari.HikariDataSource;
import java.net.ServerSocket;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Server mode refuses to start, with one message saying what to do, when the metadata database cannot be used. */
class MetadataStartupTest {
    final MetadataStoreConfiguration configuration = new MetadataStoreConfiguration();

    @Test
    void an_unreachable_database_stops_the_start_with_one_message() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        DatabaseSettings settings = new DatabaseSettings(
                "jdbc:postgresql://127.0.0.1:" + closedPort + "/datasaas?password=secret", "datasaas", "pw");
        assertThatThrownBy(() -> configuration.metadataDataSource(null, settings))
                .isInstanceOf(StartupFailure.class)
                .satisfies(e -> {
                    FailureAnalysis analysis = new StartupFailureAnalyzer().analyze(e);
                    assertThat(analysis.getDescription())
                            .startsWith("Cannot connect to the metadata database jdbc:postgresql://127.0.0.1:"
                                    + closedPort + "/datasaas as user 'datasaas'")
                            .doesNotContain("secret");
                    assertThat(analysis.getAction()).contains("DATASAAS_DATABASE_URL");
                });
    }

    @Test
    void a_url_of_another_database_is_refused_before_connecting() {
        DatabaseSettings settings = new DatabaseSettings("jdbc:mysql://db/datasaas", "u", "p");
        assertThatThrownBy(() -> configuration.metadataDataSource(null, settings))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining("not a PostgreSQL JDBC URL");
    }

    @Test
    void a_schema_upgraded_by_a_newer_release_stops_the_start_and_is_left_untouched() {
        DatabaseSettings settings =
                new DatabaseSettings(PostgresServer.shared().newDatabase("schema"), PostgresServer.USER, "");
        DataSource dataSource = configuration.metadataDataSource(null, settings);
        try {
            Flyway flyway = Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration/postgresql")
                    .load();
            configuration.migrationStrategy(settings).migrate(flyway); // a fresh database is migrated
            JdbcClient jdbc = JdbcClient.create(dataSource);
            int known = jdbc.sql("SELECT max(installed_rank) FROM flyway_schema_history")
                    .query(Integer.class)
                    .single();
            // What a newer release leaves behind: a migration this release does not have.
            jdbc.sql("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,"
                            + " checksum, installed_by, execution_time, success) VALUES (?, '999', 'from the future',"
                            + " 'SQL', 'V999__future.sql', 0, 'postgres', 1, true)")
                    .param(known + 1)
                    .update();

            assertThatThrownBy(() -> configuration.migrationStrategy(settings).migrate(flyway))
                    .isInstanceOf(StartupFailure.class)
                    .hasMessageContaining("has schema version 999, newer than this release of DataSaaS knows")
                    .satisfies(e -> assertThat(((StartupFailure) e).action()).contains("restore the backup"));
        } finally {
            ((HikariDataSource) dataSource).close();
        }
    }
}
