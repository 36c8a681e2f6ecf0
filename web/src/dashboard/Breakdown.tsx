/**
 * Breakdown panels: tabs of top rows with a bar behind each value. Clicking a
 * row filters the whole dashboard by it; "Details" opens a searchable, sortable,
 * paged list of the same dimension.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { DIMENSIONS, instance, revenueSupported, stats, type BreakdownRow, type StatsQuery } from "../api";
import { DbIpCredit, EmptyState, ErrorNote, Skeleton } from "../components/ui";
import { countryName, formatMoney, formatNumber } from "../format";
import { useAsync } from "../hooks";
import { Approximate } from "./KpiCards";
import { Link, setQuery, useLocation } from "../router";
import { WorldMap } from "../map/WorldMap";
import { DIMENSION_LABELS, addFilter, parseFilters, withFilters, withParam } from "./urlState";

export interface TabDef {
  key: string;
  label: string;
  kind: "list" | "map" | "goals" | "utm";
}

export interface PanelDef {
  param: string;
  title: string;
  tabs: TabDef[];
  locations?: boolean;
}

const UTM_DIMENSIONS = [
  DIMENSIONS.utmSource,
  DIMENSIONS.utmMedium,
  DIMENSIONS.utmCampaign,
  DIMENSIONS.utmTerm,
  DIMENSIONS.utmContent,
];

export const PANELS: PanelDef[] = [
  {
    param: "sources",
    title: "Sources",
    tabs: [
      { key: DIMENSIONS.channel, label: "Channels", kind: "list" },
      { key: DIMENSIONS.referrer, label: "Referrers", kind: "list" },
      { key: DIMENSIONS.utmSource, label: "UTM", kind: "utm" },
    ],
  },
  {
    param: "pages",
    title: "Pages",
    tabs: [
      { key: DIMENSIONS.page, label: "Top pages", kind: "list" },
      { key: DIMENSIONS.entryPage, label: "Entry pages", kind: "list" },
      { key: DIMENSIONS.exitPage, label: "Exit pages", kind: "list" },
    ],
  },
  {
    param: "locations",
    title: "Locations",
    locations: true,
    tabs: [
      { key: "map", label: "Map", kind: "map" },
      { key: DIMENSIONS.country, label: "Countries", kind: "list" },
      { key: DIMENSIONS.region, label: "Regions", kind: "list" },
      { key: DIMENSIONS.city, label: "Cities", kind: "list" },
    ],
  },
  {
    param: "devices",
    title: "Devices",
    tabs: [
      { key: DIMENSIONS.deviceType, label: "Devices", kind: "list" },
      { key: DIMENSIONS.browser, label: "Browsers", kind: "list" },
      { key: DIMENSIONS.os, label: "OS", kind: "list" },
      { key: DIMENSIONS.screenSize, label: "Screen sizes", kind: "list" },
    ],
  },
  {
    param: "goals",
    title: "Goals",
    tabs: [{ key: "conversions", label: "Conversions", kind: "goals" }],
  },
];

/** What a row's value reads as, in plain text. */
export function rowLabel(dimension: string, value: string): string {
  if (dimension === DIMENSIONS.country) return value ? countryName(value) : "Unknown";
  if (!value) return dimension === DIMENSIONS.referrer ? "Direct / None" : "(none)";
  return value;
}

function useFilterBy() {
  const { query } = useLocation();
  return (dimension: string, value: string) =>
    setQuery(withFilters(query, addFilter(parseFilters(query), { dimension, op: "is", values: [value] })));
}

export function BreakdownPanel({ panel, q, currency = "USD" }: { panel: PanelDef; q: StatsQuery; currency?: string }) {
  const { query } = useLocation();
  const selected = query.get(panel.param) ?? panel.tabs[0].key;
  const isUtm = UTM_DIMENSIONS.includes(selected as (typeof UTM_DIMENSIONS)[number]);
  const tab =
    panel.tabs.find((t) => t.key === selected) ?? (isUtm ? panel.tabs.find((t) => t.kind === "utm") : undefined) ?? panel.tabs[0];
  const dimension = tab.kind === "utm" ? (isUtm ? selected : tab.key) : tab.key;
  const selectTab = (key: string) =>
    setQuery(withParam(query, panel.param, key === panel.tabs[0].key ? null : key), { replace: true });

  return (
    <section class="card panel" aria-labelledby={`panel-${panel.param}`}>
      <div class="card-head">
        <h2 id={`panel-${panel.param}`}>{panel.title}</h2>
        {panel.tabs.length > 1 && (
          <div
            class="tabs panel-tabs"
            role="tablist"
            aria-label={`${panel.title} views`}
            onKeyDown={(e) => {
              // Arrow keys move between tabs, as screen-reader users expect of a tab list.
              const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
              if (!step) return;
              e.preventDefault();
              const list = e.currentTarget;
              const next = panel.tabs[(panel.tabs.indexOf(tab) + step + panel.tabs.length) % panel.tabs.length];
              selectTab(next.key);
              requestAnimationFrame(() => list.querySelectorAll<HTMLElement>("[role=tab]")[panel.tabs.indexOf(next)]?.focus());
            }}
          >
            {panel.tabs.map((t) => (
              <button key={t.key} type="button" role="tab" class="tab" aria-selected={t === tab} onClick={() => selectTab(t.key)}>
                {t.label}
              </button>
            ))}
          </div>
        )}
      </div>
      {tab.kind === "utm" && (
        <label class="utm-select small">
          Parameter{" "}
          <select value={dimension} onChange={(e) => selectTab(e.currentTarget.value)}>
            {UTM_DIMENSIONS.map((d) => (
              <option key={d} value={d}>
                {DIMENSION_LABELS[d]}
              </option>
            ))}
          </select>
        </label>
      )}
      <div role="tabpanel">
        {tab.kind === "map" ? (
          <CountryMap q={q} />
        ) : tab.kind === "goals" ? (
          <GoalRows q={q} />
        ) : (
          <BreakdownRows q={q} dimension={dimension} currency={currency} />
        )}
      </div>
      {panel.locations && <GeoUnavailableNotice />}
      {panel.locations && <DbIpCredit />}
    </section>
  );
}

export function BreakdownRows({ q, dimension, currency = "USD" }: { q: StatsQuery; dimension: string; currency?: string }) {
  const { query } = useLocation();
  const filterBy = useFilterBy();
  // A revenue column wherever payments carry the dimension (and every filter); payments are credited to sessions.
  const withRevenue = revenueSupported(q.filters, dimension);
  const data = useAsync(
    (signal) =>
      stats.breakdown(q, dimension, { limit: 9, metrics: withRevenue ? ["visitors", "revenue"] : ["visitors"] }, signal),
    [JSON.stringify(q), dimension],
  );
  if (data.error) return <ErrorNote error={data.error} onRetry={data.reload} />;
  if (!data.data) return <Skeleton lines={6} />;
  const rows = data.data.rows;
  if (rows.length === 0)
    return (
      <EmptyState title="No data for this period">
        Try a longer date range{q.filters.length ? " or remove a filter" : ""}.
      </EmptyState>
    );
  return (
    <>
      <BarList
        rows={rows}
        dimension={dimension}
        onPick={(r) => filterBy(dimension, r.value)}
        busy={data.loading}
        approximate={data.data.approximate?.includes("visitors") ?? false}
        money={withRevenue ? (r) => formatMoney(r.revenue ?? 0, currency) : undefined}
      />
      <div class="panel-foot">
        <button type="button" class="btn btn-small btn-ghost" onClick={() => setQuery(withParam(query, "details", dimension))}>
          Details
        </button>
      </div>
    </>
  );
}

export function BarList({
  rows,
  dimension,
  onPick,
  busy,
  valueLabel = "Visitors",
  money,
  approximate,
}: {
  rows: { value: string; visitors: number; label?: string; extra?: string; revenue?: number | null }[];
  dimension: string;
  onPick: (row: { value: string }) => void;
  busy?: boolean;
  valueLabel?: string;
  /** The revenue column's text for a row; no column when absent. */
  money?: (row: { revenue?: number | null }) => string;
  /** The visitor counts are estimates (meta.approximate): marked in the column's head. */
  approximate?: boolean;
}) {
  const max = Math.max(1, ...rows.map((r) => r.visitors));
  return (
    <div class={busy ? "is-reloading" : ""}>
      <div class="bar-head muted small">
        <span>{DIMENSION_LABELS[dimension] ?? dimension}</span>
        <span>
          {approximate && <Approximate />}
          {valueLabel}
          {money && <span class="bar-money"> · Revenue</span>}
        </span>
      </div>
      <ul class="bars">
        {rows.map((r) => {
          const label = r.label ?? rowLabel(dimension, r.value);
          return (
            <li key={r.value}>
              <button type="button" class="bar-row" title={`Filter by ${label}`} onClick={() => onPick(r)}>
                <span class="bar" style={{ width: `${(r.visitors / max) * 100}%` }} aria-hidden="true" />
                <span class="bar-label">{label}</span>
                <span class="bar-value">
                  {r.extra && <span class="muted small">{r.extra} </span>}
                  <span class="bar-visitors">{formatNumber(r.visitors)}</span>
                  {money && (
                    <span class="bar-money" data-testid="bar-revenue">
                      {" "}
                      · {money(r)}
                    </span>
                  )}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** Without a GeoIP database every location is Unknown; say why here, where the owner would notice. */
function GeoUnavailableNotice() {
  const info = useAsync((signal) => instance.get(signal), []);
  if (!info.data || info.data.geoip.available) return null;
  return (
    <p class="notice small" role="status">
      <strong>Visitor locations are unavailable on this server.</strong> {info.data.geoip.reason}
    </p>
  );
}

function CountryMap({ q }: { q: StatsQuery }) {
  const filterBy = useFilterBy();
  const data = useAsync((signal) => stats.breakdown(q, DIMENSIONS.country, { limit: 300 }, signal), [JSON.stringify(q)]);
  const values = new Map((data.data?.rows ?? []).map((r) => [r.value.toUpperCase(), r.visitors]));
  return (
    <>
      <ErrorNote error={data.error} onRetry={data.reload} />
      <WorldMap
        label="Visitors by country. Countries with visitors can be focused and pressed to filter by them."
        values={values}
        onSelectCountry={(code) => filterBy(DIMENSIONS.country, code)}
      />
    </>
  );
}

function GoalRows({ q }: { q: StatsQuery }) {
  const filterBy = useFilterBy();
  const data = useAsync((signal) => stats.goals(q, signal), [JSON.stringify(q)]);
  if (data.error) return <ErrorNote error={data.error} onRetry={data.reload} />;
  if (!data.data) return <Skeleton lines={4} />;
  if (data.data.length === 0)
    return (
      <EmptyState title="No goals yet">
        <Link href={`/sites/${encodeURIComponent(q.siteId)}/goals`}>Set up a goal</Link> to count sign-ups, purchases or visits to
        a page.
      </EmptyState>
    );
  return (
    <BarList
      dimension={DIMENSIONS.goal}
      valueLabel="Conversions"
      busy={data.loading}
      rows={data.data.map((g) => ({
        value: g.goalName,
        label: g.displayName,
        visitors: g.visitors,
        extra: g.conversionRate == null ? undefined : `${g.conversionRate}%`,
      }))}
      onPick={(r) => filterBy(DIMENSIONS.goal, r.value)}
    />
  );
}

// ---------------------------------------------------------------- details

const PAGE_SIZE = 20;
const DETAILS_LIMIT = 500;
type SortKey = "value" | "visitors" | "pageviews";

/** Full list of one dimension: server-side search (a "contains" filter), client-side sort and paging of the first 500 rows. */
export function DetailsDialog({ q, dimension }: { q: StatsQuery; dimension: string }) {
  const { query } = useLocation();
  const [search, setSearch] = useState("");
  const [debounced, setDebounced] = useState("");
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: "visitors", desc: true });
  const [page, setPage] = useState(0);
  const dialog = useRef<HTMLDivElement>(null);
  const close = () => setQuery(withParam(query, "details", null));

  useEffect(() => {
    const t = setTimeout(() => (setDebounced(search.trim()), setPage(0)), 300);
    return () => clearTimeout(t);
  }, [search]);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    dialog.current?.querySelector<HTMLElement>("input")?.focus();
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && close();
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("keydown", onKey);
      opener?.focus?.();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const searchQ: StatsQuery = debounced
    ? { ...q, filters: [...q.filters, { dimension, op: "contains", values: [debounced] }] }
    : q;
  const data = useAsync(
    (signal) => stats.breakdown(searchQ, dimension, { metrics: ["visitors", "pageviews"], limit: DETAILS_LIMIT }, signal),
    [JSON.stringify(searchQ), dimension],
  );
  const rows: BreakdownRow[] = [...(data.data?.rows ?? [])].sort((a, b) => {
    const av = sort.key === "value" ? rowLabel(dimension, a.value) : (a[sort.key] ?? -1);
    const bv = sort.key === "value" ? rowLabel(dimension, b.value) : (b[sort.key] ?? -1);
    const c = av < bv ? -1 : av > bv ? 1 : 0;
    return sort.desc ? -c : c;
  });
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const shown = rows.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
  const filterBy = (value: string) => {
    const next = withFilters(query, addFilter(parseFilters(query), { dimension, op: "is", values: [value] }));
    next.delete("details");
    setQuery(next);
  };
  const header = (key: SortKey, label: string) => (
    <th
      scope="col"
      class={key === "value" ? undefined : "num"}
      aria-sort={sort.key === key ? (sort.desc ? "descending" : "ascending") : "none"}
    >
      <button
        type="button"
        class="th-sort"
        onClick={() => setSort({ key, desc: sort.key === key ? !sort.desc : key !== "value" })}
      >
        {label} {sort.key === key ? (sort.desc ? "↓" : "↑") : ""}
      </button>
    </th>
  );
  const title = DIMENSION_LABELS[dimension] ?? dimension;
  return (
    <div class="overlay" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div class="card dialog" role="dialog" aria-modal="true" aria-labelledby="details-title" ref={dialog}>
        <div class="card-head">
          <h2 id="details-title">{title}: details</h2>
          <button type="button" class="btn btn-small" onClick={close} aria-label="Close details">
            Close
          </button>
        </div>
        <label class="search">
          <span class="sr-only">Search {title}</span>
          <input
            type="search"
            placeholder={`Search ${title.toLowerCase()}…`}
            value={search}
            onInput={(e) => setSearch(e.currentTarget.value)}
          />
        </label>
        <ErrorNote error={data.error} onRetry={data.reload} />
        {!data.data && !data.error ? (
          <Skeleton lines={8} />
        ) : rows.length === 0 ? (
          <EmptyState title={debounced ? `Nothing matches “${debounced}”` : "No data for this period"}>
            {debounced ? "Try a shorter search." : "Try a longer date range."}
          </EmptyState>
        ) : (
          <>
            <table class={`table ${data.loading ? "is-reloading" : ""}`}>
              <thead>
                <tr>
                  {header("value", title)}
                  {header("visitors", "Visitors")}
                  {header("pageviews", "Pageviews")}
                </tr>
              </thead>
              <tbody>
                {shown.map((r) => (
                  <tr key={r.value}>
                    <td>
                      <button
                        type="button"
                        class="link-button"
                        onClick={() => filterBy(r.value)}
                        title="Filter the dashboard by this"
                      >
                        {rowLabel(dimension, r.value)}
                      </button>
                    </td>
                    <td class="num">{formatNumber(r.visitors)}</td>
                    <td class="num">{formatNumber(r.pageviews)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div class="pager">
              <button type="button" class="btn btn-small" disabled={page === 0} onClick={() => setPage(page - 1)}>
                Previous
              </button>
              <span class="muted small">
                Page {page + 1} of {pages}
                {data.data?.total != null && data.data.total > rows.length
                  ? ` · first ${rows.length} of ${data.data.total}; search to narrow`
                  : ""}
              </span>
              <button type="button" class="btn btn-small" disabled={page >= pages - 1} onClick={() => setPage(page + 1)}>
                Next
              </button>
            </div>
          </>
        )}
        {(dimension === DIMENSIONS.country || dimension === DIMENSIONS.region || dimension === DIMENSIONS.city) && <DbIpCredit />}
      </div>
    </div>
  );
}
