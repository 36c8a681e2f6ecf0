package com.datasaas.revenue;

import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Background syncs: one at a time per site (a second request while one runs is refused), on request and on a
 * schedule. Each connected provider of the site is read from its last sync (minus an overlap for late changes; the
 * first sync reads the last 12 months) and every payment goes through the ledger, so re-reading is harmless. Progress
 * is kept in memory per node: it describes a run in progress, not history ({@code last_synced_at} is the history).
 */
@Component
final class RevenueSync {
    private static final Logger log = LoggerFactory.getLogger(RevenueSync.class);
    private static final int THREADS = 2;
    /** How long payments waiting for their visitor's events are retried by the attribution pass. */
    static final Duration PENDING_WINDOW = Duration.ofDays(2);

    private final Integrations integrations;
    private final PaymentLedger ledger;
    private final PaymentProviders providers;
    private final RevenueSettings settings;
    private final Clock clock;
    private final ExecutorService executor;
    private final Map<String, Run> runs = new ConcurrentHashMap<>();

    RevenueSync(
            Integrations integrations,
            PaymentLedger ledger,
            PaymentProviders providers,
            RevenueSettings settings,
            Clock clock) {
        this.integrations = integrations;
        this.ledger = ledger;
        this.providers = providers;
        this.settings = settings;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "revenue-sync-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The state of a site's current or last sync on this node. */
    static final class Run {
        volatile String state = "running";
        volatile double progress;
        volatile String phase = "starting";
        volatile String provider;
        volatile int payments;
        volatile String error;
        final Instant startedAt;
        volatile Instant finishedAt;

        Run(Instant startedAt) {
            this.startedAt = startedAt;
        }

        boolean running() {
            return "running".equals(state);
        }
    }

    Optional<Run> run(String siteId) {
        return Optional.ofNullable(runs.get(siteId));
    }

    /** Starts a sync of every connected provider of the site; empty when one is already running. */
    Optional<Run> start(String siteId, List<String> providerIds) {
        Run run = new Run(clock.instant());
        Run previous = runs.compute(siteId, (k, current) -> current != null && current.running() ? current : run);
        if (previous != run) return Optional.empty();
        executor.execute(() -> execute(siteId, providerIds, run));
        return Optional.of(run);
    }

    private void execute(String siteId, List<String> providerIds, Run run) {
        try {
            for (int i = 0; i < providerIds.size(); i++) {
                String providerId = providerIds.get(i);
                PaymentProvider provider = providers.find(providerId).orElse(null);
                run.provider = providerId;
                Optional<String> key;
                try {
                    key = integrations.apiKey(siteId, providerId);
                } catch (IllegalStateException e) { // the secret key changed since the key was stored
                    integrations.failed(siteId, providerId, e.getMessage());
                    run.error = e.getMessage();
                    continue;
                }
                if (provider == null || key.isEmpty()) continue;
                Instant startedAt = clock.instant();
                Instant since = integrations
                        .find(siteId, providerId)
                        .map(Integrations.Integration::lastSyncedAt)
                        .map(last -> last.minus(settings.revenue().syncOverlap()))
                        .orElse(startedAt.minus(settings.revenue().firstSyncLookback()));
                double base = (double) i / providerIds.size();
                double share = 1.0 / providerIds.size();
                try {
                    provider.fetch(key.get(), since, new PaymentProvider.SyncSink() {
                        @Override
                        public void payment(IncomingPayment payment) {
                            ledger.record(siteId, payment);
                            run.payments++;
                        }

                        @Override
                        public void progress(double fraction, String phase) {
                            run.progress = base + share * fraction;
                            run.phase = provider.displayName() + ": " + phase;
                        }
                    });
                    integrations.synced(siteId, providerId, startedAt);
                } catch (ProviderException e) {
                    integrations.failed(siteId, providerId, e.getMessage());
                    run.error = e.getMessage();
                    log.warn("Sync of {} for site {} failed: {}", providerId, siteId, e.getMessage());
                }
            }
            run.phase = "attributing";
            ledger.reattribute(siteId, run.startedAt);
            run.progress = 1.0;
            run.state = run.error == null ? "succeeded" : "failed";
        } catch (RuntimeException e) {
            log.error("Sync for site {} failed", siteId, e);
            run.error = "The sync failed on our side; the error was logged.";
            run.state = "failed";
        } finally {
            run.finishedAt = clock.instant();
            run.phase = "done";
        }
    }

    /** Syncs every site with a connected provider, skipping sites whose sync is still running. */
    @Scheduled(
            initialDelayString = "${datasaas.revenue.sync-interval:1h}",
            fixedDelayString = "${datasaas.revenue.sync-interval:1h}")
    void scheduled() {
        for (String siteId : integrations.sitesWithConnections()) {
            start(siteId, integrations.connectedProviders(siteId));
        }
    }

    /** Payments that arrived before their visitor's events (webhooks are fast) get attributed once the events land. */
    @Scheduled(
            initialDelayString = "${datasaas.revenue.attribution-retry:60s}",
            fixedDelayString = "${datasaas.revenue.attribution-retry:60s}")
    void attributePending() {
        Instant since = clock.instant().minus(PENDING_WINDOW);
        for (String siteId : ledger.sitesWithPending(since)) {
            try {
                ledger.reattribute(siteId, since);
            } catch (RuntimeException e) {
                log.warn("Attributing pending payments of site {} failed: {}", siteId, e.getMessage());
            }
        }
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}
