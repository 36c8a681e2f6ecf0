package com.datasaas.enrich;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Puts a session's first pageview into a marketing channel with rules in the spirit of GA4's default channel grouping.
 * The rules, in the order they are tried, are written for users in {@code docs/channels.md}; keep the two in step.
 *
 * <p>The "source" is the utm_source when there is one (GA4 ignores the referrer for tagged links), else the
 * referrer. UTM values are compared case-insensitively. GA4 channels DataSaaS does not have are folded away: traffic
 * that is tagged but fits no rule (GA4's "Unassigned" and "Paid Other") counts as Referral, because somebody did link
 * to the site.
 */
public final class ChannelClassifier {

    private static final Pattern PAID_MEDIUM = Pattern.compile("^(.*cp.*|ppc|retargeting|paid.*)$");
    private static final Set<String> SOCIAL_MEDIUMS =
            Set.of("social", "social-network", "social-media", "sm", "social network", "social media");
    private static final Set<String> DISPLAY_MEDIUMS = Set.of("display", "banner", "expandable", "interstitial", "cpm");
    private static final Set<String> AFFILIATE_MEDIUMS = Set.of("affiliate", "affiliates");
    private static final Set<String> EMAIL_WORDS = Set.of("email", "e-mail", "e_mail", "e mail");

    /** Click ids only ad clicks carry: Google Ads (gclid and its iOS variants) and Microsoft Advertising. */
    private static final Set<String> SEARCH_AD_CLICK_IDS = Set.of("gclid", "gbraid", "wbraid", "msclkid");

    /** Click ids only ad clicks carry on TikTok, LinkedIn and X. Facebook adds fbclid to organic links too. */
    private static final Set<String> SOCIAL_AD_CLICK_IDS = Set.of("ttclid", "li_fat_id", "twclid");

    /** Google Display & Video 360. */
    private static final String DISPLAY_CLICK_ID = "dclid";

    private final ReferrerClassifier referrers;

    public ChannelClassifier(ReferrerClassifier referrers) {
        this.referrers = referrers;
    }

    /**
     * @param referrer the classified referrer, {@link ReferrerInfo#NONE} (or null) when there was none
     * @param clickIds ad click ids from the landing URL, by parameter name (gclid, fbclid, ...); may be null
     */
    public Channel classify(
            ReferrerInfo referrer,
            String utmSource,
            String utmMedium,
            String utmCampaign,
            Map<String, String> clickIds) {
        ReferrerKind referrerKind = referrer == null ? ReferrerKind.NONE : referrer.kind();
        String source = normalize(utmSource);
        String medium = normalize(utmMedium);
        // utm_campaign does not decide a channel here: GA4 uses it only for Cross-network and Paid Shopping,
        // which DataSaaS folds into Paid Search.
        boolean tagged = !source.isEmpty() || !medium.isEmpty();
        ReferrerKind sourceKind = source.isEmpty() ? referrerKind : referrers.kindOfSource(source);
        boolean paid = !medium.isEmpty() && PAID_MEDIUM.matcher(medium).matches();

        if (sourceKind == ReferrerKind.SEARCH && paid) {
            return Channel.PAID_SEARCH;
        }
        if (sourceKind == ReferrerKind.SOCIAL && paid) {
            return Channel.PAID_SOCIAL;
        }
        if (hasAny(clickIds, SOCIAL_AD_CLICK_IDS) || (has(clickIds, "fbclid") && paid)) {
            return Channel.PAID_SOCIAL;
        }
        if (DISPLAY_MEDIUMS.contains(medium) || has(clickIds, DISPLAY_CLICK_ID)) {
            return Channel.DISPLAY;
        }
        if (hasAny(clickIds, SEARCH_AD_CLICK_IDS)) {
            return Channel.PAID_SEARCH;
        }
        if (sourceKind == ReferrerKind.SEARCH || medium.equals("organic")) {
            return Channel.ORGANIC_SEARCH;
        }
        if (sourceKind == ReferrerKind.SOCIAL || SOCIAL_MEDIUMS.contains(medium)) {
            return Channel.ORGANIC_SOCIAL;
        }
        if (isEmail(source) || isEmail(medium)) {
            return Channel.EMAIL;
        }
        if (AFFILIATE_MEDIUMS.contains(medium)) {
            return Channel.AFFILIATES;
        }
        if (medium.equals("referral") || referrerKind != ReferrerKind.NONE || tagged) {
            return Channel.REFERRAL;
        }
        return Channel.DIRECT;
    }

    private static boolean isEmail(String value) {
        if (value.isEmpty()) {
            return false;
        }
        if (value.equals("newsletter")) {
            return true;
        }
        for (String word : EMAIL_WORDS) { // loops, not streams: this runs for every event (JFR, docs/benchmarks.md)
            if (value.contains(word)) return true;
        }
        return false;
    }

    private static boolean hasAny(Map<String, String> clickIds, Set<String> names) {
        if (clickIds == null || clickIds.isEmpty()) return false;
        for (String name : names) {
            if (has(clickIds, name)) return true;
        }
        return false;
    }

    private static boolean has(Map<String, String> clickIds, String name) {
        if (clickIds == null) {
            return false;
        }
        String value = clickIds.get(name);
        return value != null && !value.isBlank();
    }

    private static String normalize(String value) {
        return value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
    }
}
