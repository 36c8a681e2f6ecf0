import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open-loop load at a fixed rate (wrk measures closed-loop throughput; latency at a given rate needs requests sent on
 * schedule whatever the server does). Latency is measured from the scheduled send time, so queueing counts.
 * Usage: java bench/FixedRateLoad.java http://127.0.0.1:8080 mrf_SITE 2500 30
 */
public class FixedRateLoad {
    public static void main(String[] args) throws Exception {
        String base = args[0];
        String site = args[1];
        int rate = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int total = rate * seconds;
        long[] latencies = new long[total];
        AtomicInteger failures = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(total);
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4))
                .build();
        Random random = new Random(42);
        String[] pages = {"/", "/pricing", "/blog", "/docs", "/signup"};
        long start = System.nanoTime();
        long interval = 1_000_000_000L / rate;
        for (int i = 0; i < total; i++) {
            long scheduled = start + i * interval;
            long wait = scheduled - System.nanoTime();
            if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
            String visitor = "v" + random.nextInt(100_000);
            String body = "{\"website_id\":\"" + site + "\",\"visitor_id\":\"" + visitor + "\",\"session_id\":\"s"
                    + visitor + "\",\"url\":\"https://example.com" + pages[random.nextInt(pages.length)]
                    + "\",\"referrer\":\"https://www.google.com/\",\"screen_width\":1280}";
            String ip = (1 + random.nextInt(222)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "."
                    + (1 + random.nextInt(254));
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/events"))
                    .header("Content-Type", "text/plain")
                    .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")
                    .header("X-Forwarded-For", ip)
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            int index = i;
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                latencies[index] = System.nanoTime() - scheduled;
                if (error != null || response.statusCode() != 202) failures.incrementAndGet();
                done.countDown();
            });
        }
        done.await();
        double elapsed = (System.nanoTime() - start) / 1e9;
        Arrays.sort(latencies);
        System.out.printf(
                "rate %d/s for %d s: %d requests in %.1f s, failures %d%n", rate, seconds, total, elapsed, failures.get());
        System.out.printf(
                "latency p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                latencies[total / 2] / 1e6, latencies[(int) (total * 0.99)] / 1e6, latencies[total - 1] / 1e6);
        System.exit(0);
    }
}
