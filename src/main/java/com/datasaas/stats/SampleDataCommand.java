package com.datasaas.stats;

import com.datasaas.app.DatabaseSettings;
import com.datasaas.events.ClickHouseSettings;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code datasaas sample-data}: fills a website with synthetic traffic ({@link SampleData}). */
@Command(
        name = "sample-data",
        mixinStandardHelpOptions = true,
        description = {
            "Fill a website with realistic synthetic traffic, for demos and benchmarks.",
            "Run it with the service stopped: only one process may write the event store.",
            "Embedded event store only: refused when DATASAAS_CLICKHOUSE_URL is set (docs/server-mode.md)."
        })
public final class SampleDataCommand implements Callable<Integer> {

    @Option(
            names = "--site",
            required = true,
            paramLabel = "ID",
            description = "The id of a website created in DataSaaS (mrf_...).")
    String site;

    @Option(
            names = "--events",
            defaultValue = "1000000",
            paramLabel = "N",
            description = "About how many events to write (underscores allowed: 1_000_000). 0 writes none (with"
                    + " --owner-email: only give the site to the account). Default: ${DEFAULT-VALUE}.")
    String events;

    @Option(names = "--days", defaultValue = "30", paramLabel = "D", description = "Spread over the last D days.")
    int days;

    @Option(
            names = "--data-dir",
            defaultValue = "${env:DATASAAS_DATA_DIR:-data}",
            paramLabel = "DIR",
            description = "The data dir. Default: DATASAAS_DATA_DIR, else ./data.")
    Path dataDir;

    @Option(
            names = "--owner-email",
            paramLabel = "EMAIL",
            description = {
                "Give the site to this existing account (sign up first), adding the website with the id of --site"
                        + " to the data dir's metadata if it is not there yet (domain sample.example, UTC, USD), so its"
                        + " dashboard opens. Embedded metadata only (not with DATASAAS_DATABASE_URL).",
                "With --events 0 the service may be running."
            })
    String ownerEmail;

    @Spec
    CommandSpec spec;

    /** Test seam: server mode's event store settings instead of the configuration. */
    ClickHouseSettings clickHouse;

    @Override
    public Integer call() throws java.sql.SQLException {
        ClickHouseSettings eventStore = clickHouse != null ? clickHouse : configuredClickHouse();
        if (eventStore.configured()) {
            spec.commandLine()
                    .getErr()
                    .println("sample-data writes to the embedded DuckDB event store, but this install keeps its events"
                            + " in ClickHouse (DATASAAS_CLICKHOUSE_URL is set): nothing was written. Fill an embedded"
                            + " install instead (run without DATASAAS_CLICKHOUSE_URL, on another data dir); a fresh"
                            + " server install can then be loaded from it with 'datasaas migrate-to-server'"
                            + " (docs/server-mode.md, \"Commands\").");
            return 1;
        }
        long count;
        try {
            count = Long.parseLong(events.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--events must be a whole number, like 1000000 or 1_000_000");
        }
        if (count < 0 || days < 1) {
            throw new IllegalArgumentException("--events must be at least 0 and --days at least 1");
        }
        if (ownerEmail != null) {
            if (configuredDatabase().serverMode()) {
                spec.commandLine()
                        .getErr()
                        .println("--owner-email adds the website to the data dir's embedded metadata, but this install"
                                + " keeps its metadata in PostgreSQL (DATASAAS_DATABASE_URL is set): nothing was written."
                                + " Add the website in the dashboard and pass its id as --site instead.");
                return 1;
            }
            // Before the load, so a missing account is reported in a second rather than after it.
            spec.commandLine().getOut().println(SampleWebsite.giveTo(dataDir, site, ownerEmail) + ".");
        } else if (count == 0) {
            throw new IllegalArgumentException("--events 0 writes nothing: give a count, or --owner-email to only give"
                    + " the site to an account");
        }
        if (count > 0) SampleData.run(site, count, days, dataDir);
        return 0;
    }

    /** {@code datasaas.database.*} as the service binds it (DATASAAS_DATABASE_URL, -D properties). */
    private static DatabaseSettings configuredDatabase() {
        return Binder.get(new StandardEnvironment())
                .bind("datasaas.database", DatabaseSettings.class)
                .orElse(new DatabaseSettings(null, null, null));
    }

    /** {@code datasaas.clickhouse.*} as the service binds it (DATASAAS_CLICKHOUSE_URL, -D properties). */
    private static ClickHouseSettings configuredClickHouse() {
        return Binder.get(new StandardEnvironment())
                .bind("datasaas.clickhouse", ClickHouseSettings.class)
                .orElse(new ClickHouseSettings(null, null, null));
    }
}
