package com.datasaas.ingest;

import java.time.Instant;
import java.util.Map;

/**
 * Where the pipeline's {@code save_profile} step hands an identify: the visitors feature keeps the profile (user id,
 * name, email, properties) in the metadata store. The event store keeps only the identify event with the user id, so
 * the person's other details live in one place and are deleted from one place.
 */
public interface Identities {

    /**
     * Records that the visitor is the user {@code traits.get("user_id")}; {@code traits} also holds {@code name},
     * {@code email} and properties when they were sent, already checked by the tracker's rules.
     */
    void identify(String siteId, String visitorId, Map<String, String> traits, Instant at);
}
