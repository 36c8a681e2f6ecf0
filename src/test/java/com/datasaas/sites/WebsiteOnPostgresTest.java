package com.datasaas.sites;

import com.datasaas.support.MetadataOnPostgres;

/** Every test of {@link WebsiteTest}, with the metadata in PostgreSQL. */
@MetadataOnPostgres
class WebsiteOnPostgresTest extends WebsiteTest {}
