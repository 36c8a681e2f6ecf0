-- Login sessions (Spring Session JDBC's own layout): a login on one node is valid on all, and survives restarts.
CREATE TABLE SPRING_SESSION (
    PRIMARY_ID            CHAR(36)     NOT NULL,
    SESSION_ID            CHAR(36)     NOT NULL,
    CREATION_TIME         BIGINT       NOT NULL,
    LAST_ACCESS_TIME      BIGINT       NOT NULL,
    MAX_INACTIVE_INTERVAL INT          NOT NULL,
    EXPIRY_TIME           BIGINT       NOT NULL,
    PRINCIPAL_NAME        VARCHAR(100),
    CONSTRAINT SPRING_SESSION_PK PRIMARY KEY (PRIMARY_ID)
);
CREATE UNIQUE INDEX SPRING_SESSION_IX1 ON SPRING_SESSION (SESSION_ID);
CREATE INDEX SPRING_SESSION_IX2 ON SPRING_SESSION (EXPIRY_TIME);
CREATE INDEX SPRING_SESSION_IX3 ON SPRING_SESSION (PRINCIPAL_NAME);

CREATE TABLE SPRING_SESSION_ATTRIBUTES (
    SESSION_PRIMARY_ID CHAR(36)     NOT NULL,
    ATTRIBUTE_NAME     VARCHAR(200) NOT NULL,
    ATTRIBUTE_BYTES    BYTEA        NOT NULL,
    CONSTRAINT SPRING_SESSION_ATTRIBUTES_PK PRIMARY KEY (SESSION_PRIMARY_ID, ATTRIBUTE_NAME),
    CONSTRAINT SPRING_SESSION_ATTRIBUTES_FK FOREIGN KEY (SESSION_PRIMARY_ID)
        REFERENCES SPRING_SESSION (PRIMARY_ID) ON DELETE CASCADE
);

-- ShedLock's table: a scheduled job that must run once across nodes (the provider sync) takes its row first.
CREATE TABLE shedlock (
    name       VARCHAR(64)  NOT NULL PRIMARY KEY,
    lock_until TIMESTAMP    NOT NULL,
    locked_at  TIMESTAMP    NOT NULL,
    locked_by  VARCHAR(255) NOT NULL
);

-- The tables below hold state that is only worth minutes (rate windows, who is online): UNLOGGED skips the WAL,
-- so the batched writes of every node stay cheap; after a PostgreSQL crash they start empty, which only forgets
-- the last minutes' counts.

-- Login throttle budgets (Bucket4j's PostgreSQL backend: one serialized bucket per key).
CREATE UNLOGGED TABLE login_budgets (
    id         TEXT   PRIMARY KEY,
    state      BYTEA,
    expires_at BIGINT
);
CREATE INDEX login_budgets_expiry ON login_budgets (expires_at);

-- Addresses that logged in to an account, exempt from the account-wide failure budget (LoginThrottle).
CREATE TABLE login_known_addresses (
    email         TEXT   NOT NULL,
    address       TEXT   NOT NULL,
    remembered_at BIGINT NOT NULL,
    PRIMARY KEY (email, address)
);

-- Events accepted per client address per one-minute window, summed over nodes (EventRateLimiter).
CREATE UNLOGGED TABLE event_rate_windows (
    address      TEXT    NOT NULL,
    window_start BIGINT  NOT NULL,
    events       INTEGER NOT NULL,
    PRIMARY KEY (address, window_start)
);

-- Latest event time per visitor per site, fed by every node about once a second (Presence).
CREATE UNLOGGED TABLE presence (
    website_id  TEXT   NOT NULL,
    visitor_key BIGINT NOT NULL,
    last_seen   BIGINT NOT NULL,
    PRIMARY KEY (website_id, visitor_key)
);
CREATE INDEX presence_by_time ON presence (last_seen);
