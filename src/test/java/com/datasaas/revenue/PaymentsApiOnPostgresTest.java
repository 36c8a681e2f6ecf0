package com.datasaas.revenue;

import com.datasaas.support.MetadataOnPostgres;

/** Every test of {@link PaymentsApiTest}, with the metadata (integrations, payments) in PostgreSQL. */
@MetadataOnPostgres
class PaymentsApiOnPostgresTest extends PaymentsApiTest {}
