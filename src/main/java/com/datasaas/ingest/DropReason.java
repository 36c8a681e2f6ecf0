package com.datasaas.ingest;

/** Why an event was answered 202 but not stored. Closed on purpose: each reason is a metric tag. */
public enum DropReason {
    BOT,
    EXCLUDED_IP,
    EXCLUDED_PATH,
    EXCLUDED_COUNTRY,
    SPAM_REFERRER;

    String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
