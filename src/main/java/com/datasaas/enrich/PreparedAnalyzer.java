package com.datasaas.enrich;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import nl.basjes.parse.useragent.UserAgentAnalyzer;
import nl.basjes.parse.useragent.Version;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user agent analyzer built once, at build time, and read at start-up instead of built again.
 *
 * <p>Building Yauaa's analyzer parses its 87 rule files and derives ~200,000 matcher entries from them: ~1.5-1.8
 * CPU-s of the start's ~10 on two cores, plus the compilers' work on that code and the garbage it leaves. Reading the
 * same structure back with Kryo, which Yauaa supports for exactly this (its classes carry their own serializers and
 * {@link UserAgentAnalyzer#configureKryo} registers them), takes about half the CPU and leaves ~15 MB less live heap
 * (docs/benchmarks.md, "Start-up and idle memory (2026-12-06, evening)").
 *
 * <p>The file is a build output next to the jar, written by the launcher's {@code datasaas cds-archive} step together
 * with the class data sharing archive, never committed or downloaded: it is trusted as the jar is. It starts with a
 * header naming this format, Yauaa's exact build and the fields asked for; a file written for anything else is not
 * read, and a missing, stale or unreadable file only means the analyzer is built as before.
 */
public final class PreparedAnalyzer {
    private static final Logger log = LoggerFactory.getLogger(PreparedAnalyzer.class);

    /** Bumped when what is written changes. */
    private static final String FORMAT = "datasaas-user-agent-analyzer/1";

    private static final int BUFFER = 1 << 20;

    static {
        // Kryo reads fields through sun.misc.Unsafe unless told not to, and JDK 24+ prints a four-line "terminally
        // deprecated method" warning at its first use (and will refuse it later, JEP 471). Plain reflection read this
        // file in the same CPU on JDK 17 and gives the same bytes; set before Kryo's classes load, which happens
        // only through this class. An operator's -Dkryo.unsafe wins.
        if (System.getProperty("kryo.unsafe") == null) {
            System.setProperty("kryo.unsafe", "false");
        }
    }

    private PreparedAnalyzer() {}

    /** What a file must start with to be read by this build: format, Yauaa build and fields. */
    static String header() {
        return FORMAT + " yauaa " + Version.getInstance().getProjectVersion() + " "
                + Version.getInstance().getGitCommitId() + " fields " + String.join(",", UserAgentParser.FIELDS);
    }

    /** Builds the analyzer exactly as {@link UserAgentParser} does and writes it to {@code file} (replacing it). */
    public static void write(Path file) throws IOException {
        write(file, UserAgentParser.newAnalyzer());
    }

    static void write(Path file, UserAgentAnalyzer analyzer) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (OutputStream stream = Files.newOutputStream(partial);
                Output output = new Output(stream, BUFFER)) {
            output.writeString(header());
            kryo().writeObject(output, analyzer);
        }
        // a reader never sees half a file: the service may start while the build writes a new one
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The analyzer in {@code file}, or null (logged) when it is missing, for another build, or unreadable. */
    static UserAgentAnalyzer read(Path file) {
        if (!Files.isReadable(file)) {
            log.info("No prepared user agent analyzer at {}: building it", file);
            return null;
        }
        try (InputStream stream = Files.newInputStream(file);
                Input input = new Input(stream, BUFFER)) {
            String header = input.readString();
            if (!header().equals(header)) {
                log.info(
                        "The prepared user agent analyzer {} was written for '{}', not '{}': building it",
                        file,
                        header,
                        header());
                return null;
            }
            return kryo().readObject(input, UserAgentAnalyzer.class);
        } catch (IOException | RuntimeException e) {
            log.warn("The prepared user agent analyzer {} could not be read ({}): building it", file, e.toString());
            return null;
        }
    }

    private static Kryo kryo() {
        Kryo kryo = new Kryo();
        UserAgentAnalyzer.configureKryo(kryo);
        return kryo;
    }
}
