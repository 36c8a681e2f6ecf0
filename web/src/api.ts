/**
 * The one place that talks to the DataSaaS server. Every URL, query parameter
 * and JSON field name the dashboard depends on is written here, and every
 * response is mapped into the screens' types below. The server's shapes come
 * from its OpenAPI document: `src/api-types.ts` is generated from
 * `web/openapi.json` (a snapshot of /api/openapi.json that the Java test
 * ApiContractTest keeps equal to what the server serves) by the build, so a
 * field the contract does not have fails `tsc`, and the build.
 */

import type { components } from "./api-types";

/** The server's JSON shapes, by schema name (see /api/docs). */
type Schemas = components["schemas"];

// ---------------------------------------------------------------- transport

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Called when any request answers 401, so the app can send the user to /login. */
let onUnauthorized: (() => void) | null = null;
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

export function readCookie(name: string): string | null {
  for (const part of document.cookie.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** One call to the server; feature modules of the dashboard (funnels.ts) use it too. */
export async function request<T = unknown>(
  method: Method,
  path: string,
  body?: unknown,
  options: { signal?: AbortSignal; quiet401?: boolean } = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") {
    // Read right before each mutation: the server may rotate the token (e.g. on login).
    const token = readCookie("XSRF-TOKEN");
    if (token) headers["X-XSRF-TOKEN"] = token;
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      signal: options.signal,
    });
  } catch (e) {
    if ((e as Error)?.name === "AbortError") throw e;
    throw new ApiError(0, "Cannot reach the DataSaaS server. Check your connection and try again.");
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (!response.ok) {
    if (response.status === 401 && !options.quiet401 && onUnauthorized) onUnauthorized();
    throw new ApiError(response.status, errorMessage(response.status, json));
  }
  return json as T;
}

function errorMessage(status: number, json: unknown): string {
  const error = (json as { error?: { message?: unknown } } | undefined)?.error;
  if (error && typeof error.message === "string" && error.message) return error.message;
  if (status === 401) return "You are not logged in.";
  if (status === 403) return "You are not allowed to do this.";
  if (status === 404) return "Not found. It may have been deleted, or belong to another account.";
  if (status === 429) return "Too many attempts. Wait a minute and try again.";
  if (status >= 500) return `The server had a problem (HTTP ${status}). Try again in a moment.`;
  return `The request failed (HTTP ${status}).`;
}

function qs(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") search.set(k, String(v));
  }
  const s = search.toString();
  return s ? `?${s}` : "";
}

// ---------------------------------------------------------------- readers

type Json = Record<string, unknown>;
/** Metric values arrive keyed by metric name (the contract's `Values`), so they are read by name. */
function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

// ---------------------------------------------------------------- accounts

export interface Me {
  id: string;
  email: string;
  name: string;
  createdAt: string;
}

function toMe(o: Schemas["AccountView"] | Schemas["MeView"]): Me {
  return { id: String(o.id), email: o.email, name: o.name, createdAt: o.created_at };
}

export const auth = {
  me: async (signal?: AbortSignal) =>
    toMe(await request<Schemas["MeView"]>("GET", "/api/me", undefined, { signal, quiet401: true })),
  login: async (email: string, password: string) =>
    toMe(
      await request<Schemas["AccountView"]>("POST", "/api/auth/login", { email, password } satisfies Schemas["LoginRequest"], {
        quiet401: true,
      }),
    ),
  signup: async (email: string, password: string, name: string) =>
    toMe(
      await request<Schemas["AccountView"]>(
        "POST",
        "/api/auth/signup",
        { email, password, name } satisfies Schemas["SignupRequest"],
        { quiet401: true },
      ),
    ),
  logout: () => request<void>("POST", "/api/auth/logout"),
  /** Ends every other session of the account; with revokeApiKeys, deletes every API key too. */
  changePassword: (currentPassword: string, newPassword: string, revokeApiKeys = false) =>
    request<Schemas["PasswordChanged"]>("POST", "/api/me/password", {
      current_password: currentPassword,
      new_password: newPassword,
      revoke_api_keys: revokeApiKeys,
    } satisfies Schemas["PasswordChange"]),
  /** Any GET makes the server set the XSRF-TOKEN cookie; used before the first login/sign-up POST. */
  primeCsrf: () => request("GET", "/api/me", undefined, { quiet401: true }).catch(() => undefined),
};

// ---------------------------------------------------------------- instance

/** What this installation can do; `geoip.available` is false when the server has no GeoIP database. */
export interface Instance {
  version: string;
  owner: boolean;
  geoip: { available: boolean; reason: string };
}

export function toInstance(o: Schemas["Instance"]): Instance {
  return { version: o.version, owner: o.owner, geoip: { available: o.geoip.available, reason: o.geoip.reason ?? "" } };
}

export const instance = {
  get: async (signal?: AbortSignal) =>
    toInstance(await request<Schemas["Instance"]>("GET", "/api/instance", undefined, { signal })),
};

// ---------------------------------------------------------------- websites

export interface Website {
  id: string;
  domain: string;
  name: string;
  timezone: string;
  currency: string;
  allowedHostnames: string[];
  excludedIps: string[];
  excludedPaths: string[];
  excludedCountries: string[];
  createdAt: string;
  /** Cookieless mode: no cookie, no ids; visitors from a daily salted hash (docs/cookieless.md). */
  cookieless: boolean;
  trackingSnippet: string;
}

export function toWebsite(o: Schemas["WebsiteView"]): Website {
  return {
    id: o.id,
    domain: o.domain,
    name: o.name,
    timezone: o.timezone,
    currency: o.currency,
    allowedHostnames: o.allowed_hostnames,
    excludedIps: o.excluded_ips,
    excludedPaths: o.excluded_paths,
    excludedCountries: o.excluded_countries,
    createdAt: o.created_at,
    cookieless: o.cookieless,
    trackingSnippet: o.tracking_snippet,
  };
}

export interface WebsiteChanges {
  domain?: string;
  name?: string;
  timezone?: string;
  currency?: string;
  allowedHostnames?: string[];
  excludedIps?: string[];
  excludedPaths?: string[];
  excludedCountries?: string[];
  cookieless?: boolean;
}

function websiteBody(c: WebsiteChanges): Schemas["WebsiteChanges"] {
  const body: Schemas["WebsiteChanges"] = {};
  if (c.domain !== undefined) body.domain = c.domain;
  if (c.name !== undefined) body.name = c.name;
  if (c.timezone !== undefined) body.timezone = c.timezone;
  if (c.currency !== undefined) body.currency = c.currency;
  if (c.allowedHostnames !== undefined) body.allowed_hostnames = c.allowedHostnames;
  if (c.excludedIps !== undefined) body.excluded_ips = c.excludedIps;
  if (c.excludedPaths !== undefined) body.excluded_paths = c.excludedPaths;
  if (c.excludedCountries !== undefined) body.excluded_countries = c.excludedCountries;
  if (c.cookieless !== undefined) body.cookieless = c.cookieless;
  return body;
}

export const websites = {
  list: async (signal?: AbortSignal) =>
    (await request<Schemas["WebsiteList"]>("GET", "/api/websites", undefined, { signal })).websites.map(toWebsite),
  get: async (id: string, signal?: AbortSignal) =>
    toWebsite(await request<Schemas["WebsiteView"]>("GET", `/api/websites/${encodeURIComponent(id)}`, undefined, { signal })),
  create: async (c: WebsiteChanges & { domain: string }) =>
    toWebsite(
      await request<Schemas["WebsiteView"]>("POST", "/api/websites", {
        ...websiteBody(c),
        domain: c.domain,
      } satisfies Schemas["NewWebsite"]),
    ),
  update: async (id: string, c: WebsiteChanges) =>
    toWebsite(await request<Schemas["WebsiteView"]>("PATCH", `/api/websites/${encodeURIComponent(id)}`, websiteBody(c))),
  remove: (id: string) => request<void>("DELETE", `/api/websites/${encodeURIComponent(id)}`),
};

// ---------------------------------------------------------------- API keys

export interface ApiKey {
  id: string;
  name: string;
  scope: "read" | "write";
  websiteId: string | null;
  keyHint: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** Only present in the answer to create. */
  key?: string;
}

function toApiKey(o: Schemas["KeyView"] | Schemas["CreatedKey"]): ApiKey {
  return {
    id: o.id,
    name: o.name,
    scope: o.scope,
    websiteId: o.website_id ?? null,
    keyHint: o.key_hint,
    createdAt: o.created_at,
    lastUsedAt: o.last_used_at ?? null,
    key: "key" in o ? o.key : undefined,
  };
}

export const apiKeys = {
  list: async (signal?: AbortSignal) =>
    (await request<Schemas["KeyList"]>("GET", "/api/api-keys", undefined, { signal })).api_keys.map(toApiKey),
  create: async (name: string, scope: "read" | "write", websiteId: string | null) =>
    toApiKey(
      await request<Schemas["CreatedKey"]>("POST", "/api/api-keys", {
        name,
        scope,
        ...(websiteId ? { website_id: websiteId } : {}),
      } satisfies Schemas["CreateKey"]),
    ),
  revoke: (id: string) => request<void>("DELETE", `/api/api-keys/${encodeURIComponent(id)}`),
};

// ---------------------------------------------------------------- stats

export type FilterOp = "is" | "is_not" | "contains";
export interface Filter {
  dimension: string;
  op: FilterOp;
  values: string[];
}

/** Dimensions offered in the filter menu (the server's filter dimensions). */
export const FILTER_DIMENSIONS = [
  "pathname",
  "entry_page",
  "exit_page",
  "channel",
  "referrer",
  "utm_source",
  "utm_medium",
  "utm_campaign",
  "utm_term",
  "utm_content",
  "country",
  "region",
  "city",
  "browser",
  "os",
  "device_type",
  "goal_name",
] as const;

/** Breakdown dimension names as the server spells them. */
export const DIMENSIONS = {
  channel: "channel",
  referrer: "referrer",
  utmSource: "utm_source",
  utmMedium: "utm_medium",
  utmCampaign: "utm_campaign",
  utmTerm: "utm_term",
  utmContent: "utm_content",
  page: "pathname",
  entryPage: "entry_page",
  exitPage: "exit_page",
  country: "country",
  region: "region",
  city: "city",
  deviceType: "device_type",
  browser: "browser",
  os: "os",
  screenSize: "screen_size",
  goal: "goal_name",
} as const;

export const METRICS = ["visitors", "sessions", "pageviews", "bounce_rate", "avg_session_duration", "views_per_session"] as const;
export type Metric = (typeof METRICS)[number];

export interface StatsQuery {
  siteId: string;
  start: string; // YYYY-MM-DD, inclusive, site time zone
  end: string;
  filters: Filter[];
}

/** Bracket filter parameters: country[is]=US, repeated for several values. */
export function filterParams(filters: Filter[], into: URLSearchParams = new URLSearchParams()): URLSearchParams {
  for (const f of filters) for (const v of f.values) into.append(`${f.dimension}[${f.op}]`, v);
  return into;
}

export function statsUrl(path: string, q: StatsQuery, extra: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams({ site_id: q.siteId, start: q.start, end: q.end });
  for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== "") p.set(k, String(v));
  filterParams(q.filters, p);
  return `${path}?${p.toString()}`;
}

/** Revenue metrics: computed from payments, money in the site's currency (JSON numbers with two decimals). */
export const REVENUE_METRICS = [
  "revenue",
  "revenue_per_visitor",
  "purchase_conversion_rate",
  "payments",
  "paying_visitors",
  "refunds",
] as const;
export type RevenueMetric = (typeof REVENUE_METRICS)[number];
/** What the main chart can draw: an event metric or revenue. */
export type ChartMetric = Metric | "revenue";

/** Dimensions a payment carries (from the session it is credited to); revenue can be broken down and filtered by these. */
export const REVENUE_DIMENSIONS: readonly string[] = [
  "channel",
  "referrer",
  "utm_source",
  "utm_medium",
  "utm_campaign",
  "utm_term",
  "utm_content",
  "entry_page",
  "country",
  "region",
  "city",
  "device_type",
  "browser",
  "os",
];

/** Whether revenue can be shown for these filters (and breakdown dimension): the server refuses the others with 400. */
export function revenueSupported(filters: Filter[], dimension?: string): boolean {
  if (dimension !== undefined && !REVENUE_DIMENSIONS.includes(dimension)) return false;
  return filters.every((f) => REVENUE_DIMENSIONS.includes(f.dimension));
}

export type MetricValues = Partial<Record<Metric | RevenueMetric, number | null>>;
export interface Overview {
  current: MetricValues;
  previous: MetricValues | null;
  /** Metrics the server estimated (meta.approximate), e.g. visitors over several days from the day rollup's sketches. */
  approximate?: string[];
}

function metricValues(o: Schemas["Values"]): MetricValues {
  const out: MetricValues = {};
  for (const m of [...METRICS, ...REVENUE_METRICS]) out[m] = num(o[m]);
  return out;
}

/** `results` holds the metrics; with compare=previous_period, `previous` sits beside it. */
export function toOverview(o: Schemas["Overview"]): Overview {
  return {
    current: metricValues(o.results),
    previous: o.previous ? metricValues(o.previous) : null,
    approximate: o.meta.approximate ?? [],
  };
}

export interface TimePoint {
  time: string;
  values: MetricValues;
}

export function toTimeseries(o: Schemas["Rows"]): TimePoint[] {
  return o.results.map((point) => ({ time: String(point.date), values: metricValues(point) }));
}

export interface BreakdownRow {
  value: string;
  visitors: number;
  pageviews: number | null;
  revenue?: number | null;
  raw: Json;
}
export interface Breakdown {
  rows: BreakdownRow[];
  total: number | null;
  /** Metrics the server estimated (meta.approximate). */
  approximate?: string[];
}

/** The hint shown on a visitor count the server estimated. */
export const APPROXIMATE_VISITORS =
  "Estimated: visitors over several days are counted with a HyperLogLog sketch (about 0.8% standard error); one-day figures are exact.";

/** Rows are keyed by the dimension's name; a null value (e.g. the referrer of direct visits) shows as "". */
export function toBreakdown(o: Schemas["Rows"], dimension: string): Breakdown {
  const rows = o.results.map((row) => ({
    value: row[dimension] == null ? "" : String(row[dimension]),
    visitors: num(row.visitors) ?? 0,
    pageviews: num(row.pageviews),
    revenue: num(row.revenue),
    raw: row as Json,
  }));
  return { rows, total: o.meta.total ?? null, approximate: o.meta.approximate ?? [] };
}

export interface GoalConversion {
  goalName: string;
  displayName: string;
  visitors: number;
  completions: number;
  conversionRate: number | null;
}

export function toGoalConversions(o: Schemas["GoalRows"]): GoalConversion[] {
  return o.results.map((row) => ({
    goalName: row.goal_name,
    displayName: row.display_name,
    visitors: row.unique_visitors,
    completions: row.completion_count,
    conversionRate: row.conversion_rate,
  }));
}

export const stats = {
  overview: async (q: StatsQuery, compare: boolean, signal?: AbortSignal) =>
    toOverview(
      await request<Schemas["Overview"]>(
        "GET",
        statsUrl("/api/v1/overview", q, { compare: compare ? "previous_period" : undefined }),
        undefined,
        {
          signal,
        },
      ),
    ),
  /** Revenue KPIs with the previous period; money in the site's currency. */
  revenueOverview: async (q: StatsQuery, signal?: AbortSignal) =>
    toOverview(
      await request<Schemas["Overview"]>(
        "GET",
        statsUrl("/api/v1/overview", q, {
          compare: "previous_period",
          metrics: "visitors,revenue,revenue_per_visitor,purchase_conversion_rate,payments,refunds",
        }),
        undefined,
        { signal },
      ),
    ),
  timeseries: async (q: StatsQuery, interval: Interval, metrics: ChartMetric[], signal?: AbortSignal) =>
    toTimeseries(
      await request<Schemas["Rows"]>(
        "GET",
        statsUrl("/api/v1/timeseries", q, { interval, metrics: metrics.join(",") }),
        undefined,
        {
          signal,
        },
      ),
    ),
  breakdown: async (
    q: StatsQuery,
    dimension: string,
    opts: { metrics?: string[]; limit?: number; offset?: number } = {},
    signal?: AbortSignal,
  ) =>
    toBreakdown(
      await request<Schemas["Rows"]>(
        "GET",
        statsUrl("/api/v1/breakdown", q, {
          dimension,
          metrics: (opts.metrics ?? ["visitors"]).join(","),
          limit: opts.limit ?? 10,
          offset: opts.offset,
        }),
        undefined,
        { signal },
      ),
      dimension,
    ),
  goals: async (q: StatsQuery, signal?: AbortSignal) =>
    toGoalConversions(await request<Schemas["GoalRows"]>("GET", statsUrl("/api/v1/goals", q, {}), undefined, { signal })),
};

export type Interval = "hour" | "day" | "week" | "month";

export interface FilterValue {
  value: string;
  visitors: number;
}

export const filterValues = async (
  siteId: string,
  dimension: string,
  start: string,
  end: string,
  signal?: AbortSignal,
): Promise<FilterValue[]> => {
  const j = await request<Schemas["FilterValues"]>(
    "GET",
    `/api/filter-values${qs({ siteId, dimension, start, end })}`,
    undefined,
    { signal },
  );
  return j.values.map((v) => ({ value: String(v.value), visitors: v.visitors }));
};

// ---------------------------------------------------------------- goals

export interface Goal {
  id: string;
  name: string;
  displayName: string;
  goalType: "custom" | "pageview";
  path: string | null;
}

function toGoal(o: Schemas["GoalView"]): Goal {
  return { id: o.id, name: o.name, displayName: o.display_name, goalType: o.goal_type, path: o.path ?? null };
}

export const goals = {
  list: async (siteId: string, signal?: AbortSignal) =>
    (
      await request<Schemas["GoalList"]>("GET", `/api/websites/${encodeURIComponent(siteId)}/goals`, undefined, { signal })
    ).goals.map(toGoal),
  create: async (siteId: string, g: { name: string; displayName: string; goalType: "custom" | "pageview"; path?: string }) =>
    toGoal(
      await request<Schemas["GoalView"]>("POST", `/api/websites/${encodeURIComponent(siteId)}/goals`, {
        name: g.name,
        display_name: g.displayName,
        goal_type: g.goalType,
        ...(g.goalType === "pageview" ? { path: g.path } : {}),
      } satisfies Schemas["NewGoal"]),
    ),
  remove: (siteId: string, goalId: string) =>
    request<void>("DELETE", `/api/websites/${encodeURIComponent(siteId)}/goals/${encodeURIComponent(goalId)}`),
};

// ---------------------------------------------------------------- realtime

export const realtime = {
  online: async (siteId: string, signal?: AbortSignal) =>
    (await request<Schemas["Online"]>("GET", `/api/realtime${qs({ siteId })}`, undefined, { signal })).online,
  map: async (siteId: string, signal?: AbortSignal) => {
    const j = await request<Schemas["RealtimeMap"]>(
      "GET",
      `/api/websites/${encodeURIComponent(siteId)}/realtime-map`,
      undefined,
      { signal },
    );
    return { count: j.count, visitors: j.visitors.map(toActiveVisitor) };
  },
  events: async (siteId: string, limit: number, signal?: AbortSignal) => {
    const j = await request<Schemas["Feed"]>(
      "GET",
      `/api/websites/${encodeURIComponent(siteId)}/realtime-map/events${qs({ limit })}`,
      undefined,
      { signal },
    );
    return j.events.map(toLiveEvent);
  },
};

export interface Place {
  countryCode: string;
  region: string;
  city: string;
}

/** How likely a live visitor is to convert (docs/conversion-likelihood.md). */
export interface Likelihood {
  /** Percent of matched past visitors who converted; 100 for a customer. */
  score: number;
  confidence: "low" | "medium" | "high";
  matchedDimensions: string[];
  cohortVisitors: number;
  revenuePerVisitor: number;
  customer: boolean;
}

export interface ActiveVisitor extends Place {
  /** The raw visitor id, for its visitor page; empty while its events are still being written. */
  visitorId: string;
  /** The visitor's marker, shared with the feed. */
  visitor: string;
  likelihood: Likelihood | null;
  latitude: number | null;
  longitude: number | null;
  browser: string;
  os: string;
  deviceType: string;
  page: string;
  referrer: string;
  sessionStart: string;
}

function toPlace(o: { country?: string | null; region?: string | null; city?: string | null }): Place {
  return { countryCode: (o.country ?? "").toUpperCase(), region: o.region ?? "", city: o.city ?? "" };
}

function toLikelihood(o: Schemas["ConversionLikelihood"] | null | undefined): Likelihood | null {
  if (!o) return null;
  return {
    score: o.score,
    confidence: o.confidence,
    matchedDimensions: o.matched_dimensions,
    cohortVisitors: o.cohort_visitors,
    revenuePerVisitor: o.revenue_per_visitor,
    customer: o.customer,
  };
}

export function toActiveVisitor(o: Schemas["OnlineVisitor"]): ActiveVisitor {
  return {
    ...toPlace(o),
    visitorId: o.visitor_id ?? "",
    visitor: o.visitor,
    likelihood: toLikelihood(o.conversion_likelihood),
    latitude: o.latitude ?? null,
    longitude: o.longitude ?? null,
    browser: o.browser ?? "",
    os: o.os ?? "",
    deviceType: o.device_type ?? "",
    page: o.page ?? "",
    referrer: o.referrer ?? "",
    sessionStart: o.session_start ?? "",
  };
}

export interface LiveEvent extends Place {
  type: string;
  /** The raw visitor id, for its visitor page; empty for payments linked to no visitor. */
  visitorId: string;
  /** The visitor's marker (events only), to find their likelihood on the map. */
  visitor: string;
  /** Payments: the amount in the site's currency, and the currency. */
  amount?: number | null;
  currency?: string;
  goalName: string;
  page: string;
  device: string;
  time: string;
}

/** The feed's two kinds of entry: a payment says so in `type`; every other type is an event. */
function isPayment(o: Schemas["FeedItem"]): o is Schemas["PaymentItem"] {
  return o.type === "payment";
}

export function toLiveEvent(o: Schemas["FeedItem"]): LiveEvent {
  const base = {
    ...toPlace(o),
    type: o.type,
    visitorId: o.visitor_id ?? "",
    page: o.page ?? "",
    device: o.device_type ?? "",
    time: o.timestamp,
  };
  if (isPayment(o)) return { ...base, visitor: "", goalName: "", amount: o.amount ?? null, currency: o.currency };
  return { ...base, visitor: o.visitor, goalName: o.goal_name ?? "" };
}

// ---------------------------------------------------------------- integrations

export const PROVIDERS = [
  { id: "stripe", label: "Stripe" },
  { id: "lemonsqueezy", label: "Lemon Squeezy" },
] as const;

export interface IntegrationStatus {
  provider: string;
  connected: boolean;
  accountName: string;
  keyLast4: string;
  lastSyncedAt: string;
  lastError: string;
  paymentsSynced: number;
  webhookUrl: string;
  webhookSecretSet: boolean;
  sync: { state: string; progress: number | null; error: string };
}

export function toIntegrationStatus(o: Schemas["IntegrationStatus"]): IntegrationStatus {
  const sync = o.sync;
  return {
    provider: o.provider,
    connected: o.connected,
    accountName: o.account_name ?? "",
    keyLast4: o.key_last4 ?? "",
    lastSyncedAt: o.last_synced_at ?? "",
    lastError: o.last_error ?? "",
    paymentsSynced: o.payments_synced,
    webhookUrl: o.webhook_url,
    webhookSecretSet: o.webhook_secret_set,
    sync: {
      state: sync.state,
      progress: sync.progress ?? null,
      error: "error" in sync ? (sync.error ?? "") : "",
    },
  };
}

const integrationsBase = (siteId: string) => `/api/websites/${encodeURIComponent(siteId)}/integrations`;

export const integrations = {
  status: async (siteId: string, provider: string, signal?: AbortSignal) =>
    toIntegrationStatus(
      // With `provider`, the status of that one provider (the contract's other shape is the list of all).
      (await request<Schemas["IntegrationStatus"]>("GET", `${integrationsBase(siteId)}/status${qs({ provider })}`, undefined, {
        signal,
      })) satisfies Schemas["IntegrationStatus"],
    ),
  connect: (siteId: string, c: { provider: string; apiKey: string; webhookSecret?: string }) =>
    request<Schemas["IntegrationStatus"]>("POST", `${integrationsBase(siteId)}/connect`, {
      provider: c.provider as Schemas["Connection"]["provider"],
      api_key: c.apiKey,
      ...(c.webhookSecret ? { webhook_secret: c.webhookSecret } : {}),
    } satisfies Schemas["Connection"]),
  disconnect: (siteId: string, provider: string) =>
    request<void>("DELETE", `${integrationsBase(siteId)}/disconnect${qs({ provider })}`),
  sync: (siteId: string, provider: string) =>
    request<Schemas["SyncStarted"]>("POST", `${integrationsBase(siteId)}/sync`, { provider } satisfies Schemas["SyncRequest"]),
};

// ---------------------------------------------------------------- visitors

/** One person in the visitors list: a visitor, or every device of an identified user merged. */
export interface VisitorSummary extends Place {
  visitorId: string;
  visitorIds: string[];
  browser: string;
  os: string;
  deviceType: string;
  referrer: string;
  firstSeen: string;
  lastSeen: string;
  pageviews: number;
  goals: number;
  revenue: number;
  userId: string | null;
  displayName: string | null;
  email: string | null;
  properties: Record<string, string>;
}

export interface JourneyStep {
  type: "pageview" | "goal" | "outbound" | "identify" | "payment" | string;
  time: string;
  pathname: string;
  title: string;
  goalName: string;
  durationSeconds: number | null;
  engagedSeconds: number | null;
  scrollDepth: number | null;
  targetUrl: string;
  amount: number | null;
}

export interface JourneySession extends Place {
  sessionId: string;
  startedAt: string;
  endedAt: string;
  durationSeconds: number;
  pageviews: number;
  goals: number;
  channel: string;
  referrer: string;
  utmSource: string;
  utmCampaign: string;
  entryPage: string;
  exitPage: string;
  device: string;
  steps: JourneyStep[];
}

export interface VisitorDetail {
  visitor: VisitorSummary;
  sessions: JourneySession[];
  currency: string;
}

export function toVisitorSummary(o: Schemas["Visitor"]): VisitorSummary {
  return {
    ...toPlace(o),
    visitorId: o.visitor_id,
    visitorIds: o.visitor_ids,
    browser: o.browser ?? "",
    os: o.os ?? "",
    deviceType: o.device_type ?? "",
    referrer: o.referrer ?? "",
    firstSeen: o.first_seen,
    lastSeen: o.last_seen,
    pageviews: o.pageview_count,
    goals: o.goal_count,
    revenue: Number(o.revenue),
    userId: o.user_id ?? null,
    displayName: o.display_name ?? null,
    email: o.email ?? null,
    properties: o.custom_properties ?? {},
  };
}

export function toJourneySession(o: Schemas["JourneySession"]): JourneySession {
  return {
    ...toPlace(o),
    sessionId: o.session_id ?? "",
    startedAt: o.started_at,
    endedAt: o.ended_at,
    durationSeconds: o.duration_seconds,
    pageviews: o.pageviews,
    goals: o.goals,
    channel: o.channel ?? "",
    referrer: o.referrer ?? "",
    utmSource: o.utm_source ?? "",
    utmCampaign: o.utm_campaign ?? "",
    entryPage: o.entry_page ?? "",
    exitPage: o.exit_page ?? "",
    device: [o.device_type, o.browser, o.os].filter(Boolean).join(" · "),
    steps: o.steps.map((s) => ({
      type: s.type,
      time: s.timestamp,
      pathname: s.pathname ?? "",
      title: s.title ?? "",
      goalName: s.goal_name ?? "",
      durationSeconds: s.duration_seconds ?? null,
      engagedSeconds: s.engaged_seconds ?? null,
      scrollDepth: s.scroll_depth ?? null,
      targetUrl: s.target_url ?? "",
      amount: s.amount == null ? null : Number(s.amount),
    })),
  };
}

export const visitors = {
  list: async (siteId: string, range: { start: string; end: string }, limit: number, offset: number, signal?: AbortSignal) => {
    const j = await request<Schemas["VisitorList"]>(
      "GET",
      `/api/v1/visitors${qs({ site_id: siteId, start: range.start, end: range.end, limit, offset })}`,
      undefined,
      { signal },
    );
    return { rows: j.results.map(toVisitorSummary), total: j.meta.total, currency: j.meta.currency };
  },
  get: async (siteId: string, visitorId: string, signal?: AbortSignal): Promise<VisitorDetail> => {
    const j = await request<Schemas["VisitorPage"]>(
      "GET",
      `/api/v1/visitors/${encodeURIComponent(visitorId)}${qs({ site_id: siteId })}`,
      undefined,
      { signal },
    );
    return { visitor: toVisitorSummary(j.visitor), sessions: j.sessions.map(toJourneySession), currency: j.currency };
  },
  remove: (siteId: string, visitorId: string) =>
    request<Schemas["VisitorDeleted"]>("DELETE", `/api/v1/visitors/${encodeURIComponent(visitorId)}${qs({ site_id: siteId })}`),
};
