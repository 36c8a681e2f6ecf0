package com.datasaas.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.support.SQLErrorCodesFactory;
import org.sqlite.SQLiteJDBCLoader;

/**
 * Does the stores' one-off loading on a thread of its own as soon as the configuration is known, while the main thread
 * parses the bean definitions: the DuckDB driver inflates its 60 MB library from its jar into a temporary file and
 * links it on every start (~0.3-0.5 CPU-s), the SQLite driver does the same with its smaller one, and Spring's JDBC
 * error codes (which the login sessions' store reads at creation) are an XML file parsed against its schema (~0.1
 * CPU-s). All of it used to happen on the main thread, in the middle of the context's start and so on the way to
 * healthy (docs/benchmarks.md, "Start-up (2026-12-06, night)"). The drivers' own class initialisation does the work,
 * so a store that reaches its driver first simply waits for it to finish, and a failure surfaces there as before; the
 * error codes are a cache that the first user fills if this thread has not yet. Only the libraries of the stores that
 * will run: none of DuckDB's with {@code DATASAAS_CLICKHOUSE_URL}, none of SQLite's with {@code DATASAAS_DATABASE_URL}.
 * Registered in {@code META-INF/spring.factories}, as it must run before any bean.
 */
public final class EarlyStoreLoading implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {
    private static final Logger log = LoggerFactory.getLogger(EarlyStoreLoading.class);
    /** The class whose initialisation loads DuckDB's library (package-private in the driver, so named here). */
    static final String DUCKDB = "org.duckdb.DuckDBNative";

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        Environment environment = event.getEnvironment();
        boolean sqlite = blank(environment.getProperty("datasaas.database.url"));
        boolean duckDb = blank(environment.getProperty("datasaas.clickhouse.url"));
        Thread thread = new Thread(
                () -> {
                    // In the order the main thread needs them: the metadata store and the login sessions' store are
                    // created before the event store.
                    if (sqlite) loadSqlite();
                    loadJdbcErrorCodes();
                    if (duckDb) loadDuckDb();
                },
                "early-store-loading");
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

    private static void loadJdbcErrorCodes() {
        try {
            SQLErrorCodesFactory.getInstance();
        } catch (RuntimeException | LinkageError e) {
            log.debug("Reading Spring's JDBC error codes ahead of the login sessions' store failed", e);
        }
    }

    private static void loadDuckDb() {
        try {
            Class.forName(DUCKDB, true, EarlyStoreLoading.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            log.debug("Loading DuckDB's library ahead of the event store failed", e);
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
