package com.datasaas.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.springframework.core.metrics.StartupStep;

/** The start-up step report charges each step its own CPU time, not that of the steps inside it. */
class StartupStepsTest {

    @Test
    void aStepThatOnlyWaitsForTheStepInsideItIsNotChargedItsWork() {
        StartupSteps steps = new StartupSteps();
        StartupStep outer = steps.start("spring.beans.instantiate").tag("beanName", "ingestPipeline");
        StartupStep inner = steps.start("spring.beans.instantiate").tag("beanName", "eventStore");
        burnCpu(200_000_000L);
        inner.end();
        outer.end();

        String[] lines = steps.report(2).split("\n");

        assertThat(lines[0]).as("the costliest by own CPU").endsWith("beanName=eventStore");
        assertThat(lines[1]).endsWith("beanName=ingestPipeline");
        assertThat(ownMillis(lines[0])).isGreaterThanOrEqualTo(150);
        assertThat(ownMillis(lines[1])).as("the outer step's own CPU").isLessThan(ownMillis(lines[0]) / 4);
        assertThat(lines[2]).as("the total counts the outer step once").contains("CPU in all top-level steps");
    }

    @Test
    void theReportIsCutAfterTheCostliestAsked() {
        StartupSteps steps = new StartupSteps();
        for (int i = 0; i < 5; i++) {
            steps.start("step" + i).end();
        }
        assertThat(steps.report(3).split("\n")).hasSize(3 + 1);
    }

    private static long ownMillis(String line) {
        return Long.parseLong(line.strip().split(" ")[0]);
    }

    /** Spins until this thread has used {@code nanos} of CPU time. */
    private static void burnCpu(long nanos) {
        var threads = ManagementFactory.getThreadMXBean();
        long until = threads.getCurrentThreadCpuTime() + nanos;
        long sink = 0;
        while (threads.getCurrentThreadCpuTime() < until) {
            sink += System.nanoTime() % 7;
        }
        assertThat(sink).isNotNegative();
    }
}
