package com.datasaas.enrich;

/** The marketing channel of a session, after GA4's default channel grouping (see docs/channels.md). */
public enum Channel {
    DIRECT("Direct"),
    ORGANIC_SEARCH("Organic Search"),
    PAID_SEARCH("Paid Search"),
    ORGANIC_SOCIAL("Organic Social"),
    PAID_SOCIAL("Paid Social"),
    EMAIL("Email"),
    REFERRAL("Referral"),
    AFFILIATES("Affiliates"),
    DISPLAY("Display");

    private final String label;

    Channel(String label) {
        this.label = label;
    }

    /** The name the dashboard and API show. */
    public String label() {
        return label;
    }

    /** The channel with this label (as stored with an event); Direct when none matches. */
    public static Channel ofLabel(String label) {
        for (Channel channel : values()) {
            if (channel.label.equals(label)) return channel;
        }
        return DIRECT;
    }
}
