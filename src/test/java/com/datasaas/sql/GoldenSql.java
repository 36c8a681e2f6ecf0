package com.datasaas.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden SQL files: the exact text a dialect prints, kept in {@code src/test/resources/stats/golden/<dialect>/} so
 * any change to generated SQL shows up in review. After an intended change, run the golden tests with
 * {@code -Dgolden.update=true} and read the diff.
 */
public final class GoldenSql {
    private GoldenSql() {}

    public static void assertGolden(String dialect, String file, CompiledQuery compiled) {
        String actual = compiled.sql() + "\n";
        String resource = "/stats/golden/" + dialect + "/" + file;
        Path source = Path.of("src/test/resources" + resource);
        if (Boolean.getBoolean("golden.update")) {
            try {
                Files.writeString(source, actual);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return;
        }
        try (InputStream in = GoldenSql.class.getResourceAsStream(resource)) {
            assertThat(in)
                    .as("golden file " + source + " (create it with -Dgolden.update=true)")
                    .isNotNull();
            assertThat(actual).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
