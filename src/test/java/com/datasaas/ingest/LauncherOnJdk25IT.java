package com.datasaas.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.ApiClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The launcher's JDK 24+ part, on a real JDK 25 (the JDK the tests run on is usually 17, whose path PersistenceIT
 * covers): `datasaas cds-archive` writes an ahead-of-time cache next to the jar, and the service started on that JDK
 * uses it (mapped, no refusal), with compact object headers, native access enabled for DuckDB's and SQLite's JNI and
 * the same collector and heap as on JDK 17, then takes events. The JDK is JDK25_HOME, else the newest JDK 25+ under
 * /usr/lib/jvm (the build machines have one); with none the test is skipped and says so.
 */
class LauncherOnJdk25IT {
    static final Path JVM_FOLDER = Path.of("/usr/lib/jvm");
    static final Path CACHE = PersistenceIT.LAUNCHER.resolveSibling("datasaas.aot");
    static final Duration TRAINING_TIMEOUT = Duration.ofMinutes(10);
    static final int VISITORS = 20;

    Process service;

    @AfterEach
    void stopService() {
        if (service != null && service.isAlive()) service.destroyForcibly();
    }

    @Test
    void launcher_on_jdk_25_trains_and_uses_its_ahead_of_time_cache() throws Exception {
        Path jdk = jdk25().orElse(null);
        if (jdk == null) {
            String why = "SKIPPED: no JDK 25 or later (JDK25_HOME unset, none under " + JVM_FOLDER
                    + "): the launcher's JDK 25 path (AOT cache, compact object headers) is not tested here";
            System.out.println(why);
            Assumptions.abort(why);
        }
        assertThat(PersistenceIT.JAR).as("the runnable jar (`./mvnw package`)").isRegularFile();
        Path work = Files.createDirectories(Path.of("target", "launcher-jdk25-it"));
        Path logDir = Files.createTempDirectory(work.toAbsolutePath(), "run-");

        // 1. the training run, on that JDK: it writes the cache next to the jar (beside JDK 17's datasaas.jsa)
        Path trainingLog = logDir.resolve("cds-archive.log");
        ProcessBuilder training = PersistenceIT.launch(trainingLog);
        training.command().add("cds-archive");
        training.environment().put("JAVA_HOME", jdk.toString());
        Process trainer = training.start();
        assertThat(trainer.waitFor(TRAINING_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .as("the training run ends within " + TRAINING_TIMEOUT)
                .isTrue();
        String trainingOutput = Files.readString(trainingLog);
        assertThat(trainer.exitValue())
                .as("cds-archive's exit code; output:\n" + trainingOutput)
                .isZero();
        assertThat(trainingOutput).contains("wrote " + CACHE.toAbsolutePath());
        assertThat(CACHE).isRegularFile();
        assertThat(Files.size(CACHE)).as("cache size").isGreaterThan(10L << 20);

        // 2. the service on that JDK
        int port = PersistenceIT.freePort();
        Path log = logDir.resolve("service.log");
        ProcessBuilder builder = PersistenceIT.launch(log);
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", jdk.toString());
        env.remove("SPRING_PROFILES_ACTIVE");
        env.put("DATASAAS_DATA_DIR", logDir.resolve("data").toString());
        env.put("PORT", Integer.toString(port));
        env.put("DATASAAS_REGISTRATION", "open");
        env.put("DATASAAS_TRUSTED_PROXIES", "127.0.0.1/32");
        service = builder.start();
        awaitHealthy(port, log);

        List<String> commandLine = List.of(Files.readString(Path.of("/proc", Long.toString(service.pid()), "cmdline"))
                .split("\0"));
        assertThat(commandLine.get(0))
                .as("the launcher exec'd that JDK's java (same process)")
                .isEqualTo(jdk.resolve("bin/java").toString());
        assertThat(commandLine)
                .as("the service's own command line")
                .contains("-XX:+UseCompactObjectHeaders", "--enable-native-access=ALL-UNNAMED")
                .contains("-XX:+UseSerialGC", "-Xms448m", "-Xmx448m", "-Xmn64m", "-XX:SurvivorRatio=4", "-jar")
                .contains("-XX:TrimNativeHeapInterval=10000")
                .contains("-XX:AOTCache=" + CACHE.toAbsolutePath())
                .noneMatch(arg -> arg.startsWith("-XX:SharedArchiveFile="));
        // A cache the JVM refuses (another JDK build, flags that differ from the training run's) is unmapped again
        // and announced with a warning; one in use stays mapped for the life of the process.
        assertThat(Files.readString(Path.of("/proc", Long.toString(service.pid()), "maps")))
                .as("the AOT cache is mapped into the service")
                .contains(CACHE.toAbsolutePath().toString());
        assertThat(Files.readString(log))
                .as("no cache refusal and no restricted-method warning at start")
                .doesNotContain("Unable to use AOT cache")
                .doesNotContain("[aot")
                .doesNotContain("restricted method");

        // 3. it takes events (the embedded stores' native code runs) and counts them
        ApiClient owner = new ApiClient(port).signUp("owner@example.com");
        String siteId = owner.createWebsite("example.com");
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int visitor = 0; visitor < VISITORS; visitor++) {
            HttpResponse<Void> response = http.send(
                    PersistenceIT.event(port, siteId, visitor, "pageview", 0), HttpResponse.BodyHandlers.discarding());
            assertThat(response.statusCode()).as("event of visitor " + visitor).isEqualTo(202);
        }
        assertThat(owner.get("/api/realtime?siteId=" + siteId)
                        .json()
                        .path("online")
                        .asInt())
                .as("realtime count")
                .isEqualTo(VISITORS);
        System.out.printf(
                "JDK 25 launcher: %s, cache %d MB, RSS %d MB after %d events%n",
                jdk, Files.size(CACHE) >> 20, PersistenceIT.rssKb(service) / 1024, VISITORS);

        service.destroy();
        assertThat(service.waitFor(30, TimeUnit.SECONDS))
                .as("the service exits on SIGTERM")
                .isTrue();
        assertThat(Files.readString(log)).as("no warning from the JDK").doesNotContain("WARNING:");
    }

    void awaitHealthy(int port, Path log) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                .timeout(Duration.ofSeconds(2))
                .build();
        long deadline = System.nanoTime() + PersistenceIT.START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!service.isAlive()) {
                throw new AssertionError("The service exited with " + service.exitValue() + " during start-up; log:\n"
                        + PersistenceIT.tail(log));
            }
            try {
                HttpResponse<String> response = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains("\"UP\"")) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("The service did not report UP within " + PersistenceIT.START_TIMEOUT + "; log:\n"
                + PersistenceIT.tail(log));
    }

    /** JDK25_HOME, else the JDK 25+ under /usr/lib/jvm with the highest version (its `release` file says). */
    static Optional<Path> jdk25() throws IOException {
        String home = System.getenv("JDK25_HOME");
        if (home != null && !home.isBlank()) {
            Path jdk = Path.of(home).toRealPath();
            assertThat(feature(jdk))
                    .as("JDK25_HOME's feature version (" + jdk + ")")
                    .isGreaterThanOrEqualTo(25);
            return Optional.of(jdk);
        }
        if (!Files.isDirectory(JVM_FOLDER)) return Optional.empty();
        try (Stream<Path> jdks = Files.list(JVM_FOLDER)) {
            return jdks.filter(jdk -> Files.isExecutable(jdk.resolve("bin/java")))
                    .filter(jdk -> feature(jdk) >= 25)
                    .max(Comparator.comparingInt(LauncherOnJdk25IT::feature))
                    .map(jdk -> {
                        try {
                            return jdk.toRealPath();
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    });
        }
    }

    static final Pattern JAVA_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

    /** The feature version in a JDK's `release` file, 0 when it has none (the launcher reads the same line). */
    static int feature(Path jdk) {
        try {
            Matcher m = JAVA_VERSION.matcher(Files.readString(jdk.resolve("release"), StandardCharsets.UTF_8));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException noReleaseFile) {
            return 0;
        }
    }
}
