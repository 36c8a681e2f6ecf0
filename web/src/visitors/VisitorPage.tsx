import { useState } from "preact/hooks";
import { visitors, type JourneySession, type JourneyStep, type Website } from "../api";
import { ConfirmButton, ErrorNote, Skeleton } from "../components/ui";
import { countryName, formatDuration, formatMoney, formatNumber, timeAgo } from "../format";
import { useAsync, useDocumentTitle } from "../hooks";
import { Link, navigate } from "../router";
import { personName } from "./VisitorsPage";

/** One visitor: who they are (what identify said), their totals, and their journey session by session. */
export function VisitorPage({ site, visitorId }: { site: Website; visitorId: string }) {
  const detail = useAsync((signal) => visitors.get(site.id, visitorId, signal), [site.id, visitorId]);
  const [deleteError, setDeleteError] = useState<Error | null>(null);
  const v = detail.data?.visitor;
  useDocumentTitle(v ? personName(v) : "Visitor");
  const back = `/sites/${encodeURIComponent(site.id)}/visitors`;
  if (detail.error)
    return (
      <>
        <ErrorNote error={detail.error} onRetry={detail.reload} />
        <p>
          <Link href={back}>All visitors</Link>
        </p>
      </>
    );
  if (!detail.data || !v) return <Skeleton lines={8} />;
  const currency = detail.data.currency;
  return (
    <div class="visitor-page">
      <p>
        <Link href={back}>← All visitors</Link>
      </p>
      <section class="card" aria-labelledby="visitor-name">
        <h2 id="visitor-name">{personName(v)}</h2>
        <dl class="profile">
          {v.userId && <Field label="User id" value={v.userId} />}
          {v.email && <Field label="Email" value={v.email} />}
          {Object.entries(v.properties).map(([k, value]) => (
            <Field key={k} label={k} value={value} />
          ))}
          <Field
            label="Location"
            value={[v.city, v.countryCode ? countryName(v.countryCode) : ""].filter(Boolean).join(", ") || "Unknown"}
          />
          <Field label="Device" value={[v.deviceType, v.browser, v.os].filter(Boolean).join(" · ") || "Unknown"} />
          <Field label="First source" value={v.referrer || "Direct"} />
          <Field label="First seen" value={new Date(v.firstSeen).toLocaleString()} />
          <Field label="Last seen" value={timeAgo(v.lastSeen)} />
          <Field label="Pageviews" value={formatNumber(v.pageviews)} />
          <Field label="Goals" value={formatNumber(v.goals)} />
          <Field label="Revenue" value={formatMoney(v.revenue, currency)} />
          {v.visitorIds.length > 1 && <Field label="Devices" value={v.visitorIds.join(", ")} />}
        </dl>
        {!v.userId && (
          <p class="muted small">
            Anonymous: name, email and properties appear only when your site identifies the visitor (docs/visitors.md).
          </p>
        )}
        <ErrorNote error={deleteError} />
        <ConfirmButton
          label="Delete visitor"
          confirmLabel="Delete everything"
          question="Delete this visitor's events, profile and payment links? This cannot be undone."
          onConfirm={async () => {
            try {
              await visitors.remove(site.id, v.visitorId);
              navigate(back);
            } catch (e) {
              setDeleteError(e as Error);
            }
          }}
        />
      </section>
      <section class="card" aria-labelledby="journey-title">
        <h2 id="journey-title">Journey</h2>
        {detail.data.sessions.length === 0 ? (
          <p class="muted">No sessions.</p>
        ) : (
          <ol class="journey">
            {detail.data.sessions.map((s, i) => (
              <SessionItem key={`${s.sessionId}-${i}`} s={s} currency={currency} />
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}

function Field({ label, value }: { label: string; value: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  );
}

export function SessionItem({ s, currency }: { s: JourneySession; currency: string }) {
  const source = s.referrer || s.utmSource || "Direct";
  return (
    <li class="journey-session">
      <h3>
        <time dateTime={s.startedAt}>{new Date(s.startedAt).toLocaleString()}</time>
        <span class="muted small">
          {" "}
          · {s.channel || "Unknown"} · from {source} · {formatDuration(s.durationSeconds)}
          {s.device ? ` · ${s.device}` : ""}
        </span>
      </h3>
      <ol class="journey-steps">
        {s.steps.map((step, i) => (
          <li key={i} class={`journey-step step-${step.type}`}>
            <time dateTime={step.time} class="muted small">
              {new Date(step.time).toLocaleTimeString()}
            </time>{" "}
            {stepText(step, currency)}
          </li>
        ))}
      </ol>
    </li>
  );
}

export function stepText(step: JourneyStep, currency: string): string {
  switch (step.type) {
    case "pageview": {
      const time = step.engagedSeconds != null ? step.engagedSeconds : step.durationSeconds;
      return `Viewed ${step.pathname}${time != null ? ` for ${formatDuration(time)}` : ""}${
        step.scrollDepth != null ? `, scrolled ${step.scrollDepth}%` : ""
      }`;
    }
    case "goal":
      return `Completed goal ${step.goalName}`;
    case "outbound":
      return `Left for ${step.targetUrl}`;
    case "identify":
      return "Identified";
    case "payment":
      return `Paid ${formatMoney(step.amount, currency)}`;
    default:
      return step.type;
  }
}
