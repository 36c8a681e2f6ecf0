package com.datasaas.operations;

import com.datasaas.support.ApiClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the built jar as an operator would: its own process, the working directory a temp folder (never the project
 * root, so nothing is found relative to it by accident), configuration through DATASAAS_* variables only.
 */
final class JarProcess {
    static final Path JAR = Path.of("target", "datasaas.jar").toAbsolutePath();
    static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    record Result(int exitCode, String out) {}

    private final Path workDir;
    private final List<Process> started = new ArrayList<>();
    private int runs;

    JarProcess(Path workDir) {
        this.workDir = workDir;
    }

    /** A started server and its port. */
    record Server(Process process, int port, Path log) {
        ApiClient client() {
            return new ApiClient(port);
        }

        void stop() throws InterruptedException {
            process.destroy(); // SIGTERM: the graceful stop flushes the write buffer
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the server did not stop within 60 s of SIGTERM; log: " + log);
            }
        }
    }

    Server serve(Path jar, Path dataDir) throws Exception {
        return serve(jar, dataDir, freePort());
    }

    Server serve(Path jar, Path dataDir, int port) throws Exception {
        return serve(jar, dataDir, port, Integer.toString(port));
    }

    /** Starts the server with {@code PORT=envPort} and the given arguments (which may choose another port). */
    Server serve(Path jar, Path dataDir, int port, String envPort, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        Path log = workDir.resolve("server-" + (++runs) + ".log");
        ProcessBuilder builder =
                builder(command, dataDir).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("PORT", envPort);
        Process process = builder.start();
        started.add(process);
        awaitHealthy(process, port, log);
        return new Server(process, port, log);
    }

    Server serve(Path dataDir) throws Exception {
        return serve(JAR, dataDir);
    }

    /** Runs a command of the jar to its end, with {@code stdin} as standard input. */
    Result run(Path dataDir, String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return runCommand(builder(command, dataDir), stdin);
    }

    Result runCommand(ProcessBuilder builder, String stdin) throws Exception {
        Path out = workDir.resolve("command-" + (++runs) + ".log");
        builder.redirectErrorStream(true).redirectOutput(out.toFile());
        Process process = builder.start();
        started.add(process);
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("command " + builder.command() + " did not end; output: " + Files.readString(out));
        }
        return new Result(process.exitValue(), Files.readString(out));
    }

    ProcessBuilder builder(List<String> command, Path dataDir) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        Map<String, String> env = builder.environment();
        env.remove("SPRING_PROFILES_ACTIVE");
        env.remove("DATASAAS_GEOIP_DB");
        env.put("DATASAAS_DATA_DIR", dataDir.toString());
        env.put("DATASAAS_REGISTRATION", "open");
        env.put("DATASAAS_TRUSTED_PROXIES", "127.0.0.1/32");
        env.put("DATASAAS_INGEST_FLUSH_INTERVAL", "100ms");
        return builder;
    }

    void killLeftovers() {
        for (Process p : started) {
            if (p.isAlive()) p.destroyForcibly();
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void awaitHealthy(Process process, int port, Path log) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                .timeout(Duration.ofSeconds(2))
                .build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the server exited with " + process.exitValue() + " during start-up; log:\n"
                        + Files.readString(log));
            }
            try {
                HttpResponse<String> response = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200
                        && ApiClient.JSON
                                .readTree(response.body())
                                .path("status")
                                .asString()
                                .equals("UP")) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the server did not report UP within " + START_TIMEOUT + "; log: " + log);
    }
}
