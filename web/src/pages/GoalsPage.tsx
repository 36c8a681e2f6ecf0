import { useState } from "preact/hooks";
import { goals as goalsApi, stats, type Website } from "../api";
import { ConfirmButton, EmptyState, ErrorNote, Skeleton } from "../components/ui";
import { presetRange, todayIn } from "../dateRange";
import { formatNumber } from "../format";
import { useAsync, useDocumentTitle } from "../hooks";

const NAME_RULE = /^[a-z0-9_:-]{1,64}$/;

/** Goals of a site: what counts as a conversion, and how many there were in the last 30 days. */
export function GoalsPage({ site }: { site: Website }) {
  useDocumentTitle(`${site.name} goals`);
  const list = useAsync((signal) => goalsApi.list(site.id, signal), [site.id]);
  const range = presetRange("30d", todayIn(site.timezone));
  const conversions = useAsync(
    (signal) => stats.goals({ siteId: site.id, start: range.start, end: range.end, filters: [] }, signal),
    [site.id, range.start, list.data],
  );
  const [actionError, setActionError] = useState<Error | null>(null);
  const byName = new Map((conversions.data ?? []).map((c) => [c.goalName, c]));

  return (
    <div class="stack">
      <section class="card">
        <h2>Goals</h2>
        <p class="muted">
          Conversions over the last 30 days ({range.start} – {range.end}). Goals count retroactively, so a new goal shows past
          conversions too.
        </p>
        <ErrorNote error={list.error} onRetry={list.reload} />
        <ErrorNote error={actionError} />
        {conversions.error && <p class="muted small">Conversions unavailable: {conversions.error.message}</p>}
        {!list.data && !list.error ? (
          <Skeleton lines={4} />
        ) : list.data && list.data.length === 0 ? (
          <EmptyState title="No goals yet">
            Create one below: a <strong>custom</strong> goal counts events your pages send with{" "}
            <code>window.datasaas("signup")</code>, a <strong>pageview</strong> goal counts visits to pages matching a path.
          </EmptyState>
        ) : (
          <div class="table-scroll">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">Goal</th>
                  <th scope="col">Type</th>
                  <th scope="col" class="num">
                    Converted visitors
                  </th>
                  <th scope="col" class="num">
                    Completions
                  </th>
                  <th scope="col" class="num">
                    Rate
                  </th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {(list.data ?? []).map((g) => {
                  const c = byName.get(g.name);
                  return (
                    <tr key={g.id}>
                      <td>
                        <strong>{g.displayName}</strong>
                        <div class="muted small">{g.name}</div>
                      </td>
                      <td>{g.goalType === "pageview" ? `Pageview of ${g.path ?? ""}` : "Custom event"}</td>
                      <td class="num">{c ? formatNumber(c.visitors) : "-"}</td>
                      <td class="num">{c ? formatNumber(c.completions) : "-"}</td>
                      <td class="num">{c?.conversionRate != null ? `${c.conversionRate}%` : "-"}</td>
                      <td>
                        <ConfirmButton
                          label="Delete"
                          confirmLabel="Delete goal"
                          question={`Delete “${g.displayName}”?`}
                          onConfirm={async () => {
                            setActionError(null);
                            try {
                              await goalsApi.remove(site.id, g.id);
                              list.reload();
                            } catch (e) {
                              setActionError(e as Error);
                            }
                          }}
                        />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <NewGoalForm siteId={site.id} onCreated={list.reload} />
    </div>
  );
}

function NewGoalForm({ siteId, onCreated }: { siteId: string; onCreated: () => void }) {
  const [goalType, setGoalType] = useState<"custom" | "pageview">("custom");
  const [name, setName] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [path, setPath] = useState("");
  const [error, setError] = useState<Error | string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const n = name.trim().toLowerCase();
    if (!NAME_RULE.test(n)) return setError("The name may use a-z, 0-9, _ : - only, up to 64 characters (e.g. signup).");
    if (goalType === "pageview" && !path.trim().startsWith("/"))
      return setError("The path must start with /, e.g. /thank-you or /blog/*.");
    setBusy(true);
    setError(null);
    try {
      await goalsApi.create(siteId, { name: n, displayName: displayName.trim() || n, goalType, path: path.trim() });
      setName("");
      setDisplayName("");
      setPath("");
      onCreated();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card form-grid" onSubmit={submit} aria-label="Create a goal">
      <h2>New goal</h2>
      <ErrorNote error={error} />
      <fieldset class="radio-row">
        <legend>Type</legend>
        <label>
          <input
            type="radio"
            name="goal_type"
            value="custom"
            checked={goalType === "custom"}
            onChange={() => setGoalType("custom")}
          />{" "}
          Custom event
        </label>
        <label>
          <input
            type="radio"
            name="goal_type"
            value="pageview"
            checked={goalType === "pageview"}
            onChange={() => setGoalType("pageview")}
          />{" "}
          Pageview
        </label>
      </fieldset>
      <label>
        Name
        <input
          type="text"
          required
          value={name}
          placeholder={goalType === "custom" ? "signup" : "visit_pricing"}
          onInput={(e) => setName(e.currentTarget.value.toLowerCase())}
          spellcheck={false}
        />
        <span class="hint">
          {goalType === "custom" ? "The event name your pages send." : "An identifier for this goal."} Lowercase a-z, 0-9, _ : -
        </span>
      </label>
      <label>
        Display name <span class="muted">(optional)</span>
        <input type="text" value={displayName} placeholder="Sign-ups" onInput={(e) => setDisplayName(e.currentTarget.value)} />
      </label>
      {goalType === "pageview" && (
        <label>
          Path
          <input
            type="text"
            required
            value={path}
            placeholder="/thank-you or /blog/*"
            onInput={(e) => setPath(e.currentTarget.value)}
          />
          <span class="hint">* matches any characters.</span>
        </label>
      )}
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? "Creating…" : "Create goal"}
        </button>
      </div>
    </form>
  );
}
