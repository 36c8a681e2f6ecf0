import { useState } from "preact/hooks";
import { realtime, stats, websites as websitesApi, type Website } from "../api";
import { Sparkline } from "../components/Sparkline";
import { browserTimeZone, CURRENCIES, timeZones } from "../components/SitePicklists";
import { CopyButton, EmptyState, ErrorNote, Skeleton } from "../components/ui";
import { addDays, todayIn } from "../dateRange";
import { formatNumber } from "../format";
import { useAsync, useDocumentTitle } from "../hooks";
import { Link } from "../router";

export function Websites() {
  useDocumentTitle("Websites");
  const list = useAsync((signal) => websitesApi.list(signal), []);
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<Website | null>(null);

  const sites = list.data ?? [];
  return (
    <div class="page">
      <div class="page-head">
        <h1>Websites</h1>
        {sites.length > 0 && !adding && (
          <button type="button" class="btn btn-primary" onClick={() => setAdding(true)}>
            Add website
          </button>
        )}
      </div>
      <ErrorNote error={list.error} onRetry={list.reload} />
      {created && (
        <section class="card" aria-label="New website">
          <h2>{created.name} is added</h2>
          <SnippetPanel site={created} />
          <p>
            <Link href={`/sites/${encodeURIComponent(created.id)}`} class="btn btn-primary">
              Go to the dashboard
            </Link>{" "}
            <button type="button" class="btn" onClick={() => setCreated(null)}>
              Done
            </button>
          </p>
        </section>
      )}
      {list.loading && !list.data ? (
        <div class="site-grid">
          {[0, 1, 2].map((i) => (
            <div class="card" key={i}>
              <Skeleton lines={3} />
            </div>
          ))}
        </div>
      ) : (
        <>
          {(adding || (list.data && sites.length === 0 && !created)) && (
            <section class="card">
              {sites.length === 0 && (
                <EmptyState title="No websites yet">
                  Add your first website: you will get a one-line snippet to paste into its pages, and visits show up here as soon
                  as it runs.
                </EmptyState>
              )}
              <AddWebsiteForm
                onCancel={sites.length > 0 ? () => setAdding(false) : undefined}
                onCreated={(site) => {
                  setAdding(false);
                  setCreated(site);
                  list.reload();
                }}
              />
            </section>
          )}
          {sites.length > 0 && (
            <ul class="site-grid" aria-label="Your websites">
              {sites.map((s) => (
                <SiteCard key={s.id} site={s} />
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}

function SiteCard({ site }: { site: Website }) {
  const [showSnippet, setShowSnippet] = useState(false);
  const today = todayIn(site.timezone);
  const q = { siteId: site.id, start: today, end: today, filters: [] };
  // Yesterday and today by hour; the sparkline shows the 24 hours up to the current one.
  const series = useAsync(
    (signal) => stats.timeseries({ ...q, start: addDays(today, -1) }, "hour", ["visitors"], signal),
    [site.id, today],
  );
  const overview = useAsync((signal) => stats.overview(q, false, signal), [site.id, today]);
  const online = useAsync((signal) => realtime.online(site.id, signal), [site.id], 30_000);
  const visitors = overview.data?.current.visitors ?? null;
  return (
    <li class="card site-card">
      <div class="site-card-head">
        <Link href={`/sites/${encodeURIComponent(site.id)}`} class="site-name">
          {site.name}
        </Link>
        {online.data != null && online.data > 0 && (
          <span class="live-dot" title="Visitors online now">
            {online.data} online
          </span>
        )}
      </div>
      {site.name !== site.domain && <div class="muted small">{site.domain}</div>}
      <div class="site-card-stats">
        <div>
          <div class="kpi-value small-kpi">
            {overview.error ? "-" : overview.loading && !overview.data ? "…" : formatNumber(visitors)}
          </div>
          <div class="muted small">visitors today</div>
        </div>
        <div class="spark-box">
          <Sparkline
            values={last24Hours(
              (series.data ?? []).map((p) => p.values.visitors ?? 0),
              site.timezone,
            )}
          />
          <div class="muted small">last 24 hours</div>
        </div>
      </div>
      {(overview.error || series.error) && (
        <p class="muted small">Stats unavailable: {(overview.error ?? series.error)?.message}</p>
      )}
      <div class="row-actions">
        <button type="button" class="btn btn-small" aria-expanded={showSnippet} onClick={() => setShowSnippet(!showSnippet)}>
          {showSnippet ? "Hide snippet" : "Tracking snippet"}
        </button>
        <Link href={`/sites/${encodeURIComponent(site.id)}/settings`} class="btn btn-small btn-ghost">
          Settings
        </Link>
      </div>
      {showSnippet && <SnippetPanel site={site} />}
    </li>
  );
}

/** The 24 hourly values ending with the current hour, from 48 buckets (yesterday and today) in the site's time zone. */
export function last24Hours(values: number[], timeZone: string, now: Date = new Date()): number[] {
  let hour = now.getUTCHours();
  try {
    hour = Number(new Intl.DateTimeFormat("en-US", { timeZone, hour: "numeric", hourCycle: "h23" }).format(now));
  } catch {
    // Unknown zone: UTC hour.
  }
  if (values.length !== 48) return values.slice(-24);
  return values.slice(hour + 1, hour + 25);
}

/** The snippet to paste, and a live indicator that turns green when the first events arrive. */
export function SnippetPanel({ site }: { site: Website }) {
  const online = useAsync((signal) => realtime.online(site.id, signal), [site.id], 5_000);
  const [seen, setSeen] = useState(false);
  if (!seen && online.data != null && online.data > 0) setSeen(true);
  return (
    <div class="snippet">
      <p>
        Paste this into the <code>&lt;head&gt;</code> of every page of <strong>{site.domain}</strong>:
      </p>
      <pre class="code" data-testid="snippet">
        <code>{site.trackingSnippet}</code>
      </pre>
      <CopyButton text={site.trackingSnippet} label="Copy snippet" />
      <p class={`indicator ${seen ? "ok" : "waiting"}`} role="status" aria-live="polite">
        <span class="indicator-dot" aria-hidden="true" />
        {seen
          ? `Receiving events${online.data ? `: ${online.data} visitor${online.data === 1 ? "" : "s"} online now` : ""}.`
          : "Waiting for the first event… open your site in a browser once the snippet is in place."}
      </p>
      {online.error && <p class="muted small">Could not check for events: {online.error.message}</p>}
    </div>
  );
}

function AddWebsiteForm({ onCreated, onCancel }: { onCreated: (site: Website) => void; onCancel?: () => void }) {
  const [domain, setDomain] = useState("");
  const [name, setName] = useState("");
  const [timezone, setTimezone] = useState(browserTimeZone());
  const [currency, setCurrency] = useState("USD");
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const cleaned = domain
        .trim()
        .replace(/^https?:\/\//, "")
        .replace(/\/.*$/, "");
      onCreated(await websitesApi.create({ domain: cleaned, name: name.trim() || undefined, timezone, currency }));
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="form-grid" onSubmit={submit} aria-label="Add a website">
      <h2>Add a website</h2>
      <ErrorNote error={error} />
      <label>
        Domain
        <input
          type="text"
          name="domain"
          required
          placeholder="example.com"
          value={domain}
          onInput={(e) => setDomain(e.currentTarget.value)}
          autoComplete="off"
          spellcheck={false}
        />
        <span class="hint">Without https:// or a path. Subdomains are counted too.</span>
      </label>
      <label>
        Name <span class="muted">(optional)</span>
        <input type="text" name="name" placeholder="My blog" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        Time zone
        <select name="timezone" value={timezone} onChange={(e) => setTimezone(e.currentTarget.value)}>
          {timeZones().map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
        <span class="hint">Days in reports start at midnight in this zone.</span>
      </label>
      <label>
        Currency
        <select name="currency" value={currency} onChange={(e) => setCurrency(e.currentTarget.value)}>
          {CURRENCIES.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? "Adding…" : "Add website"}
        </button>
        {onCancel && (
          <button type="button" class="btn" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
