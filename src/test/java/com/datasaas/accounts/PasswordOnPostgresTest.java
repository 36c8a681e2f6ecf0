package com.datasaas.accounts;

import com.datasaas.support.MetadataOnPostgres;

/** Every test of {@link PasswordTest}, with the metadata in PostgreSQL. */
@MetadataOnPostgres
class PasswordOnPostgresTest extends PasswordTest {}
