package com.datasaas.ingest;

import com.datasaas.enrich.UserAgentParser;
import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Gives back to the operating system the heap that start-up and load bursts leave committed but unused.
 *
 * <p>The README starts the service with a plain {@code java -jar}, and a jar cannot carry JVM flags, so the JVM sizes
 * its heap from the machine (a quarter of its memory) and G1 keeps whatever it once committed: 750 MB after start-up
 * on a 24 GB machine with 170 MB live. A few of HotSpot's heap-sizing flags are "manageable", that is settable while
 * the JVM runs, and these are set here, once the service is ready: G1 (and the serial collector) then shrink the heap
 * down to the live data plus a margin after each full or concurrent collection, and an idle process gets a concurrent
 * collection every minute. A flag given on the command line (an operator's choice) is left as it is.
 *
 * <p>The one explicit collection after start-up collects what the context and the user agent analyzer's build left
 * behind (the analyzer's parsed rule files are garbage once its matchers are built); it runs once both are done, on a
 * background thread, not on a request. Under load the smaller heap costs CPU (more concurrent marking: +11% CPU per
 * event in docs/benchmarks.md); an operator who prefers that trade the other way sets the flags on the command line.
 */
@Component
final class HeapRelease {
    private static final Logger log = LoggerFactory.getLogger(HeapRelease.class);

    /**
     * Manageable flags and the values set. Free ratios: shrink when more than 30% of the heap is free after a
     * collection, grow when less than 10%. The periodic collection (milliseconds) only runs when no collection ran for
     * that long, so it costs nothing under load.
     */
    static final Map<String, String> FLAGS = Map.of(
            "MinHeapFreeRatio", "10",
            "MaxHeapFreeRatio", "30",
            "G1PeriodicGCInterval", "60000");

    private final UserAgentParser userAgents;

    HeapRelease(UserAgentParser userAgents) {
        this.userAgents = userAgents;
    }

    @EventListener(ApplicationReadyEvent.class)
    void onReady() {
        if (apply() == 0) return;
        // A heap fixed in size (the launcher's -Xms = -Xmx) gives nothing back, and the full collection would pause
        // the first requests just as health turns UP (0.4-1.3 s under load, docs/benchmarks.md round 3).
        Runtime runtime = Runtime.getRuntime();
        if (runtime.totalMemory() >= runtime.maxMemory()) return;
        // With the ratios above, the collection shrinks the heap to the live data plus 30%.
        userAgents.whenReady(() -> {
            Thread collect = new Thread(System::gc, "heap-release");
            collect.setDaemon(true);
            collect.start();
        });
    }

    /** Sets every flag above that is still at the JVM's default; returns how many were set. */
    static int apply() {
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        if (hotspot == null) return 0;
        int set = 0;
        // MinHeapFreeRatio must stay below MaxHeapFreeRatio at every step: lower the minimum first.
        for (String name : new String[] {"MinHeapFreeRatio", "MaxHeapFreeRatio", "G1PeriodicGCInterval"}) {
            try {
                VMOption option = hotspot.getVMOption(name);
                if (option.getOrigin() != VMOption.Origin.DEFAULT || !option.isWriteable()) continue;
                hotspot.setVMOption(name, FLAGS.get(name));
                set++;
            } catch (IllegalArgumentException e) {
                // not this JVM's flag (another vendor or collector): nothing to release with it
                log.debug("Heap flag {} not set: {}", name, e.getMessage());
            }
        }
        return set;
    }
}
