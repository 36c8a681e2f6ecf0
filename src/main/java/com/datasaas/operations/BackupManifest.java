package com.datasaas.operations;

import java.time.Instant;
import java.util.List;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code manifest.json} of a backup file: what it holds and how to check it.
 *
 * @param format always {@value #FORMAT}, so a stray zip is refused by name
 * @param formatVersion bumped when the layout changes; restore refuses versions it does not know
 * @param appVersion the DataSaaS version that wrote it (a newer one migrates the stores on start)
 * @param mode {@code online} (taken through the API while the service ran) or {@code offline} (the command line)
 * @param secretKey {@code included}, {@code left_out} (asked for), or {@code not_in_data_dir} (set by
 *     DATASAAS_SECRET_KEY, or no provider was ever connected)
 */
public record BackupManifest(
        String format,
        int formatVersion,
        String appVersion,
        Instant createdAt,
        String mode,
        String secretKey,
        List<Content> contents) {

    public static final String FORMAT = "datasaas-backup";
    public static final int FORMAT_VERSION = 1;
    public static final String FILE_NAME = "manifest.json";

    static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build();

    /** One file of the data dir, at the same relative path in the archive. */
    public record Content(String path, long bytes, String sha256) {}

    public BackupManifest {
        contents = List.copyOf(contents);
    }
}
