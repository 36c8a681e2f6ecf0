package com.datasaas.support;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Debian's Chromium driven by Playwright for Java. The Playwright browser downloads and the bundled Node.js
 * ({@code driver-bundle}) are not used: the {@code driver} artifact carries the platform-independent playwright-core
 * package, run by the machine's Node.js. A missing Chromium or Node.js fails the test with what to install; it never
 * skips.
 */
public final class Chromium {
    /** The flags that make Debian's Chromium quiet and headless-safe in containers and CI. */
    public static final List<String> FLAGS = List.of(
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-proxy-server");

    private Chromium() {}

    /** The Chromium binary: {@code CHROMIUM_PATH}, else {@code /usr/bin/chromium}; fails when it is missing. */
    public static Path executable() {
        String configured = System.getenv("CHROMIUM_PATH");
        Path path = Path.of(configured != null && !configured.isBlank() ? configured : "/usr/bin/chromium");
        if (!Files.isExecutable(path)) {
            throw new AssertionError("Chromium not found at " + path + ". The browser end-to-end tests need Debian's"
                    + " chromium package: install it with `sudo apt-get install chromium` (.ci/run does), or point"
                    + " CHROMIUM_PATH at a Chromium binary.");
        }
        return path;
    }

    /** The Node.js that runs the Playwright driver: {@code PLAYWRIGHT_NODEJS_PATH}, else {@code node} on the PATH. */
    public static Path node() {
        String configured = System.getenv("PLAYWRIGHT_NODEJS_PATH");
        if (configured != null && !configured.isBlank() && Files.isExecutable(Path.of(configured))) {
            return Path.of(configured);
        }
        String pathVariable = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : pathVariable.split(":")) {
            Path candidate = Path.of(dir, "node");
            if (Files.isExecutable(candidate)) return candidate;
        }
        throw new AssertionError("Node.js not found (PATH or PLAYWRIGHT_NODEJS_PATH). The Playwright driver runs on"
                + " the machine's Node.js; install Node.js 18 or newer.");
    }

    /** Starts Playwright on the machine's Node.js. Close it after use. */
    public static Playwright playwright() {
        Path chromium = executable(); // fail on a missing browser before starting the driver
        return Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of(
                        "PLAYWRIGHT_NODEJS_PATH", node().toString(),
                        "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1",
                        "CHROMIUM_PATH", chromium.toString())));
    }

    /** Launches headless Chromium with {@link #FLAGS} and the extra arguments given. */
    public static Browser launch(Playwright playwright, String... extraArgs) {
        List<String> args = new ArrayList<>(FLAGS);
        args.addAll(List.of(extraArgs));
        return playwright
                .chromium()
                .launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(executable())
                        .setHeadless(true)
                        .setArgs(args));
    }
}
