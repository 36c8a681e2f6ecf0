package com.datasaas.operations;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import tools.jackson.core.JacksonException;

/**
 * Unpacks a backup file into an empty data dir, checking every part against the manifest's size and SHA-256. It never
 * merges into existing data: a restore over a live data dir would mix two histories, so a non-empty folder is refused.
 * When anything fails, what was unpacked is removed again, leaving the folder empty as it was.
 */
public final class Restore {
    /** Parts restore knows; anything else named in a manifest is refused rather than written somewhere. */
    private static final Set<String> TOP_LEVEL = Set.of(Backup.METADATA, Backup.EVENTS, Backup.SECRET_KEY);

    private Restore() {}

    /** Why a restore was refused, in words that say what to do. */
    public static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    public static BackupManifest restore(Path from, Path dataDir) throws Refused, IOException {
        if (!Files.isRegularFile(from)) {
            throw new Refused(from.toAbsolutePath() + " is not a file: pass the backup file with --from.");
        }
        if (Files.exists(dataDir) && !isEmptyDirectory(dataDir)) {
            throw new Refused("The data dir " + dataDir.toAbsolutePath() + " is not empty. Restore only goes into an"
                    + " empty folder, so it never mixes two histories: point DATASAAS_DATA_DIR (or --data-dir) at a new"
                    + " folder, or move the old data away first.");
        }
        try (ZipFile zip = new ZipFile(from.toFile())) {
            BackupManifest manifest = readManifest(zip, from);
            Files.createDirectories(dataDir);
            try {
                for (BackupManifest.Content content : manifest.contents()) {
                    unpack(zip, content, dataDir);
                }
            } catch (IOException | Refused | RuntimeException e) {
                emptyFolder(dataDir);
                throw e;
            }
            return manifest;
        } catch (ZipException e) {
            throw new Refused(from.toAbsolutePath() + " is not a DataSaaS backup (not a zip file: " + e.getMessage()
                    + "). Use a file written by `datasaas backup` or POST /api/admin/backups.");
        }
    }

    private static BackupManifest readManifest(ZipFile zip, Path from) throws Refused, IOException {
        ZipEntry entry = zip.getEntry(BackupManifest.FILE_NAME);
        if (entry == null) {
            throw new Refused(from.toAbsolutePath() + " has no " + BackupManifest.FILE_NAME
                    + ", so it is not a DataSaaS backup. Use a file written by `datasaas backup` or"
                    + " POST /api/admin/backups.");
        }
        BackupManifest manifest;
        try (InputStream in = zip.getInputStream(entry)) {
            manifest = BackupManifest.JSON.readValue(in, BackupManifest.class);
        } catch (JacksonException e) {
            throw new Refused(
                    "The manifest of " + from.toAbsolutePath() + " cannot be read: " + e.getOriginalMessage());
        }
        if (!BackupManifest.FORMAT.equals(manifest.format())) {
            throw new Refused(
                    from.toAbsolutePath() + " is not a DataSaaS backup (format '" + manifest.format() + "').");
        }
        if (manifest.formatVersion() > BackupManifest.FORMAT_VERSION) {
            throw new Refused("This backup was written by DataSaaS " + manifest.appVersion() + " in format version "
                    + manifest.formatVersion() + ", newer than this version reads (" + BackupManifest.FORMAT_VERSION
                    + "). Restore it with that version or a newer one.");
        }
        return manifest;
    }

    private static void unpack(ZipFile zip, BackupManifest.Content content, Path dataDir) throws Refused, IOException {
        String name = content.path();
        boolean known = TOP_LEVEL.contains(name)
                || (name.startsWith(Backup.SPOOL + "/") && !name.contains("..") && !name.contains("\\"));
        Path target = dataDir.resolve(name).normalize();
        if (!known || !target.startsWith(dataDir.normalize())) {
            throw new Refused("The backup names an unexpected file '" + name + "'; it was not written by DataSaaS.");
        }
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) {
            throw new Refused("The backup is incomplete: " + name + " is listed in the manifest but missing.");
        }
        Files.createDirectories(target.getParent());
        if (name.equals(Backup.SECRET_KEY)) {
            createOwnerOnly(target);
        }
        // Written into the file (not replaced), so secret.key keeps the owner-only permissions it was created with.
        try (InputStream in = zip.getInputStream(entry);
                OutputStream out = Files.newOutputStream(target)) {
            in.transferTo(out);
        }
        if (Files.size(target) != content.bytes() || !Backup.sha256(target).equals(content.sha256())) {
            throw new Refused("The backup is damaged: " + name + " does not match the checksum in its manifest.");
        }
    }

    private static void createOwnerOnly(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file); // not a POSIX file system: rely on the folder's ACL
        }
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return false;
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static void emptyFolder(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            entries.forEach(Backup::deleteTree);
        } catch (IOException ignored) {
            // best effort: the error that got us here is the one to report
        }
    }
}
