package com.datasaas.revenue;

/**
 * Published (as a Spring application event) when a payment is recorded or later linked to a visitor: from then on
 * that visitor is a customer. Features that cache "who has paid" listen to it instead of waiting for their cache to
 * expire.
 */
public record CustomerPaid(String siteId, String visitorId) {}
