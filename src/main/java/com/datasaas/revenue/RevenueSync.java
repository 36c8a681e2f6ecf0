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
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Background syncs: one at a time per site (a second request while one runs is refused), on request and on a
 * schedule. Each connected provider of the site is read from its last sync (minus an overlap for late changes; the
 * first sync reads the last 12 months) and every payment goes through the ledger, so re-reading is harmless. Progress
 * is kept in memory per node: it describes a run in progress, not history ({@code last_synced_at} is the history).
 *
 * <p>Several nodes share the metadata store, so both "one at a time per site" and "once per interval" are locks there
 * (ShedLock rows, which also work on SQLite with its one node): a site's sync holds {@code revenue-sync:<site>} while
 * it runs, and the scheduled pass holds {@code revenue-sync} for most of the interval, so the node whose timer fires
 * first runs it and the others skip it.
 */
@Component
final class RevenueSync {
    private static final Logger log = LoggerFactory.getLogger(RevenueSync.class);
    private static final int THREADS = 2;
    /** How long payments waiting for their visitor's events are retried by the attribution pass. */
    static final Duration PENDING_WINDOW = Duration.ofDays(2);
    /** A site's sync lock is released when the sync ends; this only frees it after a node died mid-sync. */
    static final Duration SITE_LOCK_AT_MOST = Duration.ofHours(6);

    private static final Duration ATTRIBUTION_LOCK_AT_MOST = Duration.ofMinutes(30);

    private final Integrations integrations;
    private final PaymentLedger ledger;
    private final PaymentProviders providers;
    private final RevenueSettings settings;
    private final Clock clock;
    private final LockProvider locks;
    private final Duration attributionLockAtLeast;
    private final ExecutorService executor;
    private final Map<String, Run> runs = new ConcurrentHashMap<>();

    RevenueSync(
            Integrations integrations,
            PaymentLedger ledger,
            PaymentProviders providers,
            RevenueSettings settings,
            Clock clock,
            LockProvider locks,
            @Value("${datasaas.revenue.attribution-retry:60s}") Duration attributionRetry) {
        this.integrations = integrations;
        this.ledger = ledger;
        this.providers = providers;
        this.settings = settings;
        this.clock = clock;
        this.locks = locks;
        // Half the retry interval: the nodes take turns rather than all running each round.
        this.attributionLockAtLeast = attributionRetry.dividedBy(2);
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

    /** Starts a sync of every connected provider of the site; empty when one is already running on any node. */
    Optional<Run> start(String siteId, List<String> providerIds) {
        Run run = new Run(clock.instant());
        Run previous = runs.compute(siteId, (k, current) -> current != null && current.running() ? current : run);
        if (previous != run) return Optional.empty();
        Optional<SimpleLock> lock = locks.lock(
                new LockConfiguration(run.startedAt, "revenue-sync:" + siteId, SITE_LOCK_AT_MOST, Duration.ZERO));
        if (lock.isEmpty()) { // another node is syncing this site
            runs.remove(siteId, run);
            return Optional.empty();
        }
        executor.execute(() -> execute(siteId, providerIds, run, lock.get()));
        return Optional.of(run);
    }

    private void execute(String siteId, List<String> providerIds, Run run, SimpleLock lock) {
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
            lock.unlock();
        }
    }

    /** Syncs every site with a connected provider, skipping sites whose sync is still running. */
    @Scheduled(
            initialDelayString = "${datasaas.revenue.sync-interval:1h}",
            fixedDelayString = "${datasaas.revenue.sync-interval:1h}")
    void scheduled() {
        Duration interval = settings.revenue().syncInterval();
        // Held for most of the interval even after the syncs started: a node whose timer fires later in the same
        // interval finds it taken and skips. Less than the whole interval, so clock skew never skips a whole round.
        Optional<SimpleLock> lock = locks.lock(new LockConfiguration(
                clock.instant(),
                "revenue-sync",
                interval,
                interval.multipliedBy(9).dividedBy(10)));
        if (lock.isEmpty()) return;
        try {
            for (String siteId : integrations.sitesWithConnections()) {
                start(siteId, integrations.connectedProviders(siteId));
            }
        } finally {
            lock.get().unlock();
        }
    }

    /** Payments that arrived before their visitor's events (webhooks are fast) get attributed once the events land. */
    @Scheduled(
            initialDelayString = "${datasaas.revenue.attribution-retry:60s}",
            fixedDelayString = "${datasaas.revenue.attribution-retry:60s}")
    void attributePending() {
        // One node per round is enough (re-attributing is idempotent, so an overlap is only wasted work).
        Optional<SimpleLock> lock = locks.lock(new LockConfiguration(
                clock.instant(), "revenue-attribution", ATTRIBUTION_LOCK_AT_MOST, attributionLockAtLeast));
        if (lock.isEmpty()) return;
        try {
            Instant since = clock.instant().minus(PENDING_WINDOW);
            for (String siteId : ledger.sitesWithPending(since)) {
                try {
                    ledger.reattribute(siteId, since);
                } catch (RuntimeException e) {
                    log.warn("Attributing pending payments of site {} failed: {}", siteId, e.getMessage());
                }
            }
        } finally {
            lock.get().unlock();
        }
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}
