import { useState } from "preact/hooks";
import { apiKeys, websites, type ApiKey } from "../api";
import { ConfirmButton, CopyButton, EmptyState, ErrorNote, Skeleton } from "../components/ui";
import { useAsync, useDocumentTitle } from "../hooks";

/** API keys: create (the secret is shown once), list, revoke. */
export function ApiKeys() {
  useDocumentTitle("API keys");
  const list = useAsync((signal) => apiKeys.list(signal), []);
  const sites = useAsync((signal) => websites.list(signal), []);
  const [created, setCreated] = useState<ApiKey | null>(null);
  const [actionError, setActionError] = useState<Error | null>(null);
  const siteName = (id: string | null) => (id ? (sites.data?.find((s) => s.id === id)?.name ?? id) : "All websites");

  return (
    <div class="page stack">
      <h1>API keys</h1>
      <p class="muted">
        Keys let scripts read your stats (<code>Authorization: Bearer ds_live_…</code>) through the same API the dashboard uses. A
        read key can only read; a write key can also change settings and send server-side goals.
      </p>
      {created?.key && (
        <section class="card key-once" aria-label="New API key" role="status">
          <h2>Copy your new key now</h2>
          <p>
            This is the only time the full key is shown. Store it somewhere safe; if you lose it, revoke it and create another.
          </p>
          <pre class="code">
            <code data-testid="new-key">{created.key}</code>
          </pre>
          <CopyButton text={created.key} label="Copy key" />{" "}
          <button type="button" class="btn btn-small" onClick={() => setCreated(null)}>
            I have stored it
          </button>
        </section>
      )}
      <section class="card">
        <h2>Your keys</h2>
        <ErrorNote error={list.error} onRetry={list.reload} />
        <ErrorNote error={actionError} />
        {!list.data && !list.error ? (
          <Skeleton lines={3} />
        ) : list.data && list.data.length === 0 ? (
          <EmptyState title="No API keys yet">Create one below to query your stats from scripts or other tools.</EmptyState>
        ) : (
          <div class="table-scroll">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Key</th>
                  <th scope="col">Access</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {(list.data ?? []).map((k) => (
                  <tr key={k.id}>
                    <td>{k.name}</td>
                    <td>
                      <code>{k.keyHint}</code>
                    </td>
                    <td>
                      {k.scope === "write" ? "Read & write" : "Read only"} · {siteName(k.websiteId)}
                    </td>
                    <td>{k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : "Never"}</td>
                    <td>
                      <ConfirmButton
                        label="Revoke"
                        confirmLabel="Revoke key"
                        question={`Revoke “${k.name}”? Scripts using it stop working.`}
                        onConfirm={async () => {
                          setActionError(null);
                          try {
                            await apiKeys.revoke(k.id);
                            list.reload();
                          } catch (e) {
                            setActionError(e as Error);
                          }
                        }}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <NewKeyForm
        sites={(sites.data ?? []).map((s) => ({ id: s.id, name: s.name }))}
        onCreated={(k) => {
          setCreated(k);
          list.reload();
        }}
      />
    </div>
  );
}

function NewKeyForm({ sites, onCreated }: { sites: { id: string; name: string }[]; onCreated: (k: ApiKey) => void }) {
  const [name, setName] = useState("");
  const [scope, setScope] = useState<"read" | "write">("read");
  const [websiteId, setWebsiteId] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="card form-grid"
      aria-label="Create an API key"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          onCreated(await apiKeys.create(name.trim(), scope, websiteId || null));
          setName("");
        } catch (err) {
          setError(err as Error);
        } finally {
          setBusy(false);
        }
      }}
    >
      <h2>New key</h2>
      <ErrorNote error={error} />
      <label>
        Name
        <input
          type="text"
          required
          value={name}
          placeholder="Weekly report script"
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </label>
      <label>
        Access
        <select value={scope} onChange={(e) => setScope(e.currentTarget.value as "read" | "write")}>
          <option value="read">Read only</option>
          <option value="write">Read &amp; write</option>
        </select>
      </label>
      <label>
        Websites
        <select value={websiteId} onChange={(e) => setWebsiteId(e.currentTarget.value)}>
          <option value="">All websites</option>
          {sites.map((s) => (
            <option key={s.id} value={s.id}>
              Only {s.name}
            </option>
          ))}
        </select>
      </label>
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? "Creating…" : "Create key"}
        </button>
      </div>
    </form>
  );
}
