import { realtime, type ActiveVisitor, type Likelihood, type LiveEvent, type Website } from "../api";
import { LikelihoodBadge, likelihoodBand, likelihoodText } from "../components/LikelihoodBadge";
import { DbIpCredit, EmptyState, ErrorNote, Skeleton } from "../components/ui";
import { countryName, formatNumber, timeAgo, formatMoney } from "../format";
import { useAsync, useDocumentTitle } from "../hooks";
import { WorldMap, type MapDot } from "../map/WorldMap";
import { Link, navigate } from "../router";
import { visitorHref } from "../visitors/VisitorsPage";

const POLL_MS = 5_000;

function place(p: { countryCode: string; region: string; city: string }): string {
  return [p.city, p.region, p.countryCode ? countryName(p.countryCode) : ""].filter(Boolean).join(", ") || "Unknown location";
}

function device(v: ActiveVisitor): string {
  return [v.deviceType, v.browser, v.os].filter(Boolean).join(" · ") || "Unknown device";
}

/** Online count, a dot per active visitor, and a live feed; all refreshed every 5 seconds. */
export function Realtime({ site }: { site: Website }) {
  useDocumentTitle(`${site.name} realtime`);
  const online = useAsync((signal) => realtime.online(site.id, signal), [site.id], POLL_MS);
  const map = useAsync((signal) => realtime.map(site.id, signal), [site.id], POLL_MS);
  const events = useAsync((signal) => realtime.events(site.id, 30, signal), [site.id], POLL_MS);

  const visitors = map.data?.visitors ?? [];
  const dots: MapDot[] = visitors
    .filter((v) => v.latitude != null && v.longitude != null)
    .map((v, i) => ({
      key: `${i}-${v.latitude}-${v.longitude}`,
      latitude: v.latitude as number,
      longitude: v.longitude as number,
      tone: likelihoodBand(v.likelihood),
      details: [
        ...(v.likelihood ? [likelihoodText(v.likelihood)] : []),
        `Page: ${v.page || "/"}`,
        `From: ${v.referrer || "Direct"}`,
        `Device: ${device(v)}`,
        `Location: ${place(v)}`,
        ...(v.sessionStart ? [`Visit started ${timeAgo(v.sessionStart)}`] : []),
        ...(v.visitorId ? ["Click to open the visitor"] : []),
      ],
      onOpen: v.visitorId ? () => navigate(visitorHref(site.id, v.visitorId)) : undefined,
    }));
  const count = online.data ?? map.data?.count;
  // The feed is pageviews, goals and outbound clicks; the server also lists page-leave pings, which are not news.
  const feed = events.data?.filter((e) => e.type !== "_leave" && e.type !== "_heartbeat");
  // The feed's events carry the visitor's marker: those still online show their likelihood from the map.
  const likelihoods = new Map(visitors.map((v) => [v.visitor, v.likelihood]));

  return (
    <div class="realtime">
      <div class="kpis kpis-realtime">
        <div class="kpi kpi-static" role="status" aria-live="polite">
          <span class="kpi-label">
            <span class="live-dot-only" aria-hidden="true" /> Online now
          </span>
          <span class="kpi-value" data-testid="online-count">
            {count == null ? "…" : formatNumber(count)}
          </span>
          <span class="kpi-change muted">visitors in the last 5 minutes · updates every 5 s</span>
        </div>
      </div>
      <div class="realtime-grid">
        <section class="card" aria-labelledby="rt-map">
          <h2 id="rt-map">Where they are</h2>
          <ErrorNote error={map.error} onRetry={map.reload} />
          <WorldMap
            label={`Map of ${dots.length} active visitor${dots.length === 1 ? "" : "s"}. Focus a dot to read its details.`}
            dots={dots}
          />
          {map.data && visitors.length === 0 && (
            <p class="muted">Nobody is on the site right now. Dots appear as visitors arrive.</p>
          )}
          {visitors.length > 0 && (
            <p class="muted small likelihood-legend">
              Dot colours: conversion likelihood from similar past visitors —{" "}
              <span class="likelihood likely-customer">customer</span> <span class="likelihood likely-high">30%+</span>{" "}
              <span class="likelihood likely-medium">10–29%</span> <span class="likelihood likely-low">under 10%</span>.
            </p>
          )}
          {visitors.length > dots.length && (
            <p class="muted small">{visitors.length - dots.length} visitor(s) without a known location are not on the map.</p>
          )}
          <DbIpCredit />
        </section>
        <section class="card" aria-labelledby="rt-feed">
          <h2 id="rt-feed">Live feed</h2>
          <ErrorNote error={events.error} onRetry={events.reload} />
          {!feed && !events.error ? (
            <Skeleton lines={6} />
          ) : feed && feed.length === 0 ? (
            <EmptyState title="No events yet">
              Open your site in another tab: pageviews show up here within a few seconds.
            </EmptyState>
          ) : (
            <ol class="feed" aria-live="polite">
              {(feed ?? []).map((e, i) => (
                <FeedItem key={`${e.time}-${i}`} e={e} siteId={site.id} likelihood={likelihoods.get(e.visitor) ?? null} />
              ))}
            </ol>
          )}
        </section>
      </div>
    </div>
  );
}

const TYPE_LABELS: Record<string, string> = {
  pageview: "Pageview",
  goal: "Goal",
  payment: "Payment",
  _outbound: "Outbound click",
  outbound: "Outbound click",
  _identify: "Identified",
};

function FeedItem({ e, siteId, likelihood }: { e: LiveEvent; siteId: string; likelihood: Likelihood | null }) {
  const kind = e.type.replace(/^_/, "");
  return (
    <li class={`feed-item feed-${kind}`}>
      <span class="feed-type">
        {TYPE_LABELS[e.type] ?? e.type} <LikelihoodBadge likelihood={likelihood} />
      </span>
      <span class="feed-what">
        {e.type === "payment"
          ? formatMoney(e.amount, e.currency || "USD")
          : e.type === "goal"
            ? e.goalName || "goal"
            : e.page || "/"}
      </span>
      <span class="feed-meta muted small">
        {place(e)}
        {e.device ? ` · ${e.device}` : ""} · <time dateTime={e.time}>{timeAgo(e.time)}</time>
        {e.visitorId && (
          <>
            {" · "}
            <Link href={visitorHref(siteId, e.visitorId)}>visitor</Link>
          </>
        )}
      </span>
    </li>
  );
}
