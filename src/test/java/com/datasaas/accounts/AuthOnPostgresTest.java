package com.datasaas.accounts;

import com.datasaas.support.MetadataOnPostgres;

/** Every test of {@link AuthTest}, with the metadata (accounts, sessions) in PostgreSQL. */
@MetadataOnPostgres
class AuthOnPostgresTest extends AuthTest {}
