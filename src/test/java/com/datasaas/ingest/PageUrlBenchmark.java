package com.datasaas.ingest;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A page URL's parts the two ways, alternating in one JVM over the URLs {@code bench/ingest.lua} sends: {@code new URI}
 * then its getters (what the endpoint did before {@link PageUrl}), and {@link PageUrl#parse}. Thread CPU time per URL.
 * A benchmark run by command, not a test:
 *
 * <pre>./mvnw -q test -Dtest=PageUrlBenchmark [-Dbench.urls=2000000] [-Dbench.rounds=4]</pre>
 */
class PageUrlBenchmark {
    private static final String[] PAGES = {
        "/", "/pricing", "/blog", "/blog/how-we-count", "/docs", "/docs/api", "/signup", "/about"
    };

    @Test
    void cpu_per_url_of_uri_and_of_the_scan() throws URISyntaxException {
        int count = Integer.getInteger("bench.urls", 2_000_000);
        int rounds = Integer.getInteger("bench.rounds", 4);
        String[] urls = new String[4096];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < urls.length; i++) {
            // new strings, as each request's body gives
            urls[i] =
                    new String("https://example.com" + PAGES[random.nextInt(PAGES.length)] + "?utm_source=newsletter");
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int round = 1; round <= rounds; round++) {
            long cpu = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < count; i++) {
                URI uri = new URI(urls[i & (urls.length - 1)].strip());
                sink += uri.getHost().length()
                        + uri.getRawPath().length()
                        + uri.getRawQuery().length();
            }
            long byUri = threads.getCurrentThreadCpuTime() - cpu;
            cpu = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < count; i++) {
                PageUrl page = PageUrl.parse(urls[i & (urls.length - 1)]);
                sink += page.host().length()
                        + page.rawPath().length()
                        + page.rawQuery().length();
            }
            long byScan = threads.getCurrentThreadCpuTime() - cpu;
            System.out.printf(
                    "round %d: URI %.3f us, PageUrl %.3f us per URL (%,d URLs each)%n",
                    round, byUri / 1000.0 / count, byScan / 1000.0 / count, count);
        }
        System.out.println("(checksum " + sink + ")");
    }
}
