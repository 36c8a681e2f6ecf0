package com.datasaas.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** The heap flags are set on this very JVM, except the ones its command line set (those stay the operator's). */
class HeapReleaseTest {
    @Test
    void sets_the_manageable_heap_flags_the_command_line_left_at_their_defaults() {
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        var before =
                HeapRelease.FLAGS.keySet().stream().map(hotspot::getVMOption).toList();

        HeapRelease.apply();

        for (VMOption option : before) {
            VMOption now = hotspot.getVMOption(option.getName());
            if (option.getOrigin() == VMOption.Origin.DEFAULT) {
                assertThat(now.getValue()).as(option.getName()).isEqualTo(HeapRelease.FLAGS.get(option.getName()));
            } else {
                assertThat(now.getValue()).as(option.getName()).isEqualTo(option.getValue());
            }
        }
        assertThat(Long.parseLong(hotspot.getVMOption("MinHeapFreeRatio").getValue()))
                .isLessThan(
                        Long.parseLong(hotspot.getVMOption("MaxHeapFreeRatio").getValue()));
    }
}
