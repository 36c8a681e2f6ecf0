package com.datasaas.cli;

import com.datasaas.events.DuckDbEventStore;
import com.datasaas.operations.Backup;
import com.datasaas.operations.BackupManifest;
import com.datasaas.operations.Versions;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "backup",
        mixinStandardHelpOptions = true,
        description = {
            "Write a backup of a stopped data dir (metadata, events, sessions, spool, secret key) into one zip file.",
            "For a running service use the online API instead: POST /api/admin/backups (docs/deploy.md).",
            "Embedded stores only: in server mode back up PostgreSQL (pg_dump) and ClickHouse with their own tools"
                    + " (docs/server-mode.md)."
        })
final class BackupCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The backup file to write (.zip).")
    Path out;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "The data dir (default: DATASAAS_DATA_DIR, as the service).")
    Path dataDir;

    @Option(
            names = "--without-secret-key",
            description = "Leave secret.key out. Stored payment-provider keys then cannot be decrypted after a"
                    + " restore unless you keep the key elsewhere.")
    boolean withoutSecretKey;

    @Spec
    CommandSpec spec;

    /** Test seam: the stores instead of the configuration. */
    Settings.Stores stores;

    @Override
    public Integer call() throws Exception {
        Settings.Stores s = stores != null ? stores : Settings.stores(dataDir);
        String refusal = s.embeddedOnly("backup");
        if (refusal != null) {
            spec.commandLine().getErr().println(refusal);
            return 1;
        }
        Path dir = s.dataDir();
        if (!Files.isDirectory(dir)) {
            spec.commandLine()
                    .getErr()
                    .println("No data dir at " + dir.toAbsolutePath()
                            + ": set DATASAAS_DATA_DIR or --data-dir to the folder the service uses.");
            return 1;
        }
        if (Files.exists(out)) {
            spec.commandLine().getErr().println(out.toAbsolutePath() + " already exists; choose a new file name.");
            return 1;
        }
        try (EventStoreLock lock = EventStoreLock.open(dir)) {
            Path partial = out.resolveSibling(out.getFileName() + ".partial");
            try (Backup backup = Backup.take(
                    dir,
                    target -> DuckDbEventStore.copyDatabase(lock.connection(), target),
                    target -> {
                        try (Connection sqlite = DriverManager.getConnection(
                                "jdbc:sqlite:" + dir.resolve("datasaas.db").toAbsolutePath())) {
                            Backup.vacuumInto(sqlite, target);
                        }
                    },
                    withoutSecretKey ? Backup.SecretKey.LEAVE_OUT : Backup.SecretKey.INCLUDE,
                    "offline",
                    Versions.app())) {
                createOwnerOnly(partial);
                try (OutputStream stream = Files.newOutputStream(partial)) {
                    backup.writeTo(stream);
                }
                Files.move(partial, out, StandardCopyOption.ATOMIC_MOVE);
                report(backup.manifest());
            } finally {
                Files.deleteIfExists(partial);
            }
            return 0;
        } catch (EventStoreLock.Held e) {
            spec.commandLine()
                    .getErr()
                    .println(e.getMessage() + " A backup from the command line needs the service stopped. Take an"
                            + " online backup instead, without stopping ingest:\n"
                            + "  curl -fsS -X POST -H 'Authorization: Bearer <owner read-write API key>' \\\n"
                            + "       -o backup.zip https://<your host>/api/admin/backups\n"
                            + "or stop the service (systemctl stop datasaas) and run this command again.");
            return 1;
        }
    }

    private void report(BackupManifest manifest) {
        var out = spec.commandLine().getOut();
        out.println("Backup written to " + this.out.toAbsolutePath() + " ("
                + manifest.contents().size() + " files):");
        manifest.contents().forEach(c -> out.printf("  %-30s %,d bytes%n", c.path(), c.bytes()));
        switch (manifest.secretKey()) {
            case "included" ->
                out.println("NOTE: it holds secret.key, which decrypts the stored payment-provider keys: keep this"
                        + " file as private as the keys themselves (use --without-secret-key to leave it out).");
            case "left_out" ->
                out.println("secret.key was left out: after a restore, set the same DATASAAS_SECRET_KEY or copy"
                        + " secret.key back, or reconnect the payment providers.");
            default ->
                out.println("No secret.key in the data dir (DATASAAS_SECRET_KEY set, or no provider connected):"
                        + " keep that key with the backup.");
        }
    }

    private static void createOwnerOnly(Path file) throws java.io.IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
    }
}
