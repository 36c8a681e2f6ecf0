package com.datasaas.operations;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A consistent backup of a data dir, taken in an order that restores correctly while the service writes:
 *
 * <ol>
 *   <li>the event spool folder, when there is one, copied <em>before</em> the snapshot: an event acknowledged before
 *       the backup began is then either in that copy or already moved into the store, even if the write path moves
 *       its segment into the store and deletes it while the backup runs;
 *   <li>the event store (events, sessions, the write path's watermark), as one DuckDB snapshot;
 *   <li>the spool folder again, <em>after</em> the snapshot, over the first copy: events that reached the spool
 *       meanwhile are kept too. The restored store replays the spool from its watermark on first start and skips ids
 *       it already holds, so the overlap between the copies and the snapshot counts nothing twice;
 *   <li>the metadata store (accounts, websites, goals, keys, payments), with SQLite's {@code VACUUM INTO};
 *   <li>{@code secret.key}, unless left out.
 * </ol>
 *
 * The parts are first copied into a work folder inside the data dir (same disk, so no surprise from a small /tmp),
 * then zipped with a {@link BackupManifest} of sizes and checksums. Close it to delete the work folder.
 */
public final class Backup implements AutoCloseable {
    static final String METADATA = "datasaas.db";
    static final String EVENTS = "events.duckdb";
    static final String SECRET_KEY = "secret.key";
    static final String SPOOL = "spool";
    /** Work folders start with this; restore and the non-empty check ignore nothing, so it is cleaned on close. */
    static final String WORK_PREFIX = ".backup-";

    /** Copies the event store into a new DuckDB file. */
    @FunctionalInterface
    public interface EventsSnapshot {
        void into(Path target) throws SQLException;
    }

    /** Copies the metadata store into a new SQLite file. */
    @FunctionalInterface
    public interface MetadataSnapshot {
        void into(Path target) throws SQLException;
    }

    public enum SecretKey {
        INCLUDE,
        LEAVE_OUT
    }

    private final Path work;
    private final BackupManifest manifest;

    private Backup(Path work, BackupManifest manifest) {
        this.work = work;
        this.manifest = manifest;
    }

    /**
     * Takes the snapshots into a work folder under {@code dataDir}.
     *
     * @param mode {@code online} or {@code offline}, recorded in the manifest
     */
    public static Backup take(
            Path dataDir,
            EventsSnapshot events,
            MetadataSnapshot metadata,
            SecretKey secretKey,
            String mode,
            String appVersion)
            throws IOException, SQLException {
        Path work = Files.createTempDirectory(dataDir, WORK_PREFIX);
        try {
            List<String> parts = new ArrayList<>();
            Path spool = dataDir.resolve(SPOOL);
            Set<String> spoolParts = new TreeSet<>();
            if (Files.isDirectory(spool)) {
                spoolParts.addAll(copyTree(spool, work.resolve(SPOOL), work));
            }
            if (Files.exists(dataDir.resolve(EVENTS))) {
                events.into(work.resolve(EVENTS));
                parts.add(EVENTS);
            }
            if (Files.isDirectory(spool)) {
                spoolParts.addAll(copyTree(spool, work.resolve(SPOOL), work));
            }
            parts.addAll(spoolParts);
            if (Files.exists(dataDir.resolve(METADATA))) {
                metadata.into(work.resolve(METADATA));
                parts.add(METADATA);
            }
            String secretKeyState;
            Path key = dataDir.resolve(SECRET_KEY);
            if (!Files.exists(key)) {
                secretKeyState = "not_in_data_dir";
            } else if (secretKey == SecretKey.LEAVE_OUT) {
                secretKeyState = "left_out";
            } else {
                Files.copy(key, work.resolve(SECRET_KEY));
                parts.add(SECRET_KEY);
                secretKeyState = "included";
            }
            if (parts.isEmpty()) {
                throw new IllegalStateException(dataDir.toAbsolutePath()
                        + " holds no DataSaaS data (no datasaas.db, events.duckdb or spool/): check DATASAAS_DATA_DIR"
                        + " or --data-dir.");
            }
            List<BackupManifest.Content> contents = new ArrayList<>();
            for (String part : parts) {
                Path file = work.resolve(part);
                contents.add(new BackupManifest.Content(part, Files.size(file), sha256(file)));
            }
            return new Backup(
                    work,
                    new BackupManifest(
                            BackupManifest.FORMAT,
                            BackupManifest.FORMAT_VERSION,
                            appVersion,
                            Instant.now(),
                            mode,
                            secretKeyState,
                            contents));
        } catch (IOException | SQLException | RuntimeException e) {
            deleteTree(work);
            throw e;
        }
    }

    public BackupManifest manifest() {
        return manifest;
    }

    /** Writes the zip: the manifest first (so a reader can check the format before the big parts), then each part. */
    public void writeTo(OutputStream out) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        // Fast compression: DuckDB files are already compressed; the deflate pass mostly shrinks SQLite and JSON.
        zip.setLevel(Deflater.BEST_SPEED);
        zip.putNextEntry(new ZipEntry(BackupManifest.FILE_NAME));
        zip.write(BackupManifest.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
        zip.closeEntry();
        for (BackupManifest.Content content : manifest.contents()) {
            zip.putNextEntry(new ZipEntry(content.path()));
            Files.copy(work.resolve(content.path()), zip);
            zip.closeEntry();
        }
        zip.finish();
        zip.flush();
    }

    @Override
    public void close() {
        deleteTree(work);
    }

    /** SQLite's own consistent copy: works while the service writes (WAL), and compacts the file on the way. */
    public static void vacuumInto(Connection sqlite, Path target) throws SQLException {
        try (var st = sqlite.prepareStatement("VACUUM INTO ?")) {
            st.setString(1, target.toAbsolutePath().toString());
            st.execute();
        }
    }

    /** Copies a folder over an earlier copy of it; a file that the write path deletes meanwhile is skipped. */
    private static List<String> copyTree(Path from, Path to, Path root) throws IOException {
        List<String> copied = new ArrayList<>();
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.sorted().toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                try {
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(target);
                    } else if (Files.isRegularFile(file)) {
                        Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                        copied.add(root.relativize(target).toString().replace('\\', '/'));
                    }
                } catch (NoSuchFileException gone) {
                    // moved into the store and deleted since the listing: the store or the other copy has it
                }
            }
        }
        return copied;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file);
                DigestOutputStream digest =
                        new DigestOutputStream(OutputStream.nullOutputStream(), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(digest);
            return HexFormat.of().formatHex(digest.getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete the backup work folder " + dir, e);
        }
    }
}
