package com.datasaas.enrich;

/** What kind of place sent a visitor. */
public enum ReferrerKind {
    /** No referrer, an unusable one, or the site itself (a self-referral). */
    NONE,
    SEARCH,
    SOCIAL,
    AI_ASSISTANT,
    /** Any other website or app. */
    OTHER
}
