import { revenueSupported, stats, type Interval, type StatsQuery, type Website } from "../api";
import { ErrorNote } from "../components/ui";
import { defaultInterval, intervalsFor, todayIn } from "../dateRange";
import { useAsync, useDocumentTitle } from "../hooks";
import { setQuery, useLocation } from "../router";
import { BreakdownPanel, DetailsDialog, PANELS } from "./Breakdown";
import { DateRangePicker } from "./DateRangePicker";
import { FilterChips, FilterMenu } from "./Filters";
import { KpiCards } from "./KpiCards";
import { MainChart } from "./MainChart";
import { readState, withParam } from "./urlState";

/** The one-screen site dashboard; everything it shows is derived from the URL. */
export function Dashboard({ site }: { site: Website }) {
  useDocumentTitle(site.name);
  const { query } = useLocation();
  const today = todayIn(site.timezone);
  const state = readState(query, today);
  const q: StatsQuery = { siteId: site.id, start: state.range.start, end: state.range.end, filters: state.filters };
  const interval: Interval =
    state.interval && intervalsFor(state.range).includes(state.interval) ? state.interval : defaultInterval(state.range);
  const overview = useAsync((signal) => stats.overview(q, true, signal), [JSON.stringify(q)]);
  const withRevenue = revenueSupported(q.filters);
  const revenue = useAsync(
    (signal) => (withRevenue ? stats.revenueOverview(q, signal) : Promise.resolve(null)),
    [JSON.stringify(q)],
  );
  const revenueNote = !withRevenue
    ? "Revenue can be filtered only by source, campaign, landing page, location and device."
    : revenue.error
      ? revenue.error.message
      : undefined;
  const details = query.get("details");

  return (
    <div class="dashboard">
      <div class="toolbar">
        <DateRangePicker
          key={`${state.preset}-${state.range.start}-${state.range.end}`}
          preset={state.preset}
          range={state.range}
          today={today}
        />
        <FilterMenu siteId={site.id} range={state.range} />
      </div>
      <FilterChips siteId={site.id} />
      <ErrorNote error={overview.error} onRetry={overview.reload} />
      <KpiCards
        siteId={site.id}
        overview={overview.data}
        loading={overview.loading}
        metric={state.metric}
        onSelect={(m) => setQuery(withParam(query, "metric", m === "visitors" ? null : m), { replace: true })}
        revenue={revenue.data}
        currency={site.currency}
        revenueNote={revenueNote}
      />
      <MainChart
        q={q}
        range={state.range}
        metric={state.metric}
        interval={interval}
        currency={site.currency}
        onInterval={(i) => setQuery(withParam(query, "interval", i), { replace: true })}
      />
      <div class="panels">
        {PANELS.map((p) => (
          <BreakdownPanel key={p.param} panel={p} q={q} currency={site.currency} />
        ))}
      </div>
      {details && <DetailsDialog q={q} dimension={details} />}
    </div>
  );
}
