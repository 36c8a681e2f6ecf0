package com.datasaas.accounts;

import com.datasaas.support.MetadataOnPostgres;

/** Every test of {@link ApiKeyTest}, with the metadata in PostgreSQL. */
@MetadataOnPostgres
class ApiKeyOnPostgresTest extends ApiKeyTest {}
