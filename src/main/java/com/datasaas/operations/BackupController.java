package com.datasaas.operations;

import com.datasaas.app.ApiException;
import com.datasaas.app.DataSaasProperties;
import com.datasaas.events.DuckDbEventStore;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/admin/backups}: a backup of the running instance, streamed as the response body, while ingest goes
 * on. The snapshots are taken before the first byte is sent, so a failure is still a JSON error; once streaming
 * starts, a failure cuts the download short (the zip then fails to open, and restore says so).
 */
@RestController
final class BackupController {
    private static final Logger log = LoggerFactory.getLogger(BackupController.class);
    private static final DateTimeFormatter FILE_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final InstanceOwner owner;
    /** Absent in server mode: ClickHouse's events are backed up with ClickHouse's own tools (docs/server-mode.md). */
    private final Optional<DuckDbEventStore> events;

    private final DataSource metadata;
    private final DataSaasProperties properties;
    /** One backup at a time: each needs as much free disk as the data it copies. */
    private final Semaphore running = new Semaphore(1);

    BackupController(
            InstanceOwner owner,
            Optional<DuckDbEventStore> events,
            DataSource metadata,
            DataSaasProperties properties) {
        this.owner = owner;
        this.events = events;
        this.metadata = metadata;
        this.properties = properties;
    }

    @PostMapping("/api/admin/backups")
    @ApiResponse(
            responseCode = "200",
            description = "The backup, streamed as a zip (`Content-Disposition: attachment`); restore it with"
                    + " the `restore` command (docs/deploy.md, Backups).",
            content = @Content(mediaType = "application/zip", schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(
            responseCode = "403",
            description = "Not the instance owner (the first account), a read-only or site-limited API key, or a"
                    + " cookie request without the X-XSRF-TOKEN header.")
    @ApiResponse(
            responseCode = "409",
            description = "A backup is already being taken (try again when it is done), or events are in ClickHouse"
                    + " (server mode), which is backed up with its own tools.")
    @ApiResponse(
            responseCode = "500",
            description = "Taking the snapshots failed (most often: not enough free disk in the data dir).")
    void create(
            @Parameter(
                            description = "Whether the zip holds the instance's secret key (needed to read stored"
                                    + " provider credentials after a restore).",
                            schema =
                                    @Schema(
                                            allowableValues = {"include", "leave_out"},
                                            defaultValue = "include"))
                    @RequestParam(name = "secret_key", defaultValue = "include")
                    String secretKey,
            HttpServletResponse response)
            throws IOException {
        owner.require("take backups");
        if (events.isEmpty()) {
            throw new ApiException(
                    HttpStatus.CONFLICT,
                    "Events are in ClickHouse (server mode): back them up with ClickHouse's own tools and the metadata"
                            + " database with its own; see docs/server-mode.md.");
        }
        Backup.SecretKey keyPolicy = switch (secretKey) {
            case "include" -> Backup.SecretKey.INCLUDE;
            case "leave_out" -> Backup.SecretKey.LEAVE_OUT;
            default ->
                throw ApiException.badRequest("Parameter 'secret_key' must be 'include' (default) or 'leave_out'.");
        };
        if (!running.tryAcquire()) {
            throw new ApiException(HttpStatus.CONFLICT, "A backup is already being taken. Try again when it is done.");
        }
        try (Backup backup = take(keyPolicy)) {
            response.setStatus(HttpStatus.OK.value());
            response.setContentType("application/zip");
            response.setHeader(
                    HttpHeaders.CONTENT_DISPOSITION,
                    "attachment; filename=\"datasaas-backup-"
                            + FILE_TIME.format(backup.manifest().createdAt()) + ".zip\"");
            response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
            backup.writeTo(response.getOutputStream());
            response.flushBuffer();
            log.info("Online backup sent: {}", backup.manifest().contents().size() + " files");
        } finally {
            running.release();
        }
    }

    private Backup take(Backup.SecretKey keyPolicy) {
        try {
            return Backup.take(
                    properties.dataDir(),
                    events.orElseThrow()::snapshotTo,
                    target -> {
                        try (Connection c = metadata.getConnection()) {
                            Backup.vacuumInto(c, target);
                        }
                    },
                    keyPolicy,
                    "online",
                    Versions.app());
        } catch (IOException | SQLException | RuntimeException e) {
            log.error("Taking a backup failed", e);
            throw new ApiException(
                    HttpStatus.INTERNAL_SERVER_ERROR,
                    "Taking the backup failed: " + e.getMessage()
                            + ". Check free disk space in the data dir (a backup needs about as much as the data).");
        }
    }
}
