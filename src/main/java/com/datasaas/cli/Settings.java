package com.datasaas.cli;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.app.DatabaseSettings;
import com.datasaas.events.ClickHouseSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * The server's configuration, for a command: the same sources (application.properties, DATASAAS_* environment
 * variables, -D system properties) bound to the same {@link DataSaasProperties}, {@link DatabaseSettings} and
 * {@link ClickHouseSettings}, in a context with nothing else in it, so a command starts in a second and opens no store
 * by itself.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({DataSaasProperties.class, DatabaseSettings.class, ClickHouseSettings.class})
class Settings {

    /**
     * Where the service keeps its data: the data dir, and in server mode PostgreSQL (metadata) and ClickHouse
     * (events), docs/server-mode.md.
     */
    record Stores(Path dataDir, DatabaseSettings database, ClickHouseSettings clickHouse) {

        /**
         * For a command that works on a data dir's embedded files only (backup, restore): why it must not run here,
         * naming the server stores and what backs them up instead; null when both stores are embedded.
         */
        String embeddedOnly(String command) {
            List<String> server = new ArrayList<>();
            List<String> instead = new ArrayList<>();
            if (database.serverMode()) {
                server.add("its metadata in PostgreSQL (DATASAAS_DATABASE_URL=" + database.safeUrl() + ")");
                instead.add("PostgreSQL with pg_dump (e.g. pg_dump -Fc -f datasaas-metadata.dump DATABASE; restore"
                        + " with pg_restore)");
            }
            if (clickHouse.configured()) {
                server.add("its events in ClickHouse (DATASAAS_CLICKHOUSE_URL)");
                instead.add("ClickHouse with its own backups (clickhouse-backup, or BACKUP DATABASE on ClickHouse"
                        + " 22.8+, or ALTER TABLE events FREEZE and a copy of the shadow directory)");
            }
            if (server.isEmpty()) return null;
            return "'" + command + "' works on the embedded stores of a data dir, but this install keeps "
                    + String.join(" and ", server)
                    + ", which it would not include: nothing was done. Back up and restore "
                    + String.join(", and ", instead) + "; see docs/server-mode.md, \"Backups\". (To work on an"
                    + " embedded data dir, run the command without DATASAAS_DATABASE_URL and DATASAAS_CLICKHOUSE_URL.)";
        }
    }

    static DataSaasProperties load() {
        return loaded().properties();
    }

    private record Loaded(DataSaasProperties properties, Stores stores) {}

    /** The data dir ({@code --data-dir} when given, else the configured one) and the server stores the service uses. */
    static Stores stores(Path dataDirOption) {
        Loaded loaded = loaded();
        Path dir = dataDirOption != null ? dataDirOption : loaded.properties().dataDir();
        return new Stores(dir, loaded.stores().database(), loaded.stores().clickHouse());
    }

    private static Loaded loaded() {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Settings.class)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .registerShutdownHook(false)
                .run()) {
            DataSaasProperties properties = context.getBean(DataSaasProperties.class);
            return new Loaded(
                    properties,
                    new Stores(
                            properties.dataDir(),
                            context.getBean(DatabaseSettings.class),
                            context.getBean(ClickHouseSettings.class)));
        }
    }

    /** The data dir: {@code --data-dir} when given, else the configured one. */
    static Path dataDir(Path option) {
        return option != null ? option : load().dataDir();
    }
}
