package com.datasaas.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.sqlite.SQLiteJDBCLoader;

/**
 * Loads the embedded stores' native libraries on a thread of its own as soon as the configuration is known, while the
 * main thread parses the bean definitions: the DuckDB driver inflates its 60 MB library from its jar into a temporary
 * file and links it on every start (~0.3-0.5 CPU-s), and the SQLite driver does the same with its smaller one; both
 * used to happen on the main thread, in the middle of the context's start and so on the way to healthy
 * (docs/benchmarks.md, "Start-up (2026-12-06, night)"). The drivers' own class initialisation does the work, so a
 * store that reaches the driver first simply waits for it to finish, and a failure surfaces there as before. Only the
 * libraries of the stores that will run: none of DuckDB's with {@code DATASAAS_CLICKHOUSE_URL}, none of SQLite's with
 * {@code DATASAAS_DATABASE_URL}. Registered in {@code META-INF/spring.factories}, as it must run before any bean.
 */
public final class EarlyNativeLibraries implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {
    private static final Logger log = LoggerFactory.getLogger(EarlyNativeLibraries.class);
    /** The class whose initialisation loads DuckDB's library (package-private in the driver, so named here). */
    static final String DUCKDB = "org.duckdb.DuckDBNative";

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        Environment environment = event.getEnvironment();
        boolean sqlite = blank(environment.getProperty("datasaas.database.url"));
        boolean duckDb = blank(environment.getProperty("datasaas.clickhouse.url"));
        if (!sqlite && !duckDb) {
            return;
        }
        Thread thread = new Thread(
                () -> {
                    // SQLite first: the metadata store opens before the event store.
                    if (sqlite) loadSqlite();
                    if (duckDb) loadDuckDb();
                },
                "native-libraries");
        thread.setDaemon(true);
        thread.start();
    }

    // A failure is only logged here: the store that needs the library fails with its own message when it opens.

    private static void loadSqlite() {
        try {
            // What the driver's first connection calls; synchronized, so that connection waits for this one.
            SQLiteJDBCLoader.initialize();
        } catch (Exception | LinkageError e) {
            log.debug("Loading SQLite's library ahead of the metadata store failed", e);
        }
    }

    private static void loadDuckDb() {
        try {
            Class.forName(DUCKDB, true, EarlyNativeLibraries.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            log.debug("Loading DuckDB's library ahead of the event store failed", e);
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
