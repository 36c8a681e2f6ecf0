-- Payment-provider connections, one per (website, provider). Secrets are AES-GCM ciphertext (base64 of
-- nonce || ciphertext || tag) under the instance secret key; the plain key is never stored.
-- Disconnecting clears the secrets but keeps the row, so the sync history stays visible.
CREATE TABLE integrations (
    website_id            TEXT    NOT NULL REFERENCES websites (id) ON DELETE CASCADE,
    provider              TEXT    NOT NULL,
    api_key_sealed        TEXT,
    key_last4             TEXT,
    webhook_secret_sealed TEXT,
    account_name          TEXT,
    connected_at          TEXT,
    last_synced_at        TEXT,
    sync_cursor           TEXT,
    last_error            TEXT,
    PRIMARY KEY (website_id, provider)
);

-- One row per (website, provider, transaction_id) whichever path delivered it (sync, webhook, API).
-- Money is in minor units of `currency`; `settlement_*` is what the provider settled in another currency
-- (Stripe's balance transaction) when the charge currency differs from the site's.
-- The attribution columns are copied from the session the payment was attributed to, so revenue can be
-- grouped and filtered by session attributes without a cross-store join.
CREATE TABLE payments (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    website_id              TEXT    NOT NULL REFERENCES websites (id) ON DELETE CASCADE,
    provider                TEXT    NOT NULL,
    transaction_id          TEXT    NOT NULL,
    amount_minor            INTEGER NOT NULL,
    currency                TEXT    NOT NULL,
    refunded_minor          INTEGER NOT NULL DEFAULT 0,
    settlement_amount_minor INTEGER,
    settlement_currency     TEXT,
    paid_at                 TEXT    NOT NULL,
    renewal                 INTEGER NOT NULL DEFAULT 0,
    customer_id             TEXT,
    email                   TEXT,
    visitor_id              TEXT,
    session_id              TEXT,
    link                    TEXT    NOT NULL DEFAULT 'none',
    attribution             TEXT,
    attributed_session_id   TEXT,
    attributed_at           TEXT,
    channel                 TEXT,
    referrer                TEXT,
    referrer_domain         TEXT,
    referrer_source         TEXT,
    utm_source              TEXT,
    utm_medium              TEXT,
    utm_campaign            TEXT,
    utm_term                TEXT,
    utm_content             TEXT,
    landing_page            TEXT,
    country                 TEXT,
    region                  TEXT,
    city                    TEXT,
    device_type             TEXT,
    browser                 TEXT,
    os                      TEXT,
    delivered_by            TEXT    NOT NULL,
    created_at              TEXT    NOT NULL,
    updated_at              TEXT    NOT NULL,
    UNIQUE (website_id, provider, transaction_id)
);
CREATE INDEX payments_by_site_time ON payments (website_id, paid_at);
CREATE INDEX payments_by_customer ON payments (website_id, customer_id);
CREATE INDEX payments_unattributed ON payments (attributed_at) WHERE attributed_at IS NULL;
