import { stats, type ChartMetric, type Interval, type StatsQuery } from "../api";
import { ErrorNote, Skeleton } from "../components/ui";
import { intervalsFor, previousRange, type DateRange } from "../dateRange";
import { chartLabel, formatChartMetric } from "../format";
import { useAsync } from "../hooks";
import { LineChart, bucketLabel } from "./LineChart";

const INTERVAL_LABELS: Record<Interval, string> = { hour: "Hours", day: "Days", week: "Weeks", month: "Months" };

export function MainChart({
  q,
  range,
  metric,
  interval,
  onInterval,
  currency = "USD",
}: {
  q: StatsQuery;
  range: DateRange;
  metric: ChartMetric;
  currency?: string;
  interval: Interval;
  onInterval: (i: Interval) => void;
}) {
  const prev = previousRange(range);
  const key = JSON.stringify([q, interval, metric]);
  const data = useAsync(
    async (signal) => {
      const [current, previous] = await Promise.all([
        stats.timeseries(q, interval, [metric], signal),
        stats.timeseries({ ...q, start: prev.start, end: prev.end }, interval, [metric], signal).catch(() => []),
      ]);
      return { current, previous };
    },
    [key],
  );
  const multiDay = range.start !== range.end;
  const points = (data.data?.current ?? []).map((p, i) => {
    const before = data.data?.previous[i];
    return {
      label: bucketLabel(p.time, interval, multiDay),
      value: p.values[metric] ?? null,
      previous: before ? (before.values[metric] ?? null) : undefined,
      previousLabel: before ? bucketLabel(before.time, interval, multiDay) : undefined,
    };
  });
  return (
    <section class="card chart-card" aria-label="Main chart">
      <div class="card-head">
        <h2>{chartLabel(metric)}</h2>
        <div class="segmented" role="group" aria-label="Interval">
          {intervalsFor(range).map((i) => (
            <button key={i} type="button" class="seg" aria-pressed={i === interval} onClick={() => onInterval(i)}>
              {INTERVAL_LABELS[i]}
            </button>
          ))}
        </div>
      </div>
      <ErrorNote error={data.error} onRetry={data.reload} />
      {data.loading && !data.data ? (
        <Skeleton height={220} />
      ) : data.error && !data.data ? null : (
        <div class={data.loading ? "is-reloading" : ""}>
          <LineChart points={points} name={chartLabel(metric)} format={(v) => formatChartMetric(metric, v, currency)} />
          <p class="legend muted small">
            <span class="legend-current" aria-hidden="true" /> {range.start} – {range.end}
            <span class="legend-previous" aria-hidden="true" /> previous period ({prev.start} – {prev.end})
          </p>
        </div>
      )}
    </section>
  );
}
