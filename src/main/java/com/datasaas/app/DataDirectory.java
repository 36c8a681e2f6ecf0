package com.datasaas.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The data dir and everything in it belong to the service's user alone: the dir is 0700 and its files 0600
 * (metadata database, event database, secret key, and the WAL and journal files the databases create later). Made
 * here, before any store opens (the stores depend on this bean); files that appear later are set to 0600 as they are
 * created, and the 0700 dir keeps other users out even in between. On file systems without POSIX permissions
 * (Windows) this does nothing.
 */
@Component("dataDirectory")
public final class DataDirectory implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(DataDirectory.class);
    static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private final Path path;
    private final WatchService watcher;

    public DataDirectory(DataSaasProperties properties) {
        this.path = properties.dataDir().toAbsolutePath();
        boolean posix;
        try {
            Files.createDirectories(path);
            posix = Files.getFileStore(path).supportsFileAttributeView("posix");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the data directory " + path, e);
        }
        if (!posix) {
            this.watcher = null;
            return;
        }
        restrict(path, DIR);
        try (Stream<Path> files = Files.list(path)) {
            files.filter(Files::isRegularFile).forEach(file -> restrict(file, FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the data directory " + path, e);
        }
        this.watcher = watch(path);
    }

    public Path path() {
        return path;
    }

    private static WatchService watch(Path dir) {
        try {
            WatchService service = FileSystems.getDefault().newWatchService();
            dir.register(service, StandardWatchEventKinds.ENTRY_CREATE);
            Thread thread = new Thread(() -> restrictNewFiles(dir, service), "data-dir-permissions");
            thread.setDaemon(true);
            thread.start();
            return service;
        } catch (IOException e) {
            log.warn("Cannot watch {} for new files; they keep the process umask (the dir itself is 0700)", dir, e);
            return null;
        }
    }

    private static void restrictNewFiles(Path dir, WatchService service) {
        try {
            while (true) {
                WatchKey key = service.take();
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.context() instanceof Path name) {
                        Path file = dir.resolve(name);
                        if (Files.isRegularFile(file)) restrict(file, FILE);
                    }
                }
                if (!key.reset()) return;
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // shutting down
        }
    }

    private static void restrict(Path file, Set<PosixFilePermission> permissions) {
        try {
            Files.setPosixFilePermissions(file, permissions);
        } catch (IOException e) {
            // the file may be gone already (SQLite removes its journal); nothing left to protect
            if (Files.exists(file)) log.warn("Cannot set permissions of {}", file, e);
        }
    }

    @Override
    public void destroy() throws IOException {
        if (watcher != null) watcher.close();
    }
}
