package com.datasaas.accounts;

import java.time.Instant;

record ApiKey(
        String id,
        long accountId,
        String name,
        Caller.Scope scope,
        String websiteId,
        String keyHint,
        Instant createdAt,
        Instant lastUsedAt) {}
