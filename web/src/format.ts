/** Number, duration and change formatting shared by every screen. */
import type { ChartMetric, Metric, RevenueMetric } from "./api";

const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });
const plain = new Intl.NumberFormat("en");

export function formatNumber(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return "-";
  return Math.abs(n) >= 10_000 ? compact.format(n) : plain.format(Math.round(n * 100) / 100);
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return "-";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}

export function formatMetric(metric: Metric, v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return "-";
  if (metric === "bounce_rate") return `${Math.round(v * 10) / 10}%`;
  if (metric === "avg_session_duration") return formatDuration(v);
  if (metric === "views_per_session") return (Math.round(v * 100) / 100).toFixed(2);
  return formatNumber(v);
}

/**
 * Money as the API sends it (currency units, e.g. 49 for 49.00) with exactly two decimals and the currency:
 * "$1,234.50", "€49.00"; an unknown code is written after the number ("49.00 XYZ").
 */
export function formatMoney(v: number | null | undefined, currency: string): string {
  if (v == null || !Number.isFinite(v)) return "-";
  try {
    return new Intl.NumberFormat("en", {
      style: "currency",
      currency,
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    }).format(v);
  } catch {
    return `${v.toFixed(2)} ${currency}`;
  }
}

export const REVENUE_LABELS: Record<RevenueMetric, string> = {
  revenue: "Revenue",
  revenue_per_visitor: "Revenue per visitor",
  purchase_conversion_rate: "Purchase conversion",
  payments: "Payments",
  paying_visitors: "Paying visitors",
  refunds: "Refunds",
};

/** A revenue metric's value: money with two decimals, rates in percent, counts as numbers. */
export function formatRevenueMetric(metric: RevenueMetric, v: number | null | undefined, currency: string): string {
  if (v == null || !Number.isFinite(v)) return "-";
  if (metric === "purchase_conversion_rate") return `${Math.round(v * 10) / 10}%`;
  if (metric === "payments" || metric === "paying_visitors") return formatNumber(v);
  return formatMoney(v, currency);
}

export function chartLabel(metric: ChartMetric): string {
  return metric === "revenue" ? REVENUE_LABELS.revenue : METRIC_LABELS[metric];
}

export function formatChartMetric(metric: ChartMetric, v: number | null | undefined, currency: string): string {
  return metric === "revenue" ? formatMoney(v, currency) : formatMetric(metric, v);
}

export const METRIC_LABELS: Record<Metric, string> = {
  visitors: "Unique visitors",
  sessions: "Total visits",
  pageviews: "Total pageviews",
  bounce_rate: "Bounce rate",
  avg_session_duration: "Visit duration",
  views_per_session: "Views per visit",
};

export interface Change {
  /** Percent change, or percentage points for rates; null when there is nothing to compare with. */
  value: number | null;
  unit: "%" | "pp";
  /** Whether the change is good news: up is good except for bounce rate. null when flat or unknown. */
  good: boolean | null;
}

/**
 * Change of a KPI against the previous period. Counts and durations change in
 * percent of the previous value (rounded to whole percent); bounce rate, itself
 * a percentage, changes in percentage points. From zero to something is "new" (null).
 */
export function kpiChange(
  metric: Metric | RevenueMetric,
  current: number | null | undefined,
  previous: number | null | undefined,
): Change {
  const unit = metric === "bounce_rate" || metric === "purchase_conversion_rate" ? "pp" : "%";
  if (current == null || previous == null || !Number.isFinite(current) || !Number.isFinite(previous)) {
    return { value: null, unit, good: null };
  }
  let value: number;
  if (unit === "pp") value = Math.round((current - previous) * 10) / 10;
  else if (previous === 0) return { value: current === 0 ? 0 : null, unit, good: current === 0 ? null : true };
  else value = Math.round(((current - previous) / previous) * 100);
  const downIsGood = metric === "bounce_rate" || metric === "refunds";
  const good = value === 0 ? null : downIsGood ? value < 0 : value > 0;
  return { value, unit, good };
}

export function formatChange(c: Change): string {
  if (c.value == null) return c.good ? "new" : "";
  if (c.value === 0) return "no change";
  const sign = c.value > 0 ? "+" : "−";
  return `${sign}${Math.abs(c.value)}${c.unit === "pp" ? " pp" : "%"}`;
}

const regionNames = (() => {
  try {
    return new Intl.DisplayNames(["en"], { type: "region" });
  } catch {
    return null;
  }
})();

export function countryName(code: string): string {
  if (!code) return "Unknown";
  if (!/^[A-Za-z]{2}$/.test(code)) return code;
  try {
    return regionNames?.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

export function timeAgo(iso: string, now: number = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return new Date(t).toLocaleDateString();
}
