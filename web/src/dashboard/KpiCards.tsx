import { APPROXIMATE_VISITORS, METRICS, realtime, type ChartMetric, type Overview, type RevenueMetric } from "../api";
import { Skeleton } from "../components/ui";
import {
  METRIC_LABELS,
  REVENUE_LABELS,
  formatChange,
  formatMetric,
  formatNumber,
  formatRevenueMetric,
  kpiChange,
} from "../format";
import { useAsync } from "../hooks";
import { Link } from "../router";

/** The revenue cards, in order; revenue itself can be charted. */
export const REVENUE_KPIS: RevenueMetric[] = ["revenue", "revenue_per_visitor", "purchase_conversion_rate"];

/** Headline numbers with their change against the previous period; clicking one charts it. */
export function KpiCards({
  overview,
  loading,
  metric,
  onSelect,
  siteId,
  revenue,
  currency = "USD",
  revenueNote,
}: {
  overview: Overview | undefined;
  loading: boolean;
  metric: ChartMetric;
  onSelect: (m: ChartMetric) => void;
  siteId: string;
  /** Revenue KPIs (with the previous period); undefined while loading or when not available. */
  revenue?: Overview | null;
  currency?: string;
  /** Why revenue is not shown (e.g. a filter payments do not carry); shown as the cards' hint. */
  revenueNote?: string;
}) {
  const online = useAsync((signal) => realtime.online(siteId, signal), [siteId], 10_000);
  return (
    <div class="kpis">
      <Link
        href={`/sites/${encodeURIComponent(siteId)}/realtime`}
        class="kpi kpi-online"
        aria-label="Visitors online now; open the realtime view"
      >
        <span class="kpi-label">
          <span class="live-dot-only" aria-hidden="true" /> Online now
        </span>
        <span class="kpi-value">{online.error ? "-" : online.data == null ? "…" : formatNumber(online.data)}</span>
        <span class="kpi-change muted">last 5 minutes</span>
      </Link>
      {METRICS.map((m) => {
        const current = overview?.current[m];
        const change = kpiChange(m, current, overview?.previous?.[m]);
        const text = formatChange(change);
        return (
          <button key={m} type="button" class="kpi" aria-pressed={metric === m} onClick={() => onSelect(m)}>
            <span class="kpi-label">{METRIC_LABELS[m]}</span>
            {loading && !overview ? (
              <Skeleton height={28} />
            ) : (
              <span class="kpi-value" data-testid={`kpi-${m}`}>
                {overview?.approximate?.includes(m) && <Approximate />}
                {formatMetric(m, current)}
              </span>
            )}
            <span
              class={`kpi-change ${change.good === true ? "up-good" : change.good === false ? "down-bad" : "muted"}`}
              data-testid={`kpi-change-${m}`}
              title="Change against the previous period of the same length"
            >
              {overview?.previous ? text : ""}
            </span>
          </button>
        );
      })}
      {REVENUE_KPIS.map((m) => {
        const current = revenue?.current[m];
        const change = kpiChange(m, current, revenue?.previous?.[m]);
        const chartable = m === "revenue";
        return (
          <button
            key={m}
            type="button"
            class="kpi kpi-revenue"
            aria-pressed={chartable ? metric === m : undefined}
            disabled={!chartable}
            title={revenueNote}
            onClick={() => chartable && onSelect("revenue")}
          >
            <span class="kpi-label">{REVENUE_LABELS[m]}</span>
            <span class="kpi-value" data-testid={`kpi-${m}`}>
              {revenueNote ? "-" : revenue ? formatRevenueMetric(m, current, currency) : "…"}
            </span>
            <span
              class={`kpi-change ${change.good === true ? "up-good" : change.good === false ? "down-bad" : "muted"}`}
              data-testid={`kpi-change-${m}`}
              title="Change against the previous period of the same length"
            >
              {revenueNote ? <span class="small">n/a</span> : revenue?.previous ? formatChange(change) : ""}
            </span>
          </button>
        );
      })}
    </div>
  );
}

/** The mark on an estimated number, with its explanation as the title (and for screen readers). */
export function Approximate() {
  return (
    <span class="approximate" title={APPROXIMATE_VISITORS} aria-label={APPROXIMATE_VISITORS} data-testid="approximate">
      ≈
    </span>
  );
}
