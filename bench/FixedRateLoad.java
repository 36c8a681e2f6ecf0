import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load at a fixed rate (wrk measures closed-loop throughput; latency at a given rate needs requests sent on
 * schedule whatever the server does). Latency is measured from the scheduled send time, so queueing counts, also
 * queueing for a free connection. Requests go over a fixed pool of keep-alive connections, one blocking thread each,
 * like a reverse proxy in front of the service: a client that opened a connection per request would measure its own
 * connection set-up (and run out of ports) long before the server.
 * Usage: java bench/FixedRateLoad.java http://127.0.0.1:8080 mrf_SITE 2500 30 [connections]
 * Prints the percentiles of every request, then of those after the first WARM_UP_SECONDS (default 2) of sends.
 */
public class FixedRateLoad {
    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        String site = args[1];
        int rate = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int connections = args.length > 4 ? Integer.parseInt(args[4]) : 64;
        int total = rate * seconds;
        long[] latencies = new long[total];
        AtomicInteger failures = new AtomicInteger();
        java.util.Map<String, AtomicInteger> failuresByKind = new java.util.concurrent.ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(total);
        BlockingQueue<long[]> due = new ArrayBlockingQueue<>(total);
        String[] pages = {"/", "/pricing", "/blog", "/docs", "/signup"};

        for (int c = 0; c < connections; c++) {
            Random random = new Random(42 + c);
            Thread worker = new Thread(() -> {
                Connection connection = null;
                while (true) {
                    long[] job;
                    try {
                        job = due.take();
                    } catch (InterruptedException e) {
                        return;
                    }
                    String failure = null;
                    try {
                        if (connection == null) connection = Connection.open(base);
                        connection.out.write(request(base, site, pages, random));
                        connection.out.flush();
                        int status = readStatus(connection.in);
                        if (Math.abs(status) != 202) failure = "HTTP " + Math.abs(status);
                        if (status < 0) {
                            // The server said "Connection: close" (Tomcat does after max-keep-alive-requests).
                            connection.close();
                            connection = null;
                        }
                    } catch (IOException | RuntimeException e) {
                        failure = e.getClass().getSimpleName();
                        if (connection != null) connection.close();
                        connection = null;
                    }
                    latencies[(int) job[0]] = System.nanoTime() - job[1];
                    if (failure != null) {
                        failures.incrementAndGet();
                        failuresByKind.computeIfAbsent(failure, k -> new AtomicInteger()).incrementAndGet();
                    }
                    done.countDown();
                }
            });
            worker.setDaemon(true);
            worker.start();
        }

        long startEpochMillis = System.currentTimeMillis();
        long start = System.nanoTime();
        long interval = 1_000_000_000L / rate;
        for (int i = 0; i < total; i++) {
            long scheduled = start + i * interval;
            long wait = scheduled - System.nanoTime();
            if (wait > 0) LockSupport.parkNanos(wait);
            due.add(new long[] {i, scheduled});
        }
        done.await();
        double elapsed = (System.nanoTime() - start) / 1e9;
        String timeline = System.getenv("TIMELINE");
        if (timeline != null) writeTimeline(timeline, latencies, rate, startEpochMillis);
        // The first seconds also time this generator's own start: its code still interpreted, its 64 connections
        // opened by their first requests. Both lines are printed, so a tail from the start shows as one.
        int warmUp = Math.min(total - 1, rate * Integer.parseInt(System.getenv().getOrDefault("WARM_UP_SECONDS", "2")));
        long[] steady = Arrays.copyOfRange(latencies, warmUp, total);
        Arrays.sort(latencies);
        Arrays.sort(steady);
        System.out.printf(
                "rate %d/s for %d s over %d connections: %d requests in %.1f s, failures %d %s%n",
                rate, seconds, connections, total, elapsed, failures.get(), failuresByKind);
        System.out.println("latency " + percentiles(latencies));
        System.out.printf("latency after the first %d requests (warm-up): %s%n", warmUp, percentiles(steady));
        System.exit(0);
    }

    private static String percentiles(long[] sorted) {
        int n = sorted.length;
        return String.format(
                "p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms",
                sorted[n / 2] / 1e6, sorted[(int) (n * 0.99)] / 1e6, sorted[(int) (n * 0.999)] / 1e6, sorted[n - 1] / 1e6);
    }

    /**
     * With TIMELINE=file: one line per 100 ms of scheduled sends, "epoch-ms count p99-ms max-ms", so slow requests can
     * be lined up with the app's GC log and its own log lines (bench/tail_timeline.py).
     */
    private static void writeTimeline(String file, long[] latencies, int rate, long startEpochMillis)
            throws IOException {
        int perBin = Math.max(1, rate / 10);
        StringBuilder out = new StringBuilder();
        for (int from = 0; from < latencies.length; from += perBin) {
            long[] bin = Arrays.copyOfRange(latencies, from, Math.min(latencies.length, from + perBin));
            Arrays.sort(bin);
            out.append(startEpochMillis + (long) from * 1000 / rate)
                    .append(' ')
                    .append(bin.length)
                    .append(String.format(" %.2f %.2f%n", bin[(int) (bin.length * 0.99)] / 1e6, bin[bin.length - 1] / 1e6));
        }
        java.nio.file.Files.writeString(java.nio.file.Path.of(file), out);
    }

    record Connection(Socket socket, InputStream in, OutputStream out) {
        static Connection open(URI base) throws IOException {
            Socket socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
            socket.setSoTimeout(30_000);
            return new Connection(socket, new BufferedInputStream(socket.getInputStream()), socket.getOutputStream());
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }

    private static byte[] request(URI base, String site, String[] pages, Random random) {
        String visitor = "v" + random.nextInt(100_000);
        String body = "{\"website_id\":\"" + site + "\",\"visitor_id\":\"" + visitor + "\",\"session_id\":\"s"
                + visitor + "\",\"url\":\"https://example.com" + pages[random.nextInt(pages.length)]
                + "\",\"referrer\":\"https://www.google.com/\",\"screen_width\":1280}";
        String ip = (1 + random.nextInt(222)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "."
                + (1 + random.nextInt(254));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST /api/events HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                + "\r\nContent-Type: text/plain\r\n"
                + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0\r\n"
                + "X-Forwarded-For: " + ip + "\r\nContent-Length: " + bytes.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(headBytes, headBytes.length + bytes.length);
        System.arraycopy(bytes, 0, all, headBytes.length, bytes.length);
        return all;
    }

    /**
     * Reads one response (status line, headers, a Content-Length or chunked body) and returns its status, negated
     * when the server closes the connection after it.
     */
    private static int readStatus(InputStream in) throws IOException {
        String status = line(in);
        int code = Integer.parseInt(status.substring(9, 12));
        long length = 0;
        boolean chunked = false;
        boolean closing = false;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            String lower = header.toLowerCase();
            if (lower.startsWith("content-length:")) length = Long.parseLong(header.substring(15).trim());
            if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
            if (lower.startsWith("connection:") && lower.contains("close")) closing = true;
        }
        if (chunked) {
            for (long size = Long.parseLong(line(in).trim(), 16); size > 0; size = Long.parseLong(line(in).trim(), 16)) {
                in.skipNBytes(size);
                line(in);
            }
            line(in);
        } else {
            in.skipNBytes(length);
        }
        return closing ? -code : code;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) throw new IOException("connection closed");
            if (b != '\r') line.append((char) b);
        }
        return line.toString();
    }
}
