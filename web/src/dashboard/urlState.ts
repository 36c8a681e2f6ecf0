/**
 * The dashboard's whole state lives in the query string, so a view can be
 * shared and survives a reload. Filters use the stats API's own bracket form
 * (`country[is]=US`), so a dashboard URL reads like the API call behind it.
 */
import { FILTER_DIMENSIONS, METRICS, type Filter, type FilterOp, type ChartMetric, type Interval } from "../api";
import { PRESETS, isDay, presetRange, type DateRange, type Preset } from "../dateRange";

const FILTER_KEY = /^([a-z_]+)\[(is|is_not|contains)\]$/;

export function parseFilters(query: URLSearchParams): Filter[] {
  const byKey = new Map<string, Filter>();
  for (const [key, value] of query) {
    const m = FILTER_KEY.exec(key);
    if (!m || !value) continue;
    const k = `${m[1]}[${m[2]}]`;
    const f = byKey.get(k) ?? { dimension: m[1], op: m[2] as FilterOp, values: [] };
    if (!f.values.includes(value)) f.values.push(value);
    byKey.set(k, f);
  }
  return [...byKey.values()];
}

/** A copy of the query with its filter parameters replaced by `filters`. */
export function withFilters(query: URLSearchParams, filters: Filter[]): URLSearchParams {
  const next = new URLSearchParams();
  for (const [k, v] of query) if (!FILTER_KEY.test(k)) next.append(k, v);
  for (const f of filters) for (const v of f.values) next.append(`${f.dimension}[${f.op}]`, v);
  return next;
}

/** Adds a filter, replacing any filter with the same dimension and operator. */
export function addFilter(filters: Filter[], f: Filter): Filter[] {
  return [...filters.filter((x) => !(x.dimension === f.dimension && x.op === f.op)), f];
}

export function removeFilter(filters: Filter[], f: Filter): Filter[] {
  return filters.filter((x) => !(x.dimension === f.dimension && x.op === f.op));
}

export const DIMENSION_LABELS: Record<string, string> = {
  pathname: "Page",
  entry_page: "Entry page",
  exit_page: "Exit page",
  channel: "Channel",
  referrer: "Referrer",
  utm_source: "UTM source",
  utm_medium: "UTM medium",
  utm_campaign: "UTM campaign",
  utm_term: "UTM term",
  utm_content: "UTM content",
  country: "Country",
  region: "Region",
  city: "City",
  browser: "Browser",
  os: "Operating system",
  device_type: "Device",
  screen_size: "Screen size",
  goal_name: "Goal",
  hostname: "Hostname",
  language: "Language",
  funnel_step: "Funnel step",
};

export const OP_LABELS: Record<FilterOp, string> = { is: "is", is_not: "is not", contains: "contains" };

export function isFilterDimension(d: string): boolean {
  return (FILTER_DIMENSIONS as readonly string[]).includes(d);
}

export interface DashboardState {
  preset: Preset;
  range: DateRange;
  filters: Filter[];
  interval: Interval | null;
  metric: ChartMetric;
  tab: (panel: string, fallback: string) => string;
}

/** Reads the dashboard state from the query; `today` is today in the site's time zone. */
export function readState(query: URLSearchParams, today: string): DashboardState {
  const rawPeriod = query.get("period");
  let preset: Preset = (PRESETS as readonly string[]).includes(rawPeriod ?? "") ? (rawPeriod as Preset) : "30d";
  let range: DateRange;
  if (preset === "custom") {
    const from = query.get("from");
    const to = query.get("to");
    if (isDay(from) && isDay(to) && from <= to) range = { start: from, end: to };
    else {
      preset = "30d";
      range = presetRange("30d", today);
    }
  } else range = presetRange(preset, today);
  const rawInterval = query.get("interval");
  const interval = ["hour", "day", "week", "month"].includes(rawInterval ?? "") ? (rawInterval as Interval) : null;
  const rawMetric = query.get("metric");
  const metric: ChartMetric =
    rawMetric === "revenue" || (METRICS as readonly string[]).includes(rawMetric ?? "") ? (rawMetric as ChartMetric) : "visitors";
  return {
    preset,
    range,
    filters: parseFilters(query),
    interval,
    metric,
    tab: (panel, fallback) => query.get(panel) || fallback,
  };
}

/** A copy of the query with one parameter set (or removed when value is null). */
export function withParam(query: URLSearchParams, key: string, value: string | null): URLSearchParams {
  const next = new URLSearchParams(query);
  if (value == null) next.delete(key);
  else next.set(key, value);
  return next;
}
