package com.datasaas.accounts;

import com.datasaas.support.MetadataOnPostgres;

/** Every test of {@link LoginThrottleTest}, with the metadata in PostgreSQL. */
@MetadataOnPostgres
class LoginThrottleOnPostgresTest extends LoginThrottleTest {}
