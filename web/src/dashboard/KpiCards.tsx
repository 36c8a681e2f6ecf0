import { METRICS, realtime, type Metric, type Overview } from "../api";
import { Skeleton } from "../components/ui";
import { METRIC_LABELS, formatChange, formatMetric, formatNumber, kpiChange } from "../format";
import { useAsync } from "../hooks";
import { Link } from "../router";

/** Headline numbers with their change against the previous period; clicking one charts it. */
export function KpiCards({
  overview,
  loading,
  metric,
  onSelect,
  siteId,
}: {
  overview: Overview | undefined;
  loading: boolean;
  metric: Metric;
  onSelect: (m: Metric) => void;
  siteId: string;
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
    </div>
  );
}
