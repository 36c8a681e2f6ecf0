import { useState } from "preact/hooks";
import type { Website } from "../api";
import { ConfirmButton, EmptyState, ErrorNote, Skeleton } from "../components/ui";
import { PRESET_LABELS, todayIn } from "../dateRange";
import { addFilter, DIMENSION_LABELS, OP_LABELS, readState, withFilters, withParam } from "../dashboard/urlState";
import { formatMoney, formatNumber } from "../format";
import { funnels as funnelsApi, stepFilter, type Funnel, type FunnelResult, type FunnelStep } from "../funnels";
import { useAsync, useDocumentTitle } from "../hooks";
import { navigate, setQuery, useLocation } from "../router";

export const MIN_STEPS = 2;
export const MAX_STEPS = 8;

/**
 * A site's funnels: pick one to see its bars (visitors per step, conversion
 * from step 1, drop-off from the step before), the overall rate and the
 * revenue of those who completed it; create, edit and delete funnels. The
 * range and filters are the dashboard's (same query string), so moving between
 * the two keeps them; a click on a step opens the dashboard filtered to it.
 */
export function FunnelsPage({ site }: { site: Website }) {
  useDocumentTitle(`${site.name} funnels`);
  const { query } = useLocation();
  const state = readState(query, todayIn(site.timezone));
  const list = useAsync((signal) => funnelsApi.list(site.id, signal), [site.id]);
  const [editing, setEditing] = useState<Funnel | "new" | null>(null);
  const [actionError, setActionError] = useState<Error | null>(null);
  const funnels = list.data ?? [];
  const selectedId = query.get("funnel") ?? funnels[0]?.id ?? null;
  const selected = funnels.find((f) => f.id === selectedId) ?? funnels[0] ?? null;
  const filterKey = withFilters(new URLSearchParams(), state.filters).toString();
  const results = useAsync(
    (signal) =>
      selected
        ? funnelsApi.results(
            selected.id,
            { siteId: site.id, start: state.range.start, end: state.range.end, filters: state.filters },
            signal,
          )
        : Promise.resolve(null),
    [site.id, selected?.id, state.range.start, state.range.end, filterKey, list.data],
  );

  const select = (id: string) => setQuery(withParam(query, "funnel", id));
  const openStep = (funnelId: string, step: number) => {
    const next = withFilters(withParam(query, "funnel", null), addFilter(state.filters, stepFilter(funnelId, step)));
    const s = next.toString();
    navigate(`/sites/${encodeURIComponent(site.id)}${s ? `?${s}` : ""}`);
  };

  return (
    <div class="stack">
      <section class="card">
        <div class="card-head">
          <h2>Funnels</h2>
          <button type="button" class="btn btn-primary" onClick={() => setEditing("new")}>
            New funnel
          </button>
        </div>
        <p class="muted">
          {state.preset === "custom" ? `${state.range.start} – ${state.range.end}` : PRESET_LABELS[state.preset]}
          {state.filters.length > 0 &&
            ` · filtered by ${state.filters
              .map((f) => `${DIMENSION_LABELS[f.dimension] ?? f.dimension} ${OP_LABELS[f.op]} ${f.values.join(", ")}`)
              .join("; ")}`}
          . Steps count in order: each step must come after the one before, for the same visitor, within the range.
        </p>
        <ErrorNote error={list.error} onRetry={list.reload} />
        <ErrorNote error={actionError} />
        {!list.data && !list.error ? (
          <Skeleton lines={4} />
        ) : funnels.length === 0 ? (
          <EmptyState title="No funnels yet">
            A funnel is 2 to 8 steps a visitor should take in order, e.g. <code>/</code> → <code>/pricing</code> → the goal{" "}
            <code>signup</code>. Funnels count past visits too.
          </EmptyState>
        ) : (
          <>
            <div class="radio-row" role="tablist" aria-label="Funnels">
              {funnels.map((f) => (
                <button
                  key={f.id}
                  type="button"
                  role="tab"
                  class="tab"
                  aria-selected={f.id === selected?.id}
                  onClick={() => select(f.id)}
                >
                  {f.name}
                </button>
              ))}
            </div>
            {selected && (
              <div class="form-actions">
                <button type="button" class="btn btn-small" onClick={() => setEditing(selected)}>
                  Edit
                </button>
                <ConfirmButton
                  label="Delete"
                  confirmLabel="Delete funnel"
                  question={`Delete “${selected.name}”?`}
                  onConfirm={async () => {
                    setActionError(null);
                    try {
                      await funnelsApi.remove(site.id, selected.id);
                      setQuery(withParam(query, "funnel", null));
                      list.reload();
                    } catch (e) {
                      setActionError(e as Error);
                    }
                  }}
                />
              </div>
            )}
            <ErrorNote error={results.error} onRetry={results.reload} />
            {results.data ? <FunnelBars result={results.data} onStep={openStep} /> : !results.error && <Skeleton lines={4} />}
          </>
        )}
      </section>
      {editing && (
        <FunnelForm
          key={editing === "new" ? "new" : editing.id}
          siteId={site.id}
          funnel={editing === "new" ? null : editing}
          onCancel={() => setEditing(null)}
          onSaved={(f) => {
            setEditing(null);
            list.reload();
            select(f.id);
          }}
        />
      )}
    </div>
  );
}

/** One bar per step, as wide as its share of step 1's visitors. */
/** `onStep` gets the funnel's id and the clicked step's number, counted from 1. */
export function FunnelBars({ result, onStep }: { result: FunnelResult; onStep: (funnelId: string, step: number) => void }) {
  return (
    <div>
      <div class="kpis funnel-kpis" aria-label="Funnel totals">
        <div>
          <div class="muted small">Entered</div>
          <strong data-testid="funnel-entered">{formatNumber(result.entered)}</strong>
        </div>
        <div>
          <div class="muted small">Completed</div>
          <strong data-testid="funnel-completed">{formatNumber(result.completed)}</strong>
        </div>
        <div>
          <div class="muted small">Conversion rate</div>
          <strong data-testid="funnel-rate">{result.conversionRate}%</strong>
        </div>
        <div>
          <div class="muted small">Revenue from completers</div>
          <strong data-testid="funnel-revenue">{formatMoney(result.revenue, result.currency)}</strong>
        </div>
      </div>
      <ol class="bars funnel-steps">
        {result.steps.map((s, i) => (
          <li key={i} data-testid="funnel-step">
            <button
              type="button"
              class="bar-row"
              title={`Show the dashboard for the visitors who reached “${s.name}” in order`}
              onClick={() => onStep(result.id, i + 1)}
            >
              <span class="bar" style={{ width: `${s.conversionRate}%` }} aria-hidden="true" />
              <span class="bar-label">
                {i + 1}. {s.name} <span class="muted small">{s.type === "goal" ? `goal ${s.goalName}` : s.url}</span>
              </span>
              <span class="bar-value">
                <span data-testid="step-visitors">{formatNumber(s.visitors)}</span>
                <span class="muted small"> · {s.conversionRate}%</span>
                {i > 0 && (
                  <span class="muted small" data-testid="step-dropoff">
                    {" "}
                    · −{formatNumber(s.dropoff)} ({s.dropoffRate}%)
                  </span>
                )}
              </span>
            </button>
          </li>
        ))}
      </ol>
    </div>
  );
}

const emptyStep = (): FunnelStep => ({ name: "", type: "pageview", url: "", goalName: null });

/** Create or edit a funnel: a name and 2 to 8 steps, each a page (with `*` wildcards) or a goal. */
export function FunnelForm({
  siteId,
  funnel,
  onSaved,
  onCancel,
}: {
  siteId: string;
  funnel: Funnel | null;
  onSaved: (f: Funnel) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState(funnel?.name ?? "");
  const [steps, setSteps] = useState<FunnelStep[]>(funnel ? funnel.steps.map((s) => ({ ...s })) : [emptyStep(), emptyStep()]);
  const [error, setError] = useState<Error | string | null>(null);
  const [busy, setBusy] = useState(false);

  const change = (i: number, patch: Partial<FunnelStep>) => setSteps(steps.map((s, j) => (j === i ? { ...s, ...patch } : s)));

  const submit = async (e: Event) => {
    e.preventDefault();
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i];
      if (!s.name.trim()) return setError(`Step ${i + 1} needs a name.`);
      if (s.type === "pageview" && !(s.url ?? "").trim().startsWith("/"))
        return setError(`Step ${i + 1}: the page must start with /, e.g. /pricing or /blog/*.`);
      if (s.type === "goal" && !(s.goalName ?? "").trim()) return setError(`Step ${i + 1}: enter the goal's name, e.g. signup.`);
    }
    const clean = steps.map((s) =>
      s.type === "pageview"
        ? { name: s.name.trim(), type: s.type, url: (s.url ?? "").trim(), goalName: null }
        : { name: s.name.trim(), type: s.type, url: null, goalName: (s.goalName ?? "").trim().toLowerCase() },
    );
    setBusy(true);
    setError(null);
    try {
      const saved = funnel
        ? await funnelsApi.update(siteId, funnel.id, name.trim(), clean)
        : await funnelsApi.create(siteId, name.trim(), clean);
      onSaved(saved);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card form-grid" onSubmit={submit} aria-label={funnel ? "Edit funnel" : "Create a funnel"}>
      <h2>{funnel ? `Edit “${funnel.name}”` : "New funnel"}</h2>
      <ErrorNote error={error} />
      <label>
        Name
        <input
          type="text"
          required
          maxLength={100}
          value={name}
          placeholder="Signup flow"
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </label>
      <ol class="funnel-form-steps">
        {steps.map((s, i) => (
          <li key={i}>
            <fieldset>
              <legend>Step {i + 1}</legend>
              <label>
                Step name
                <input
                  type="text"
                  required
                  maxLength={100}
                  value={s.name}
                  placeholder={i === 0 ? "Visited home" : "Viewed pricing"}
                  onInput={(e) => change(i, { name: e.currentTarget.value })}
                />
              </label>
              <label>
                Type
                <select
                  value={s.type}
                  onChange={(e) => {
                    const type = e.currentTarget.value as FunnelStep["type"];
                    change(i, type === "goal" ? { type, url: null, goalName: "" } : { type, url: "", goalName: null });
                  }}
                >
                  <option value="pageview">Page visit</option>
                  <option value="goal">Goal</option>
                </select>
              </label>
              {s.type === "pageview" ? (
                <label>
                  Page
                  <input
                    type="text"
                    required
                    value={s.url ?? ""}
                    placeholder="/pricing or /blog/*"
                    onInput={(e) => change(i, { url: e.currentTarget.value })}
                  />
                </label>
              ) : (
                <label>
                  Goal name
                  <input
                    type="text"
                    required
                    value={s.goalName ?? ""}
                    placeholder="signup"
                    onInput={(e) => change(i, { goalName: e.currentTarget.value.toLowerCase() })}
                  />
                </label>
              )}
              {steps.length > MIN_STEPS && (
                <button type="button" class="btn btn-small" onClick={() => setSteps(steps.filter((_, j) => j !== i))}>
                  Remove step {i + 1}
                </button>
              )}
            </fieldset>
          </li>
        ))}
      </ol>
      <div class="form-actions">
        {steps.length < MAX_STEPS && (
          <button type="button" class="btn" onClick={() => setSteps([...steps, emptyStep()])}>
            Add step
          </button>
        )}
        <button type="button" class="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? "Saving…" : funnel ? "Save funnel" : "Create funnel"}
        </button>
      </div>
    </form>
  );
}
