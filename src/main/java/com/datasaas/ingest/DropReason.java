package com.datasaas.ingest;

/** Why an event was answered 202 but not stored. Closed on purpose: each reason is a metric tag. */
public enum DropReason {
    BOT,
    EXCLUDED_IP,
    EXCLUDED_PATH,
    EXCLUDED_COUNTRY,
    SPAM_REFERRER,
    /** An identify from the page of a cookieless site, which keeps no one across days (docs/cookieless.md). */
    COOKIELESS_IDENTIFY;

    String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
