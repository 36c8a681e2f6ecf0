package com.datasaas.sites;

/** Published after a website is deleted, so stores holding its data can drop it. */
public record WebsiteDeleted(String websiteId) {}
