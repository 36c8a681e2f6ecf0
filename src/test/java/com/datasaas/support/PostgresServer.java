package com.datasaas.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One private PostgreSQL per test JVM, started on first use: {@code initdb} into a temp dir, {@code postgres} on a
 * free loopback port with its socket in that dir, never the system service. Run as the {@code postgres} user through
 * {@code runuser} when the tests run as root (PostgreSQL refuses to run as root). Stopped and deleted by a JVM
 * shutdown hook. Durability is off (fsync, synchronous commit): the data only has to outlive one test run.
 *
 * <p>Each caller gets its own database ({@link #newDatabase}), so test contexts never see each other's rows.
 */
public final class PostgresServer {
    public static final String USER = "postgres";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PostgresServer shared;

    private final Path dir;
    private final Path bin;
    private final int port;
    private final Process process;

    /** The JVM's server, started on the first call. */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            shared = new PostgresServer();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "postgres-test-server-stop"));
        }
        return shared;
    }

    private PostgresServer() {
        try {
            bin = binaries();
            dir = Files.createTempDirectory("datasaas-pg-");
            if (asRoot()) {
                // The server runs as 'postgres': it must own its directory (the temp dir above it is traversable by
                // all).
                UserPrincipal owner =
                        dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(USER);
                Files.setOwner(dir, owner);
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            run(List.of(
                    bin.resolve("initdb").toString(),
                    "-D",
                    data().toString(),
                    "-A",
                    "trust",
                    "-U",
                    USER,
                    "-E",
                    "UTF8",
                    "--locale=C",
                    "--no-sync"));
            port = freePort();
            process = new ProcessBuilder(command(List.of(
                            bin.resolve("postgres").toString(),
                            "-D",
                            data().toString(),
                            "-p",
                            Integer.toString(port),
                            "-k",
                            dir.toString(),
                            "-c",
                            "listen_addresses=127.0.0.1",
                            "-c",
                            "fsync=off",
                            "-c",
                            "synchronous_commit=off",
                            "-c",
                            "full_page_writes=off",
                            "-c",
                            "max_connections=200")))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("server.log").toFile())
                    .start();
            awaitReady();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start a private PostgreSQL for the tests", e);
        }
    }

    public int port() {
        return port;
    }

    /** A fresh, empty database on this server; its JDBC URL. */
    public String newDatabase(String prefix) {
        String name = (prefix + "_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet())
                .toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9_]", "_");
        try (Connection connection = DriverManager.getConnection(url("postgres"), USER, "");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create test database " + name, e);
        }
        return url(name);
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private Path data() {
        return dir.resolve("data");
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) break;
            try (Connection ignored = DriverManager.getConnection(url("postgres"), USER, "")) {
                return;
            } catch (SQLException e) {
                last = e;
            }
            sleep(100);
        }
        String log;
        try {
            log = Files.readString(dir.resolve("server.log"));
        } catch (IOException e) {
            log = "(no log)";
        }
        stop();
        throw new IllegalStateException("The private PostgreSQL did not start:\n" + log, last);
    }

    private synchronized void stop() {
        if (process != null && process.isAlive()) {
            try {
                // Fast shutdown: open connections of contexts that are still closing must not hold it up.
                run(List.of(
                        bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "immediate", "-w", "stop"));
            } catch (RuntimeException e) {
                process.destroyForcibly();
            }
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        deleteTree(dir);
    }

    private static void run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command(command))
                    .redirectErrorStream(true)
                    .start();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> command(List<String> command) {
        if (!asRoot()) return command;
        List<String> asPostgres = new ArrayList<>(List.of("runuser", "-u", USER, "--"));
        asPostgres.addAll(command);
        return asPostgres;
    }

    private static boolean asRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Debian keeps the server binaries out of PATH, in /usr/lib/postgresql/VERSION/bin; the newest wins. */
    private static Path binaries() throws IOException {
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                var newest = versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")))
                        .max(Comparator.comparingInt(b -> versionOf(b.getParent())));
                if (newest.isPresent()) return newest.get();
            }
        }
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "initdb"))) return Path.of(entry);
        }
        throw new IllegalStateException(
                "PostgreSQL server binaries (initdb, postgres) not found: install Debian's 'postgresql' package");
    }

    private static int versionOf(Path dir) {
        try {
            return Integer.parseInt(dir.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) return;
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a temp dir left behind is harmless
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }
}
