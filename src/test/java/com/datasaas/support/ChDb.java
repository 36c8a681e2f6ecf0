package com.datasaas.support;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A current ClickHouse (26.x) in this JVM: chDB's {@code libchdb.so} from the npm package
 * {@code @chdb/lib-linux-x64-gnu}, which the build installs into {@code chdb/node_modules} (see chdb/package.json),
 * bound with JNA. Debian's ClickHouse is 18.16; this is how tests prove the same SQL also runs on a current release.
 *
 * <p>The engine is meant to boot once per process (chdb.h: closing the last connection shuts it down, and
 * reconnecting repeatedly is known to corrupt the allocator), so there is one shared session per test JVM, on a
 * temporary data directory, closed by a shutdown hook. A missing library fails the test with what to run; it never
 * skips.
 */
public final class ChDb {
    /** Where the build's npm install puts the library, relative to the project directory (the tests' working dir). */
    public static final Path DEFAULT_LIBRARY = Path.of("chdb/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so");

    /**
     * The current connection API of chdb.h (26.x): {@code chdb_connect} / {@code chdb_query_n} /
     * {@code chdb_result_*} / {@code chdb_destroy_query_result} / {@code chdb_close_conn}. Not the deprecated
     * {@code connect_chdb} / {@code query_conn} / {@code local_result_v2} / {@code query_stable_v2} family.
     */
    interface Api extends Library {
        /** {@code chdb_connection * chdb_connect(int argc, char ** argv)}: NULL on failure. */
        Pointer chdb_connect(int argc, String[] argv);

        /** {@code void chdb_close_conn(chdb_connection * conn)}. */
        void chdb_close_conn(Pointer connectionSlot);

        /** {@code chdb_result * chdb_query_n(chdb_connection, const char *, size_t, const char *, size_t)}. */
        Pointer chdb_query_n(Pointer connection, byte[] query, long queryLength, byte[] format, long formatLength);

        /** {@code char * chdb_result_buffer(chdb_result *)}. */
        Pointer chdb_result_buffer(Pointer result);

        /** {@code size_t chdb_result_length(chdb_result *)}. */
        long chdb_result_length(Pointer result);

        /** {@code const char * chdb_result_error(chdb_result *)}: NULL when the query succeeded. */
        String chdb_result_error(Pointer result);

        /** {@code void chdb_destroy_query_result(chdb_result *)}. */
        void chdb_destroy_query_result(Pointer result);

        /** {@code void chdb_set_signal_handlers_enabled(int)}: 0 = do not install ClickHouse's crash handlers. */
        void chdb_set_signal_handlers_enabled(int enabled);
    }

    /** The C library's {@code sigaction}, to put the JVM's signal handlers back after chDB touched them. */
    interface LibC extends Library {
        int sigaction(int signal, Pointer action, Pointer oldAction);
    }

    /**
     * The JVM's signal dispositions, kept across every chDB call. HotSpot's SIGSEGV/SIGBUS/SIGILL/SIGFPE handlers
     * are load-bearing (implicit null checks, safepoint polls): with ClickHouse's crash handler in their place the
     * first NullPointerException in compiled code hangs the JVM (seen here), and
     * {@code chdb_set_signal_handlers_enabled(0)} itself resets them to SIG_DFL. So: snapshot, call, restore what
     * changed. (LD_PRELOAD of the JDK's libjsig.so also works, but must be set before the JVM starts.)
     */
    static final class SignalGuard {
        private static final int SIGACTION_SIZE = 152; // struct sigaction on x86_64 glibc
        private static final int LAST_SIGNAL = 31;
        private final LibC libc = Native.load("c", LibC.class);
        private final Memory saved = new Memory((long) SIGACTION_SIZE * (LAST_SIGNAL + 1));
        private final Memory current = new Memory(SIGACTION_SIZE);

        /** The handler address installed for one signal now (0 = SIG_DFL, 1 = SIG_IGN). */
        long handler(int signal) {
            libc.sigaction(signal, null, current);
            return current.getLong(0);
        }

        void snapshot() {
            saved.clear();
            for (int signal = 1; signal <= LAST_SIGNAL; signal++) {
                libc.sigaction(signal, null, saved.share((long) signal * SIGACTION_SIZE, SIGACTION_SIZE));
            }
        }

        void restore() {
            for (int signal = 1; signal <= LAST_SIGNAL; signal++) {
                Pointer kept = saved.share((long) signal * SIGACTION_SIZE, SIGACTION_SIZE);
                libc.sigaction(signal, null, current);
                if (!Arrays.equals(current.getByteArray(0, SIGACTION_SIZE), kept.getByteArray(0, SIGACTION_SIZE))) {
                    libc.sigaction(signal, kept, null);
                }
            }
        }
    }

    /** ClickHouse refused a statement; the message is ClickHouse's own. */
    public static final class QueryFailed extends RuntimeException {
        QueryFailed(String message) {
            super(message);
        }
    }

    private static ChDb shared;

    private final Api api;
    final SignalGuard signals;
    private final Pointer connectionSlot;
    private final Pointer connection;
    private final Path dataDir;
    private final long loadMillis;
    private boolean closed;

    private ChDb(Api api, SignalGuard signals, Pointer connectionSlot, Path dataDir, long loadMillis) {
        this.api = api;
        this.signals = signals;
        this.connectionSlot = connectionSlot;
        this.connection = connectionSlot.getPointer(0);
        this.dataDir = dataDir;
        this.loadMillis = loadMillis;
    }

    /**
     * The one session of this JVM, booted on first use: the library at {@code -Dchdb.library}, else
     * {@link #DEFAULT_LIBRARY}.
     */
    public static synchronized ChDb shared() {
        if (shared == null) {
            shared = open(library());
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "chdb-close"));
        }
        return shared;
    }

    static Path library() {
        String configured = System.getProperty("chdb.library");
        Path path = configured != null && !configured.isBlank() ? Path.of(configured) : DEFAULT_LIBRARY;
        if (!Files.isRegularFile(path)) {
            throw new AssertionError("chDB (a current ClickHouse as a library) not found at " + path.toAbsolutePath()
                    + ". The build installs it from npm into chdb/node_modules unless -Dskip.npm=true was given:"
                    + " run `npm install` in chdb/ (or one `./mvnw -B package -DskipTests`), or point -Dchdb.library"
                    + " at a libchdb.so.");
        }
        return path;
    }

    private static ChDb open(Path library) {
        long start = System.nanoTime();
        Api api = Native.load(library.toAbsolutePath().toString(), Api.class);
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("chdb-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String[] argv = {"datasaas-test", "--path=" + dataDir};
        SignalGuard signals = new SignalGuard();
        signals.snapshot();
        Pointer slot;
        try {
            api.chdb_set_signal_handlers_enabled(0);
            signals.restore();
            slot = api.chdb_connect(argv.length, argv);
        } finally {
            signals.restore();
        }
        if (slot == null || slot.getPointer(0) == null) {
            throw new IllegalStateException("chdb_connect failed for " + library + " (data dir " + dataDir + ")");
        }
        ChDb session = new ChDb(api, signals, slot, dataDir, (System.nanoTime() - start) / 1_000_000);
        // chDB changes implicit_select to 1, which runs a bare expression as a SELECT; a server refuses it, so do we.
        // (26.5 ignores settings given as connect arguments.)
        session.query("SET implicit_select = 0");
        return session;
    }

    /** Milliseconds spent loading the library and booting the engine (reported by tests, never asserted). */
    public long loadMillis() {
        return loadMillis;
    }

    /** Runs one statement (or several, separated by semicolons) and returns its output in TabSeparated format. */
    public String query(String sql) {
        return query(sql, "TabSeparated");
    }

    /**
     * Runs SQL on the session and returns the output in the given ClickHouse format, or throws {@link QueryFailed}
     * with ClickHouse's message. One statement at a time: the session is shared.
     */
    public synchronized String query(String sql, String format) {
        if (closed) throw new IllegalStateException("chDB session closed");
        byte[] query = sql.getBytes(StandardCharsets.UTF_8);
        byte[] formatName = format.getBytes(StandardCharsets.UTF_8);
        Pointer result;
        try {
            result = api.chdb_query_n(connection, query, query.length, formatName, formatName.length);
        } finally {
            signals.restore();
        }
        if (result == null) throw new QueryFailed("chdb_query_n returned no result for: " + sql);
        try {
            String error = api.chdb_result_error(result);
            if (error != null) throw new QueryFailed(error.strip());
            long length = api.chdb_result_length(result);
            Pointer buffer = api.chdb_result_buffer(result);
            if (length == 0 || buffer == null) return "";
            return new String(buffer.getByteArray(0, Math.toIntExact(length)), StandardCharsets.UTF_8);
        } finally {
            api.chdb_destroy_query_result(result);
        }
    }

    private synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            api.chdb_close_conn(connectionSlot);
        } finally {
            signals.restore();
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // the temp dir is left behind; nothing else depends on it
        }
    }
}
