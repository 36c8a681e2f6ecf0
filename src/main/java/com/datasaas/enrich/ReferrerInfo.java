package com.datasaas.enrich;

/**
 * Where a visitor came from.
 *
 * @param referrer the referring URL without query string or fragment (which may carry personal data), e.g.
 *     "https://news.ycombinator.com/item"; null when none
 * @param domain the referring host without a leading "www.", e.g. "google.co.uk"; null when none
 * @param source a person's name for it: "Google", "Facebook", "ChatGPT", else the domain; null when none
 * @param kind search engine, social network, AI assistant, other, or none
 */
public record ReferrerInfo(String referrer, String domain, String source, ReferrerKind kind) {

    /** No referrer, an unusable one, or a self-referral. */
    public static final ReferrerInfo NONE = new ReferrerInfo(null, null, null, ReferrerKind.NONE);
}
