package com.datasaas.accounts;

import java.time.Instant;

public record Account(long id, String email, String name, String passwordHash, Instant createdAt) {}
