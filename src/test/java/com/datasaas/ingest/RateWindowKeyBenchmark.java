package com.datasaas.ingest;

import com.datasaas.app.ClientAddresses;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A local rate window's key the two ways, alternating in one JVM over random public IPv4 addresses (as
 * {@code bench/ingest.lua} sends): the address as text hashed ({@code ClientAddresses.bucketKey}, then
 * {@code ExpiringLongMap.hash}: what {@link EventRateLimiter} did before), and {@link EventRateLimiter#windowKey} from
 * its bytes. Thread CPU time per key. A benchmark run by command, not a test:
 *
 * <pre>./mvnw -q test -Dtest=RateWindowKeyBenchmark [-Dbench.keys=2000000] [-Dbench.rounds=4]</pre>
 */
class RateWindowKeyBenchmark {
    @Test
    void cpu_per_key_from_text_and_from_bytes() throws UnknownHostException {
        int count = Integer.getInteger("bench.keys", 2_000_000);
        int rounds = Integer.getInteger("bench.rounds", 4);
        InetAddress[] addresses = new InetAddress[65_536];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = InetAddress.getByAddress(new byte[] {
                (byte) (1 + random.nextInt(223)),
                (byte) random.nextInt(256),
                (byte) random.nextInt(256),
                (byte) (1 + random.nextInt(254))
            });
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int round = 1; round <= rounds; round++) {
            long cpu = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < count; i++) {
                sink += ExpiringLongMap.hash(ClientAddresses.bucketKey(addresses[i & (addresses.length - 1)]));
            }
            long byText = threads.getCurrentThreadCpuTime() - cpu;
            cpu = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < count; i++) {
                sink += EventRateLimiter.windowKey(addresses[i & (addresses.length - 1)]);
            }
            long byBytes = threads.getCurrentThreadCpuTime() - cpu;
            System.out.printf(
                    "round %d: text %.3f us, bytes %.3f us per key (%,d keys each)%n",
                    round, byText / 1000.0 / count, byBytes / 1000.0 / count, count);
        }
        System.out.println("(checksum " + sink + ")");
    }
}
