package com.datasaas.app;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.core.metrics.ApplicationStartup;
import org.springframework.core.metrics.StartupStep;

/**
 * Where the Spring context's start-up goes, bean by bean, for whoever tunes it: with {@code
 * -Ddatasaas.startup-steps=N} the service records Spring's start-up steps (creating each bean, parsing the
 * configuration classes, ...) and logs the N costliest once it is up. Each step is charged its own CPU time on the
 * thread that ran it, less that of the steps inside it, so a bean that only waits for the beans it depends on does not
 * count their work again; CPU time, not wall time, because a shared machine's load stretches wall time unevenly.
 * Spring Boot's {@code BufferingApplicationStartup} records wall time only. Off by default (it reads the thread's CPU
 * clock twice per step).
 */
public final class StartupSteps implements ApplicationStartup {
    private static final Logger log = LoggerFactory.getLogger(StartupSteps.class);
    private static final String PROPERTY = "datasaas.startup-steps";
    private static final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    private final List<Step> ended = new ArrayList<>();
    private final ThreadLocal<Deque<Step>> open = ThreadLocal.withInitial(ArrayDeque::new);
    private long nextId;

    /** Runs the application, recording its start-up steps when asked to. */
    public static void run(Class<?> application, String[] arguments) {
        SpringApplication spring = new SpringApplication(application);
        int shown = Integer.getInteger(PROPERTY, 0);
        if (shown <= 0) {
            spring.run(arguments);
            return;
        }
        StartupSteps steps = new StartupSteps();
        spring.setApplicationStartup(steps);
        spring.run(arguments);
        log.info("Start-up steps, the {} costliest by own CPU time:\n{}", shown, steps.report(shown));
    }

    @Override
    public synchronized StartupStep start(String name) {
        Deque<Step> stack = open.get();
        Step step = new Step(this, nextId++, stack.peek(), name);
        stack.push(step);
        return step;
    }

    synchronized String report(int shown) {
        long cpu = ended.stream()
                .filter(step -> step.parent == null)
                .mapToLong(step -> step.cpuNanos)
                .sum();
        return ended.stream()
                        .sorted(Comparator.comparingLong(Step::ownCpuNanos).reversed())
                        .limit(shown)
                        .map(step -> String.format(
                                "%6d ms own CPU %6d ms CPU %6d ms wall  %s %s",
                                step.ownCpuNanos() / 1_000_000,
                                step.cpuNanos / 1_000_000,
                                step.wallNanos / 1_000_000,
                                step.name,
                                step.tags.stream().map(Object::toString).collect(Collectors.joining(" "))))
                        .collect(Collectors.joining("\n"))
                + String.format("\n%6d ms CPU in all top-level steps", cpu / 1_000_000);
    }

    private synchronized void ended(Step step) {
        Deque<Step> stack = open.get();
        stack.remove(step);
        ended.add(step);
        if (step.parent != null) {
            step.parent.childCpuNanos += step.cpuNanos;
        }
    }

    private record StepTag(String getKey, String getValue) implements StartupStep.Tag {
        @Override
        public String toString() {
            return getKey + "=" + getValue;
        }
    }

    private static final class Step implements StartupStep {
        private final StartupSteps steps;
        private final long id;
        private final Step parent;
        private final String name;
        private final List<StartupStep.Tag> tags = new ArrayList<>();
        private final long startCpu = threads.getCurrentThreadCpuTime();
        private final long startWall = System.nanoTime();
        private long cpuNanos;
        private long wallNanos;
        private long childCpuNanos;

        Step(StartupSteps steps, long id, Step parent, String name) {
            this.steps = steps;
            this.id = id;
            this.parent = parent;
            this.name = name;
        }

        long ownCpuNanos() {
            return cpuNanos - childCpuNanos;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public long getId() {
            return id;
        }

        @Override
        public Long getParentId() {
            return parent == null ? null : parent.id;
        }

        @Override
        public StartupStep tag(String key, String value) {
            tags.add(new StepTag(key, value));
            return this;
        }

        @Override
        public StartupStep tag(String key, Supplier<String> value) {
            return tag(key, value.get());
        }

        @Override
        public Tags getTags() {
            return tags::iterator;
        }

        @Override
        public void end() {
            cpuNanos = threads.getCurrentThreadCpuTime() - startCpu;
            wallNanos = System.nanoTime() - startWall;
            steps.ended(this);
        }
    }
}
