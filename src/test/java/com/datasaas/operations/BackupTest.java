package com.datasaas.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datasaas.events.DuckDbEventStore;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backup and restore of a data dir with real SQLite and DuckDB files, and every way restore refuses a file. */
class BackupTest {

    @TempDir
    Path temp;

    @Test
    void a_backup_restores_both_stores_the_spool_and_the_secret_key() throws Exception {
        Path data = dataDir("data");
        Path file = backup(data, Backup.SecretKey.INCLUDE);

        Path restored = temp.resolve("restored");
        BackupManifest manifest = Restore.restore(file, restored);

        assertThat(manifest.secretKey()).isEqualTo("included");
        assertThat(manifest.mode()).isEqualTo("offline");
        assertThat(manifest.contents())
                .extracting(BackupManifest.Content::path)
                .containsExactly("events.duckdb", "spool/segment-000001.log", "datasaas.db", "secret.key");
        assertThat(query("jdbc:sqlite:" + restored.resolve("datasaas.db"), "SELECT email FROM accounts"))
                .isEqualTo("owner@example.com");
        assertThat(query("jdbc:duckdb:" + restored.resolve("events.duckdb"), "SELECT count(*) FROM events"))
                .isEqualTo("1000");
        assertThat(restored.resolve("secret.key")).hasSameTextualContentAs(data.resolve("secret.key"));
        assertThat(restored.resolve("spool/segment-000001.log")).hasContent("event 1\nevent 2\n");
        assertThat(Files.getPosixFilePermissions(restored.resolve("secret.key")))
                .containsExactlyInAnyOrder(
                        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(data).as("the work folder is removed").isDirectoryNotContaining("glob:**/.backup-*");
    }

    @Test
    void spool_segments_moved_into_the_store_or_added_during_the_snapshot_are_all_kept() throws Exception {
        Path data = dataDir("data");
        Path file = temp.resolve("moving.zip");
        // what the write path may do while the snapshot runs: move a segment into the store and delete it, and
        // start a new one
        Backup.EventsSnapshot snapshotWhileSpoolMoves = target -> {
            try {
                Files.delete(data.resolve("spool/segment-000001.log"));
                Files.writeString(data.resolve("spool/segment-000002.log"), "event 3\n");
                Files.writeString(target, "store");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        try (Backup backup = Backup.take(
                        data,
                        snapshotWhileSpoolMoves,
                        target -> {
                            try (Connection sqlite =
                                    DriverManager.getConnection("jdbc:sqlite:" + data.resolve("datasaas.db"))) {
                                Backup.vacuumInto(sqlite, target);
                            }
                        },
                        Backup.SecretKey.INCLUDE,
                        "online",
                        "test");
                OutputStream out = Files.newOutputStream(file)) {
            backup.writeTo(out);
        }
        Path restored = temp.resolve("restored");
        Restore.restore(file, restored);
        assertThat(restored.resolve("spool/segment-000001.log")).hasContent("event 1\nevent 2\n");
        assertThat(restored.resolve("spool/segment-000002.log")).hasContent("event 3\n");
    }

    @Test
    void the_secret_key_can_be_left_out() throws Exception {
        Path file = backup(dataDir("data"), Backup.SecretKey.LEAVE_OUT);
        Path restored = temp.resolve("restored");
        BackupManifest manifest = Restore.restore(file, restored);
        assertThat(manifest.secretKey()).isEqualTo("left_out");
        assertThat(restored.resolve("secret.key")).doesNotExist();
        assertThat(restored.resolve("datasaas.db")).isRegularFile();
    }

    @Test
    void restore_refuses_a_data_dir_that_is_not_empty_and_leaves_it_alone() throws Exception {
        Path file = backup(dataDir("data"), Backup.SecretKey.INCLUDE);
        Path busy = Files.createDirectories(temp.resolve("busy"));
        Files.writeString(busy.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> Restore.restore(file, busy))
                .isInstanceOf(Restore.Refused.class)
                .hasMessageContaining("is not empty")
                .hasMessageContaining("DATASAAS_DATA_DIR");
        try (var entries = Files.list(busy)) {
            assertThat(entries).containsExactly(busy.resolve("notes.txt"));
        }
    }

    @Test
    void restore_refuses_a_damaged_part_and_removes_what_it_unpacked() throws Exception {
        Path good = backup(dataDir("data"), Backup.SecretKey.INCLUDE);
        // the same file with the last part (secret.key) changed: the parts before it unpack fine
        Path damaged = temp.resolve("damaged.zip");
        try (var zip = new java.util.zip.ZipFile(good.toFile());
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(damaged))) {
            for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                out.putNextEntry(new ZipEntry(entry.getName()));
                if (entry.getName().equals("secret.key")) {
                    out.write("bm90IHRoZSBrZXk=\n".getBytes(StandardCharsets.UTF_8));
                } else {
                    zip.getInputStream(entry).transferTo(out);
                }
                out.closeEntry();
            }
        }
        Path target = temp.resolve("target");
        assertThatThrownBy(() -> Restore.restore(damaged, target))
                .isInstanceOf(Restore.Refused.class)
                .hasMessageContaining("damaged");
        try (var entries = Files.list(target)) {
            assertThat(entries).isEmpty();
        }
    }

    @Test
    void restore_refuses_files_that_are_not_datasaas_backups() throws Exception {
        Path notZip = Files.writeString(temp.resolve("notes.zip"), "hello");
        assertThatThrownBy(() -> Restore.restore(notZip, temp.resolve("a")))
                .isInstanceOf(Restore.Refused.class)
                .hasMessageContaining("not a DataSaaS backup");

        Path escaping = temp.resolve("escaping.zip");
        writeZip(
                escaping,
                manifest(BackupManifest.FORMAT_VERSION, new BackupManifest.Content("../evil.sh", 2, "00")),
                "../evil.sh",
                "hi");
        assertThatThrownBy(() -> Restore.restore(escaping, temp.resolve("b")))
                .isInstanceOf(Restore.Refused.class)
                .hasMessageContaining("unexpected file '../evil.sh'");
        assertThat(temp.resolve("evil.sh")).doesNotExist();

        Path future = temp.resolve("future.zip");
        writeZip(future, manifest(BackupManifest.FORMAT_VERSION + 1), null, null);
        assertThatThrownBy(() -> Restore.restore(future, temp.resolve("c")))
                .isInstanceOf(Restore.Refused.class)
                .hasMessageContaining("newer than this version reads");
    }

    @Test
    void an_empty_data_dir_gives_no_backup_but_a_message() throws Exception {
        Path empty = Files.createDirectories(temp.resolve("empty"));
        assertThatThrownBy(() -> Backup.take(empty, t -> {}, t -> {}, Backup.SecretKey.INCLUDE, "offline", "test"))
                .hasMessageContaining("holds no DataSaaS data");
    }

    // ---------------------------------------------------------------- helpers

    private Path dataDir(String name) throws Exception {
        Path data = Files.createDirectories(temp.resolve(name));
        try (Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("datasaas.db"));
                Statement st = sqlite.createStatement()) {
            st.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, email TEXT)");
            st.execute("INSERT INTO accounts (email) VALUES ('owner@example.com')");
        }
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:" + data.resolve("events.duckdb"));
                Statement st = duck.createStatement()) {
            st.execute("CREATE TABLE events AS SELECT range AS id FROM range(1000)");
        }
        Files.writeString(data.resolve("secret.key"), "c2VjcmV0\n");
        Files.createDirectories(data.resolve("spool"));
        Files.writeString(data.resolve("spool/segment-000001.log"), "event 1\nevent 2\n");
        return data;
    }

    private Path backup(Path data, Backup.SecretKey secretKey) throws Exception {
        Path file = temp.resolve(data.getFileName() + "-" + secretKey + ".zip");
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:" + data.resolve("events.duckdb"));
                Backup backup = Backup.take(
                        data,
                        target -> DuckDbEventStore.copyDatabase(duck, target),
                        target -> {
                            try (Connection sqlite =
                                    DriverManager.getConnection("jdbc:sqlite:" + data.resolve("datasaas.db"))) {
                                Backup.vacuumInto(sqlite, target);
                            }
                        },
                        secretKey,
                        "offline",
                        "test");
                OutputStream out = Files.newOutputStream(file)) {
            backup.writeTo(out);
        }
        return file;
    }

    private static BackupManifest manifest(int version, BackupManifest.Content... contents) {
        return new BackupManifest(
                BackupManifest.FORMAT, version, "test", Instant.now(), "offline", "included", List.of(contents));
    }

    /** A zip with the manifest and, when named, one entry of the given text. */
    private static void writeZip(Path file, BackupManifest manifest, String entry, String text) throws Exception {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry(BackupManifest.FILE_NAME));
            zip.write(BackupManifest.JSON.writeValueAsBytes(manifest));
            zip.closeEntry();
            if (entry != null) {
                zip.putNextEntry(new ZipEntry(entry));
                zip.write(text.getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
    }

    private static String query(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
