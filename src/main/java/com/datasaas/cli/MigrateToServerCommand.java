package com.datasaas.cli;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.app.DatabaseSettings;
import com.datasaas.events.ClickHouseEventStore;
import com.datasaas.events.ClickHouseSettings;
import com.datasaas.events.DuckDbEventStore;
import com.datasaas.migration.EventCopy;
import com.datasaas.migration.MetadataCopy;
import com.datasaas.migration.Verification;
import com.datasaas.revenue.SecretKeyChange;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Moves a stopped embedded install to server mode: metadata SQLite to PostgreSQL, events DuckDB to ClickHouse, the
 * provider secrets to DATASAAS_SECRET_KEY, then compares both sides. Every step can run again: rows already copied are
 * kept, events resume after the last batch ClickHouse recorded. docs/migration.md.
 */
@Command(
        name = "migrate-to-server",
        mixinStandardHelpOptions = true,
        description = {
            "Copy a stopped embedded install (data dir) to server mode: metadata into the PostgreSQL of"
                    + " DATASAAS_DATABASE_URL, events into the ClickHouse of DATASAAS_CLICKHOUSE_URL, then verify.",
            "Safe to run again after an interruption: it resumes. Exit code 0: copied and verified; 2: the"
                    + " verification found a difference; 1: it could not run. See docs/migration.md."
        })
final class MigrateToServerCommand implements Callable<Integer> {
    static final String MIGRATION_NODE_DIR = "migration";

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "The embedded install's data dir (default: DATASAAS_DATA_DIR, as the service).")
    Path dataDir;

    @Option(
            names = "--batch-size",
            paramLabel = "N",
            defaultValue = "50000",
            description = "Events per ClickHouse insert (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--verify-only", description = "Only compare the embedded install with the server stores.")
    boolean verifyOnly;

    @Spec
    CommandSpec spec;

    /** Test seams: the target's settings instead of the environment, and a hook after each event batch. */
    Target target;

    EventCopy.AfterBatch afterBatch = batches -> {};

    /** Where to move to: the same settings the service reads in server mode. */
    record Target(Path dataDir, DatabaseSettings database, ClickHouseSettings clickHouse, String secretKey) {}

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Target t = target != null ? target : load();
        Path dir = dataDir != null ? dataDir : t.dataDir();
        String problem = problem(t, dir);
        if (problem != null) {
            err.println(problem);
            return 1;
        }
        if (batchSize < 1) {
            err.println("--batch-size must be at least 1.");
            return 1;
        }
        try (EventStoreLock lock = EventStoreLock.open(dir)) {
            // Only proves the service is stopped; the store below opens the file for the whole run.
        } catch (EventStoreLock.Held e) {
            err.println(e.getMessage() + " Stop the service (systemctl stop datasaas) and run this command again:"
                    + " the embedded stores must not change while they are copied.");
            return 1;
        }
        String sourceKey = embeddedKey(dir);
        String targetKey = t.secretKey().strip();
        DataSaasProperties embedded = new DataSaasProperties(dir, List.of(), null, null, List.of());
        DuckDbEventStore events = new DuckDbEventStore(embedded);
        try (Connection sqlite = DriverManager.getConnection(
                        "jdbc:sqlite:" + dir.resolve("datasaas.db").toAbsolutePath());
                Connection postgres = DriverManager.getConnection(
                        t.database().url(), t.database().user(), t.database().password())) {
            MetadataCopy metadata = new MetadataCopy(sqlite, postgres, out);
            ClickHouseEventStore clickHouse;
            if (!verifyOnly) {
                out.println("1/4 Metadata schema in " + t.database().safeUrl() + " (Flyway)");
                out.flush();
                MetadataCopy.migrateSchema(
                        t.database().url(), t.database().user(), t.database().password());
                out.println("2/4 Metadata rows");
                out.flush();
                metadata.copyAll();
                out.println("3/4 Payment-provider secrets");
                if (sourceKey != null && !sourceKey.equals(targetKey)) {
                    SecretKeyChange.Outcome outcome = SecretKeyChange.reseal(postgres, sourceKey, targetKey);
                    out.printf(
                            "  %d re-sealed from %s to DATASAAS_SECRET_KEY, %d already under it%n",
                            outcome.resealed(), dir.resolve("secret.key"), outcome.unchanged());
                } else {
                    out.println("  the embedded install used DATASAAS_SECRET_KEY already: nothing to re-seal");
                }
                out.println("4/4 Events into " + t.clickHouse().url() + " in batches of " + batchSize);
                out.flush();
                clickHouse = migrationStore(t.clickHouse(), dir);
                EventCopy.Result copied =
                        new EventCopy(events, clickHouse, batchSize, out, Clock.systemUTC(), afterBatch).run();
                out.printf("  %,d events written in this run, %,d in all%n", copied.written(), copied.total());
            } else {
                clickHouse = migrationStore(t.clickHouse(), dir);
            }
            out.println("Verification");
            List<Verification.Check> checks =
                    new ArrayList<>(new Verification(sqlite, postgres, events, clickHouse).run(metadata.tables()));
            int closed = SecretKeyChange.notOpening(postgres, targetKey);
            checks.add(new Verification.Check("-", "provider secrets not opening", "0", Integer.toString(closed)));
            if (!Verification.print(checks, out)) {
                err.println("The server stores differ from the embedded install (lines marked DIFFERENT). Run this"
                        + " command again to resume the copy; if a difference stays, keep running the embedded"
                        + " install and report it.");
                return 2;
            }
            out.println("Done: the server stores hold the embedded install. Start the service with the same"
                    + " DATASAAS_DATABASE_*, DATASAAS_CLICKHOUSE_* and DATASAAS_SECRET_KEY on every node.");
            return 0;
        } finally {
            events.close();
        }
    }

    /** What stops the migration before it starts, as a message a person can act on; null when nothing does. */
    private static String problem(Target t, Path dir) {
        if (t.database().url() == null || !t.database().url().startsWith("jdbc:postgresql:")) {
            return "Set DATASAAS_DATABASE_URL to the PostgreSQL database to move the metadata to"
                    + " (jdbc:postgresql://HOST:5432/DATABASE), with DATASAAS_DATABASE_USER and"
                    + " DATASAAS_DATABASE_PASSWORD.";
        }
        if (!t.clickHouse().configured()) {
            return "Set DATASAAS_CLICKHOUSE_URL to the ClickHouse database to move the events to"
                    + " (http://HOST:8123/DATABASE), with DATASAAS_CLICKHOUSE_USER and DATASAAS_CLICKHOUSE_PASSWORD.";
        }
        if (t.secretKey() == null || t.secretKey().isBlank()) {
            return "Set DATASAAS_SECRET_KEY: server mode needs it on every node. To keep the embedded install's key,"
                    + " use the content of " + dir.resolve("secret.key") + " (export DATASAAS_SECRET_KEY=\"$(cat "
                    + dir.resolve("secret.key") + ")\"); a new key (openssl rand -base64 32) works too: the"
                    + " stored provider secrets are re-sealed with it.";
        }
        if (!Files.isRegularFile(dir.resolve("datasaas.db"))) {
            return "No embedded install at " + dir.toAbsolutePath()
                    + " (no datasaas.db): set DATASAAS_DATA_DIR or --data-dir to the folder the service used.";
        }
        return null;
    }

    /** The key the embedded install sealed with when it generated one; null when it used DATASAAS_SECRET_KEY. */
    private static String embeddedKey(Path dir) throws IOException {
        Path file = dir.resolve("secret.key");
        return Files.isRegularFile(file) ? Files.readString(file).strip() : null;
    }

    /**
     * The ClickHouse store the copy writes through, as a node of its own: its node id is kept in
     * {@code <data dir>/migration/node-id}, so a rerun finds the watermark of the run it resumes, and the copied events
     * never share ids with an app node's spool or with another install moved into the same ClickHouse.
     */
    private static ClickHouseEventStore migrationStore(ClickHouseSettings settings, Path dir) {
        return new ClickHouseEventStore(
                settings, new DataSaasProperties(dir.resolve(MIGRATION_NODE_DIR), List.of(), null, null, List.of()));
    }

    private static Target load() {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ServerSettings.class)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .registerShutdownHook(false)
                .run()) {
            DataSaasProperties properties = context.getBean(DataSaasProperties.class);
            return new Target(
                    properties.dataDir(),
                    context.getBean(DatabaseSettings.class),
                    context.getBean(ClickHouseSettings.class),
                    properties.secretKey());
        }
    }

    /** The settings of server mode, bound from the same sources as the service (DATASAAS_* variables). */
    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({DataSaasProperties.class, DatabaseSettings.class, ClickHouseSettings.class})
    static class ServerSettings {}
}
