import { useEffect, useRef, useState } from "preact/hooks";
import { FILTER_DIMENSIONS, filterValues, type Filter, type FilterOp } from "../api";
import type { DateRange } from "../dateRange";
import { countryName } from "../format";
import { funnels } from "../funnels";
import { useAsync } from "../hooks";
import { setQuery, useLocation } from "../router";
import { DIMENSION_LABELS, OP_LABELS, addFilter, parseFilters, removeFilter, withFilters } from "./urlState";

/** A chip's words; `funnelNames` (funnel id to name) names the funnel of a funnel step filter once loaded. */
export function filterText(f: Filter, funnelNames?: Map<string, string>): string {
  if (f.dimension === "funnel_step") {
    // funnel_step[is]=<funnelId>:<k>: who reached step k of that funnel in order
    const [funnel, step] = (f.values[0] ?? "").split(":");
    const name = funnelNames?.get(funnel);
    return name ? `Reached step ${step} of funnel "${name}"` : `Reached step ${step} of funnel ${funnel}`;
  }
  const values = f.values.map((v) => (f.dimension === "country" ? countryName(v) : v || "(none)"));
  return `${DIMENSION_LABELS[f.dimension] ?? f.dimension} ${OP_LABELS[f.op]} ${values.join(" or ")}`;
}

/** The active filters as chips; each chip's button removes it from the URL. */
export function FilterChips({ siteId }: { siteId?: string }) {
  const { query } = useLocation();
  const filters = parseFilters(query);
  const needsNames = siteId !== undefined && filters.some((f) => f.dimension === "funnel_step");
  const names = useAsync(
    async (signal) =>
      needsNames && siteId
        ? new Map((await funnels.list(siteId, signal)).map((fn) => [fn.id, fn.name]))
        : new Map<string, string>(),
    [needsNames, siteId],
  );
  if (filters.length === 0) return null;
  const text = (f: Filter) => filterText(f, names.data);
  return (
    <ul class="chips" aria-label="Active filters">
      {filters.map((f) => (
        <li key={`${f.dimension}[${f.op}]`} class="chip">
          <span>{text(f)}</span>
          <button
            type="button"
            class="chip-remove"
            aria-label={`Remove filter: ${text(f)}`}
            onClick={() => setQuery(withFilters(query, removeFilter(filters, f)))}
          >
            ×
          </button>
        </li>
      ))}
      {filters.length > 1 && (
        <li>
          <button type="button" class="btn btn-small btn-ghost" onClick={() => setQuery(withFilters(query, []))}>
            Clear all
          </button>
        </li>
      )}
    </ul>
  );
}

/** "Add filter": pick a dimension, an operator and a value suggested by /api/filter-values. */
export function FilterMenu({ siteId, range }: { siteId: string; range: DateRange }) {
  const [open, setOpen] = useState(false);
  const [dimension, setDimension] = useState<string>("pathname");
  const [op, setOp] = useState<FilterOp>("is");
  const [value, setValue] = useState("");
  const { query } = useLocation();
  const ref = useRef<HTMLDivElement>(null);
  const firstField = useRef<HTMLSelectElement>(null);
  const suggestions = useAsync(
    (signal) => (open ? filterValues(siteId, dimension, range.start, range.end, signal) : Promise.resolve([])),
    [open, siteId, dimension, range.start, range.end],
  );

  useEffect(() => {
    if (!open) return;
    firstField.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    const onClick = (e: MouseEvent) => ref.current && !ref.current.contains(e.target as Node) && setOpen(false);
    document.addEventListener("keydown", onKey);
    document.addEventListener("mousedown", onClick);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("mousedown", onClick);
    };
  }, [open]);

  const apply = (e: Event) => {
    e.preventDefault();
    const v = value.trim();
    if (!v) return;
    setQuery(withFilters(query, addFilter(parseFilters(query), { dimension, op, values: [v] })));
    setOpen(false);
    setValue("");
  };

  const listId = `filter-values-${dimension}`;
  return (
    <div class="popover-wrap" ref={ref}>
      <button type="button" class="btn" aria-expanded={open} aria-haspopup="dialog" onClick={() => setOpen(!open)}>
        + Filter
      </button>
      {open && (
        <form class="popover" role="dialog" aria-label="Add a filter" onSubmit={apply}>
          <label>
            Filter by
            <select ref={firstField} value={dimension} onChange={(e) => (setDimension(e.currentTarget.value), setValue(""))}>
              {FILTER_DIMENSIONS.map((d) => (
                <option key={d} value={d}>
                  {DIMENSION_LABELS[d] ?? d}
                </option>
              ))}
            </select>
          </label>
          <label>
            Condition
            <select value={op} onChange={(e) => setOp(e.currentTarget.value as FilterOp)}>
              {(Object.keys(OP_LABELS) as FilterOp[]).map((o) => (
                <option key={o} value={o}>
                  {OP_LABELS[o]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Value
            <input
              type="text"
              list={listId}
              value={value}
              onInput={(e) => setValue(e.currentTarget.value)}
              placeholder={suggestions.loading ? "Loading values…" : "Type or pick a value"}
              autoComplete="off"
            />
            <datalist id={listId}>
              {(suggestions.data ?? []).map((s) => (
                <option key={s.value} value={s.value}>
                  {dimension === "country" ? `${countryName(s.value)} · ${s.visitors}` : `${s.visitors} visitors`}
                </option>
              ))}
            </datalist>
          </label>
          {suggestions.error && <p class="muted small">No suggestions: {suggestions.error.message}</p>}
          {suggestions.data && suggestions.data.length > 0 && (
            <div class="suggestions" aria-label="Most common values">
              {suggestions.data.slice(0, 8).map((s) => (
                <button type="button" key={s.value} class="btn btn-small btn-ghost" onClick={() => setValue(s.value)}>
                  {dimension === "country" ? countryName(s.value) : s.value || "(none)"} <span class="muted">{s.visitors}</span>
                </button>
              ))}
            </div>
          )}
          <div class="form-actions">
            <button type="submit" class="btn btn-primary btn-small" disabled={!value.trim()}>
              Apply filter
            </button>
            <button type="button" class="btn btn-small" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
