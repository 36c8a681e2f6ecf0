import { useState } from "preact/hooks";
import { visitors, type VisitorSummary, type Website } from "../api";
import { EmptyState, ErrorNote, Skeleton } from "../components/ui";
import { presetRange, todayIn, type Preset } from "../dateRange";
import { countryName, formatMoney, formatNumber, timeAgo } from "../format";
import { useAsync, useDocumentTitle } from "../hooks";
import { Link } from "../router";

const PAGE = 50;
const RANGES: { key: Exclude<Preset, "custom">; label: string }[] = [
  { key: "today", label: "Today" },
  { key: "7d", label: "Last 7 days" },
  { key: "30d", label: "Last 30 days" },
  { key: "12mo", label: "Last 12 months" },
];

export function visitorHref(siteId: string, visitorId: string): string {
  return `/sites/${encodeURIComponent(siteId)}/visitors/${encodeURIComponent(visitorId)}`;
}

/** Who visited in a range, newest first: one row per person (an identified user's devices are one row). */
export function VisitorsPage({ site }: { site: Website }) {
  useDocumentTitle(`${site.name} visitors`);
  const [preset, setPreset] = useState<Exclude<Preset, "custom">>("30d");
  const [offset, setOffset] = useState(0);
  const range = presetRange(preset, todayIn(site.timezone));
  const list = useAsync(
    (signal) => visitors.list(site.id, range, PAGE, offset, signal),
    [site.id, range.start, range.end, offset],
  );
  return (
    <section class="card" aria-labelledby="visitors-title">
      <div class="card-head">
        <h2 id="visitors-title">Visitors</h2>
        <label>
          <span class="sr-only">Date range</span>
          <select
            value={preset}
            onChange={(e) => {
              setPreset((e.currentTarget as HTMLSelectElement).value as Exclude<Preset, "custom">);
              setOffset(0);
            }}
          >
            {RANGES.map((r) => (
              <option key={r.key} value={r.key}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorNote error={list.error} onRetry={list.reload} />
      {!list.data && !list.error ? (
        <Skeleton lines={8} />
      ) : list.data && list.data.rows.length === 0 ? (
        <EmptyState title="No visitors in this range">Visitors appear here with their first pageview.</EmptyState>
      ) : list.data ? (
        <>
          <VisitorTable siteId={site.id} rows={list.data.rows} currency={list.data.currency} />
          <nav class="pager" aria-label="Pages">
            <button
              type="button"
              class="btn btn-small"
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - PAGE))}
            >
              Newer
            </button>
            <span class="muted small">
              {formatNumber(offset + 1)}–{formatNumber(offset + list.data.rows.length)} of {formatNumber(list.data.total)}
            </span>
            <button
              type="button"
              class="btn btn-small"
              disabled={offset + PAGE >= list.data.total}
              onClick={() => setOffset(offset + PAGE)}
            >
              Older
            </button>
          </nav>
        </>
      ) : null}
    </section>
  );
}

export function VisitorTable({ siteId, rows, currency }: { siteId: string; rows: VisitorSummary[]; currency: string }) {
  return (
    <table class="table visitors-table">
      <thead>
        <tr>
          <th scope="col">Visitor</th>
          <th scope="col">Location</th>
          <th scope="col">Device</th>
          <th scope="col">Source</th>
          <th scope="col" class="num">
            Pageviews
          </th>
          <th scope="col" class="num">
            Goals
          </th>
          <th scope="col" class="num">
            Revenue
          </th>
          <th scope="col">Last seen</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((v) => (
          <tr key={v.userId ?? v.visitorId}>
            <td>
              <Link href={visitorHref(siteId, v.visitorId)}>{personName(v)}</Link>
              {v.visitorIds.length > 1 && <span class="muted small"> · {v.visitorIds.length} devices</span>}
            </td>
            <td>{[v.city, v.countryCode ? countryName(v.countryCode) : ""].filter(Boolean).join(", ") || "Unknown"}</td>
            <td>{[v.deviceType, v.browser, v.os].filter(Boolean).join(" · ") || "Unknown"}</td>
            <td>{v.referrer || "Direct"}</td>
            <td class="num">{formatNumber(v.pageviews)}</td>
            <td class="num">{formatNumber(v.goals)}</td>
            <td class="num">{v.revenue ? formatMoney(v.revenue, currency) : "-"}</td>
            <td>
              <time dateTime={v.lastSeen}>{timeAgo(v.lastSeen)}</time>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What identify said (name, email, user id), else a short form of the anonymous visitor id. */
export function personName(v: Pick<VisitorSummary, "displayName" | "email" | "userId" | "visitorId">): string {
  return v.displayName || v.email || (v.userId ? `User ${v.userId}` : `Visitor ${v.visitorId.slice(0, 8)}`);
}
