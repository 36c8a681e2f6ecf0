import { useState } from "preact/hooks";
import { PROVIDERS, integrations, type IntegrationStatus, type Website } from "../api";
import { CopyButton, ErrorNote, Skeleton } from "../components/ui";
import { formatNumber, timeAgo } from "../format";
import { useAsync, useDocumentTitle } from "../hooks";

/** What users add to their Stripe Checkout code (Node; Java and Python are in docs/revenue.md). */
export const CHECKOUT_SNIPPET = `app.post("/checkout", async (req, res) => {
  // cookie-parser middleware fills req.cookies
  const ids = {};
  if (req.cookies.datasaas_visitor_id) ids.datasaas_visitor_id = req.cookies.datasaas_visitor_id;
  if (req.cookies.datasaas_session_id) ids.datasaas_session_id = req.cookies.datasaas_session_id;

  const session = await stripe.checkout.sessions.create({
    mode: "payment",
    line_items: [{ price: "price_123", quantity: 1 }],
    success_url: "https://example.com/thanks",
    client_reference_id: ids.datasaas_visitor_id,
    metadata: ids,
    payment_intent_data: { metadata: ids },
    // for mode: "subscription" use subscription_data: { metadata: ids } instead
  });
  res.redirect(303, session.url);
});`;

/** Connect a payment provider, sync its payments with a progress bar, and show the checkout snippet. */
export function IntegrationsPage({ site, pollMs = 1000 }: { site: Website; pollMs?: number }) {
  useDocumentTitle(`${site.name}: integrations`);
  const [provider, setProvider] = useState<string>(PROVIDERS[0].id);
  const [running, setRunning] = useState(false);
  const status = useAsync(
    async (signal) => {
      const s = await integrations.status(site.id, provider, signal);
      setRunning(s.sync.state === "running");
      return s;
    },
    [site.id, provider],
    running ? pollMs : undefined,
  );
  const label = PROVIDERS.find((p) => p.id === provider)?.label ?? provider;

  return (
    <div class="integrations">
      <section class="card" aria-labelledby="integration-title">
        <div class="card-head">
          <h2 id="integration-title">Payment provider</h2>
          <label class="small">
            Provider{" "}
            <select value={provider} onChange={(e) => setProvider(e.currentTarget.value)} aria-label="Provider">
              {PROVIDERS.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
            </select>
          </label>
        </div>
        <ErrorNote error={status.error} onRetry={status.reload} />
        {!status.data && !status.error ? (
          <Skeleton lines={3} />
        ) : status.data?.provider === provider && status.data.connected ? (
          <Connected
            site={site}
            status={status.data}
            label={label}
            onChange={(syncing) => {
              if (syncing) setRunning(true);
              status.reload();
            }}
          />
        ) : status.data ? (
          <ConnectForm siteId={site.id} provider={provider} label={label} onConnected={status.reload} />
        ) : null}
      </section>
      <section class="card" aria-labelledby="snippet-title">
        <div class="card-head">
          <h2 id="snippet-title">Checkout snippet</h2>
          <CopyButton text={CHECKOUT_SNIPPET} label="Copy snippet" />
        </div>
        <p class="muted small">
          Pass the visitor's two DataSaaS cookies to Stripe when you create the Checkout Session, so each payment is credited to
          the visit that brought it. Java and Python versions are in the revenue docs.
        </p>
        <pre class="snippet" data-testid="checkout-snippet">
          <code>{CHECKOUT_SNIPPET}</code>
        </pre>
      </section>
    </div>
  );
}

function ConnectForm({
  siteId,
  provider,
  label,
  onConnected,
}: {
  siteId: string;
  provider: string;
  label: string;
  onConnected: () => void;
}) {
  const [apiKey, setApiKey] = useState("");
  const [secret, setSecret] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await integrations.connect(siteId, { provider, apiKey: apiKey.trim(), webhookSecret: secret.trim() || undefined });
      setApiKey("");
      setSecret("");
      onConnected();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="form" onSubmit={submit} aria-label={`Connect ${label}`}>
      <p class="muted small">
        {label} is not connected. Paste a secret API key (a restricted, read-only key is enough); it is stored encrypted and never
        shown again.
      </p>
      <label>
        API key
        <input
          type="password"
          autoComplete="off"
          required
          value={apiKey}
          onInput={(e) => setApiKey(e.currentTarget.value)}
          placeholder={provider === "stripe" ? "rk_live_… or sk_live_…" : ""}
        />
      </label>
      <label>
        Webhook signing secret <span class="muted small">(optional)</span>
        <input
          type="password"
          autoComplete="off"
          value={secret}
          onInput={(e) => setSecret(e.currentTarget.value)}
          placeholder={provider === "stripe" ? "whsec_…" : ""}
        />
      </label>
      {error && (
        <p class="error" role="alert" data-testid="connect-error">
          {error.message}
        </p>
      )}
      <button type="submit" class="btn btn-primary" disabled={busy || !apiKey.trim()}>
        {busy ? "Connecting…" : `Connect ${label}`}
      </button>
    </form>
  );
}

function Connected({
  site,
  status,
  label,
  onChange,
}: {
  site: Website;
  status: IntegrationStatus;
  label: string;
  onChange: (syncing: boolean) => void;
}) {
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const running = status.sync.state === "running";
  const act = async (action: () => Promise<unknown>, syncing: boolean) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      onChange(syncing);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  const progress = status.sync.progress ?? 0;
  return (
    <div class="integration-status">
      <dl class="facts">
        <dt>Account</dt>
        <dd>{status.accountName || label}</dd>
        <dt>API key</dt>
        <dd>{status.keyLast4 ? `••••${status.keyLast4}` : "stored"}</dd>
        <dt>Payments synced</dt>
        <dd data-testid="payments-synced">{formatNumber(status.paymentsSynced)}</dd>
        <dt>Last sync</dt>
        <dd>{status.lastSyncedAt ? timeAgo(status.lastSyncedAt) : "never"}</dd>
        <dt>Webhook</dt>
        <dd>
          <code>{location.origin + status.webhookUrl}</code>
          {status.webhookSecretSet ? "" : <span class="muted small"> (no signing secret set)</span>}
        </dd>
      </dl>
      {status.lastError && !running && (
        <p class="error" role="alert">
          Last sync failed: {status.lastError}
        </p>
      )}
      {(running || status.sync.state === "done" || status.sync.progress != null) && (
        <div class="sync-progress">
          <span class="small">{running ? `Syncing… ${progress}%` : `Last sync: ${status.sync.state}`}</span>
          <div
            class="progress"
            role="progressbar"
            aria-label="Sync progress"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={progress}
          >
            <div class="progress-fill" style={{ width: `${progress}%` }} />
          </div>
        </div>
      )}
      <ErrorNote error={error} />
      <div class="actions">
        <button
          type="button"
          class="btn btn-primary"
          disabled={busy || running}
          onClick={() => act(() => integrations.sync(site.id, status.provider), true)}
        >
          {running ? "Syncing…" : "Sync now"}
        </button>
        <button
          type="button"
          class="btn btn-danger"
          disabled={busy}
          onClick={() => act(() => integrations.disconnect(site.id, status.provider), false)}
        >
          Disconnect
        </button>
      </div>
      <p class="muted small">Disconnecting removes the key; payments already synced stay.</p>
    </div>
  );
}
