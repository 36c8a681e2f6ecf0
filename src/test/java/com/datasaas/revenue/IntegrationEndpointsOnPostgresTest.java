package com.datasaas.revenue;

import com.datasaas.support.MetadataOnPostgres;

/** Every test of {@link IntegrationEndpointsTest}, with the metadata (integrations, payments) in PostgreSQL. */
@MetadataOnPostgres
class IntegrationEndpointsOnPostgresTest extends IntegrationEndpointsTest {}
