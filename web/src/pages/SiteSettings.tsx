import { useState } from "preact/hooks";
import { websites, type Website } from "../api";
import { CURRENCIES, timeZones } from "../components/SitePicklists";
import { ErrorNote } from "../components/ui";
import { useDocumentTitle } from "../hooks";
import { navigate } from "../router";
import { SnippetPanel } from "./Websites";

const lines = (s: string) =>
  s
    .split(/[\n,]/)
    .map((x) => x.trim())
    .filter(Boolean);

/** Name, time zone, currency, and the traffic rules: allowed hostnames and exclusions. */
export function SiteSettings({ site, onSaved }: { site: Website; onSaved: () => void }) {
  useDocumentTitle(`${site.name} settings`);
  const [name, setName] = useState(site.name);
  const [domain, setDomain] = useState(site.domain);
  const [timezone, setTimezone] = useState(site.timezone);
  const [currency, setCurrency] = useState(site.currency);
  const [hostnames, setHostnames] = useState(site.allowedHostnames.join("\n"));
  const [ips, setIps] = useState(site.excludedIps.join("\n"));
  const [paths, setPaths] = useState(site.excludedPaths.join("\n"));
  const [countries, setCountries] = useState(site.excludedCountries.join("\n"));
  const [cookieless, setCookieless] = useState(site.cookieless);
  const [error, setError] = useState<Error | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await websites.update(site.id, {
        name: name.trim(),
        domain: domain.trim(),
        timezone,
        currency,
        allowedHostnames: lines(hostnames),
        excludedIps: lines(ips),
        excludedPaths: lines(paths),
        excludedCountries: lines(countries).map((c) => c.toUpperCase()),
        cookieless,
      });
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  const zones = timeZones();
  return (
    <div class="stack">
      <form class="card form-grid" onSubmit={save} aria-label="Website settings">
        <h2>General</h2>
        <ErrorNote error={error} />
        <label>
          Name
          <input type="text" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Domain
          <input type="text" value={domain} onInput={(e) => setDomain(e.currentTarget.value)} spellcheck={false} />
        </label>
        <label>
          Time zone
          <select value={timezone} onChange={(e) => setTimezone(e.currentTarget.value)}>
            {(zones.includes(timezone) ? zones : [timezone, ...zones]).map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        </label>
        <label>
          Currency
          <select value={currency} onChange={(e) => setCurrency(e.currentTarget.value)}>
            {(CURRENCIES.includes(currency) ? CURRENCIES : [currency, ...CURRENCIES]).map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <h2>Traffic rules</h2>
        <label>
          Allowed hostnames
          <textarea rows={3} value={hostnames} onInput={(e) => setHostnames(e.currentTarget.value)} spellcheck={false} />
          <span class="hint">
            One per line. Events from {site.domain} and its subdomains always count; add other hostnames such as app.example.org
            or *.example.org.
          </span>
        </label>
        <label>
          Excluded IP addresses
          <textarea rows={3} value={ips} onInput={(e) => setIps(e.currentTarget.value)} spellcheck={false} />
          <span class="hint">
            One address or CIDR range per line, e.g. 203.0.113.7 or 10.0.0.0/8. Your own visits from these are not counted.
          </span>
        </label>
        <label>
          Excluded paths
          <textarea rows={3} value={paths} onInput={(e) => setPaths(e.currentTarget.value)} spellcheck={false} />
          <span class="hint">One per line, * as a wildcard, e.g. /admin/*.</span>
        </label>
        <label>
          Excluded countries
          <textarea rows={2} value={countries} onInput={(e) => setCountries(e.currentTarget.value)} spellcheck={false} />
          <span class="hint">Two-letter country codes, one per line, e.g. US.</span>
        </label>
        <h2>Privacy</h2>
        <label>
          <input
            type="checkbox"
            checked={cookieless}
            onChange={(e) => setCookieless(e.currentTarget.checked)}
            data-testid="cookieless"
          />
          Cookieless mode
        </label>
        <span class="hint" id="cookieless-hint">
          No cookie and no storage in your visitors' browsers: pages load /js/script.cookieless.js and visitors are counted from a
          hash of their address and browser with a secret that changes every day at midnight UTC and is then deleted. The price: a
          visitor who comes back on another day counts as new, so identify, visitor profiles and journeys across days are not
          available, and payments can be linked to a visit only within the same day. After switching, replace the snippet on your
          pages with the one below (details: docs/cookieless.md).
        </span>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? "Saving…" : "Save settings"}
          </button>
          {saved && (
            <span class="ok-text" role="status">
              Saved.
            </span>
          )}
        </div>
      </form>
      <section class="card">
        <h2>Tracking snippet</h2>
        <SnippetPanel site={site} />
      </section>
      <DangerZone site={site} />
    </div>
  );
}

function DangerZone({ site }: { site: Website }) {
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="card danger-zone form-grid"
      aria-label="Delete website"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        try {
          await websites.remove(site.id);
          navigate("/");
        } catch (err) {
          setError(err as Error);
          setBusy(false);
        }
      }}
    >
      <h2>Delete this website</h2>
      <p>This deletes the website and all its stats for good. Type its domain to confirm.</p>
      <ErrorNote error={error} />
      <label>
        Domain
        <input type="text" value={confirm} placeholder={site.domain} onInput={(e) => setConfirm(e.currentTarget.value)} />
      </label>
      <div class="form-actions">
        <button type="submit" class="btn btn-danger" disabled={busy || confirm.trim() !== site.domain}>
          Delete website
        </button>
      </div>
    </form>
  );
}
