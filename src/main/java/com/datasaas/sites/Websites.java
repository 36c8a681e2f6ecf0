package com.datasaas.sites;

import com.datasaas.accounts.Caller;
import com.datasaas.app.ApiException;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The sites feature's public face. Authenticated features resolve a website through {@link #require} so that
 * another account's website, or one outside an API key's reach, is a 404 everywhere. Ingest looks sites up through
 * {@link #tracked}, which is cached because it runs on every event.
 */
@Component
public class Websites {
    // A write on this node invalidates at once. Another node's write (several nodes share one PostgreSQL) is seen
    // within REFRESH: an entry older than that is reloaded in the background on its next use, while ingest keeps
    // using the old rules meanwhile, so the hot path never waits for the database. Entries unused for EXPIRE go.
    static final Duration REFRESH = Duration.ofSeconds(2);
    private static final Duration EXPIRE = Duration.ofSeconds(30);

    private final WebsiteRepository repository;
    private final LoadingCache<String, Optional<TrackedSite>> tracked;

    Websites(WebsiteRepository repository) {
        this.repository = repository;
        this.tracked = Caffeine.newBuilder()
                .maximumSize(50_000)
                .refreshAfterWrite(REFRESH)
                .expireAfterWrite(EXPIRE)
                .build(id -> repository.find(id).map(TrackedSite::new));
    }

    public Optional<TrackedSite> tracked(String websiteId) {
        return tracked.get(websiteId);
    }

    /** The website if the caller may see it; otherwise 404 without revealing whether it exists. */
    public Website require(Caller caller, String websiteId) {
        if (websiteId == null || !caller.reaches(websiteId)) {
            throw notFound(websiteId);
        }
        return repository.findOwned(caller.accountId(), websiteId).orElseThrow(() -> notFound(websiteId));
    }

    public List<Website> visibleTo(Caller caller) {
        return repository.listByAccount(caller.accountId()).stream()
                .filter(w -> caller.reaches(w.id()))
                .toList();
    }

    void forget(String websiteId) {
        tracked.invalidate(websiteId);
    }

    static ApiException notFound(String websiteId) {
        return ApiException.notFound("Website " + websiteId + " not found.");
    }
}
