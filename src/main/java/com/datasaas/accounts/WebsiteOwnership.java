package com.datasaas.accounts;

/** Lets accounts check a website id without depending on the sites feature (which depends on accounts). */
public interface WebsiteOwnership {
    boolean owns(long accountId, String websiteId);
}
