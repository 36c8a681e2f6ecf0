/**
 * The one place that talks to the DataSaaS server. Every URL, query parameter
 * and JSON field name the dashboard depends on is written here, and every
 * response is normalised into the types below, so a renamed field is fixed in
 * one function rather than in every screen. Parsers are lenient on purpose: the
 * stats endpoints are young and a missing field should show as "-", not crash.
 */

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

type Method = "GET" | "POST" | "PATCH" | "DELETE";

async function request<T = unknown>(
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

// ---------------------------------------------------------------- lenient readers

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === "string" ? v : v == null ? "" : String(v));
const strs = (v: unknown): string[] => arr(v).map(str);
function num(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return null;
}
/** First present field among several candidate names (for fields not final on the server). */
function pick(o: Json, ...names: string[]): unknown {
  for (const n of names) if (o[n] !== undefined && o[n] !== null) return o[n];
  return undefined;
}

// ---------------------------------------------------------------- accounts

export interface Me {
  id: string;
  email: string;
  name: string;
  createdAt: string;
}

function toMe(j: unknown): Me {
  const o = obj(j);
  return { id: str(o.id), email: str(o.email), name: str(o.name), createdAt: str(o.created_at) };
}

export const auth = {
  me: async (signal?: AbortSignal) => toMe(await request("GET", "/api/me", undefined, { signal, quiet401: true })),
  login: async (email: string, password: string) =>
    toMe(await request("POST", "/api/auth/login", { email, password }, { quiet401: true })),
  signup: async (email: string, password: string, name: string) =>
    toMe(await request("POST", "/api/auth/signup", { email, password, name }, { quiet401: true })),
  logout: () => request<void>("POST", "/api/auth/logout"),
  /** Ends every other session of the account; with revokeApiKeys, deletes every API key too. */
  changePassword: (currentPassword: string, newPassword: string, revokeApiKeys = false) =>
    request<void>("POST", "/api/me/password", {
      current_password: currentPassword,
      new_password: newPassword,
      revoke_api_keys: revokeApiKeys,
    }),
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

export function toInstance(j: unknown): Instance {
  const o = obj(j);
  const geoip = obj(o.geoip);
  return {
    version: str(o.version),
    owner: o.owner === true,
    // Anything but an explicit false counts as available: an older server without the field locates visitors.
    geoip: { available: geoip.available !== false, reason: str(geoip.reason) },
  };
}

export const instance = {
  get: async (signal?: AbortSignal) => toInstance(await request("GET", "/api/instance", undefined, { signal })),
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
  trackingSnippet: string;
}

export function toWebsite(j: unknown): Website {
  const o = obj(j);
  const id = str(o.id);
  const domain = str(o.domain);
  return {
    id,
    domain,
    name: str(o.name) || domain,
    timezone: str(o.timezone) || "UTC",
    currency: str(o.currency) || "USD",
    allowedHostnames: strs(o.allowed_hostnames),
    excludedIps: strs(o.excluded_ips),
    excludedPaths: strs(o.excluded_paths),
    excludedCountries: strs(o.excluded_countries),
    createdAt: str(o.created_at),
    trackingSnippet:
      str(o.tracking_snippet) ||
      `<script defer data-website-id="${id}" data-domain="${domain}" src="${location.origin}/js/script.js"></script>`,
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
}

function websiteBody(c: WebsiteChanges): Json {
  const body: Json = {};
  if (c.domain !== undefined) body.domain = c.domain;
  if (c.name !== undefined) body.name = c.name;
  if (c.timezone !== undefined) body.timezone = c.timezone;
  if (c.currency !== undefined) body.currency = c.currency;
  if (c.allowedHostnames !== undefined) body.allowed_hostnames = c.allowedHostnames;
  if (c.excludedIps !== undefined) body.excluded_ips = c.excludedIps;
  if (c.excludedPaths !== undefined) body.excluded_paths = c.excludedPaths;
  if (c.excludedCountries !== undefined) body.excluded_countries = c.excludedCountries;
  return body;
}

export const websites = {
  list: async (signal?: AbortSignal) => {
    const j = await request("GET", "/api/websites", undefined, { signal });
    return arr(Array.isArray(j) ? j : obj(j).websites).map(toWebsite);
  },
  get: async (id: string, signal?: AbortSignal) =>
    toWebsite(await request("GET", `/api/websites/${encodeURIComponent(id)}`, undefined, { signal })),
  create: async (c: WebsiteChanges & { domain: string }) => toWebsite(await request("POST", "/api/websites", websiteBody(c))),
  update: async (id: string, c: WebsiteChanges) =>
    toWebsite(await request("PATCH", `/api/websites/${encodeURIComponent(id)}`, websiteBody(c))),
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

function toApiKey(j: unknown): ApiKey {
  const o = obj(j);
  return {
    id: str(o.id),
    name: str(o.name),
    scope: o.scope === "write" ? "write" : "read",
    websiteId: o.website_id ? str(o.website_id) : null,
    keyHint: str(o.key_hint),
    createdAt: str(o.created_at),
    lastUsedAt: o.last_used_at ? str(o.last_used_at) : null,
    key: o.key ? str(o.key) : undefined,
  };
}

export const apiKeys = {
  list: async (signal?: AbortSignal) => {
    const j = await request("GET", "/api/api-keys", undefined, { signal });
    return arr(Array.isArray(j) ? j : obj(j).api_keys).map(toApiKey);
  },
  create: async (name: string, scope: "read" | "write", websiteId: string | null) =>
    toApiKey(await request("POST", "/api/api-keys", { name, scope, ...(websiteId ? { website_id: websiteId } : {}) })),
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

function statsUrl(path: string, q: StatsQuery, extra: Record<string, string | number | undefined>): string {
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
}

function metricValues(o: Json): MetricValues {
  const out: MetricValues = {};
  for (const m of [...METRICS, ...REVENUE_METRICS]) {
    const v = o[m];
    out[m] = num(v && typeof v === "object" ? pick(obj(v), "value", "current") : v);
  }
  return out;
}

/** Accepts {results:{visitors:1,...,previous:{...}}}, {results:{current,previous}} or {results:{visitors:{value,previous}}}. */
export function toOverview(j: unknown): Overview {
  const root = obj(j);
  const results = obj(pick(root, "results") ?? root);
  const meta = obj(root.meta);
  if (results.current) {
    const prev = pick(results, "previous", "comparison", "previous_period");
    return { current: metricValues(obj(results.current)), previous: prev ? metricValues(obj(prev)) : null };
  }
  const current = metricValues(results);
  // The server answers {results: {...}, previous: {...}, meta}: the previous period sits beside results.
  let prevRaw =
    pick(results, "previous", "previous_period", "comparison") ??
    (results !== root ? pick(root, "previous", "previous_period", "comparison") : undefined) ??
    pick(meta, "previous", "comparison");
  if (!prevRaw) {
    const nested: Json = {};
    let any = false;
    for (const m of METRICS) {
      const v = results[m];
      if (v && typeof v === "object") {
        const p = pick(obj(v), "previous", "comparison", "previous_value");
        if (p !== undefined) {
          nested[m] = p;
          any = true;
        }
      }
    }
    if (any) prevRaw = nested;
  }
  return { current, previous: prevRaw ? metricValues(obj(prevRaw)) : null };
}

export interface TimePoint {
  time: string;
  values: MetricValues;
}

export function toTimeseries(j: unknown): TimePoint[] {
  const root = obj(j);
  const rows = arr(Array.isArray(j) ? j : pick(root, "results", "timeseries"));
  return rows.map((r) => {
    const o = obj(r);
    return { time: str(pick(o, "date", "time", "bucket", "timestamp", "period")), values: metricValues(o) };
  });
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
}

export function toBreakdown(j: unknown, dimension: string): Breakdown {
  const root = obj(j);
  const rows = arr(Array.isArray(j) ? j : root.results).map((r) => {
    const o = obj(r);
    return {
      value: str(pick(o, dimension, "value", "name")),
      visitors: num(o.visitors) ?? 0,
      pageviews: num(o.pageviews),
      revenue: num(o.revenue),
      raw: o,
    };
  });
  return { rows, total: num(obj(root.meta).total) };
}

export interface GoalConversion {
  goalName: string;
  displayName: string;
  visitors: number;
  completions: number;
  conversionRate: number | null;
}

export function toGoalConversions(j: unknown): GoalConversion[] {
  const root = obj(j);
  return arr(Array.isArray(j) ? j : pick(root, "results", "goals")).map((r) => {
    const o = obj(r);
    const goalName = str(pick(o, "goal_name", "name"));
    return {
      goalName,
      displayName: str(o.display_name) || goalName,
      visitors: num(pick(o, "unique_visitors", "visitors", "conversions")) ?? 0,
      completions: num(pick(o, "completion_count", "completions", "events")) ?? 0,
      conversionRate: num(o.conversion_rate),
    };
  });
}

export const stats = {
  overview: async (q: StatsQuery, compare: boolean, signal?: AbortSignal) =>
    toOverview(
      await request("GET", statsUrl("/api/v1/overview", q, { compare: compare ? "previous_period" : undefined }), undefined, {
        signal,
      }),
    ),
  /** Revenue KPIs with the previous period; money in the site's currency. */
  revenueOverview: async (q: StatsQuery, signal?: AbortSignal) =>
    toOverview(
      await request(
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
      await request("GET", statsUrl("/api/v1/timeseries", q, { interval, metrics: metrics.join(",") }), undefined, {
        signal,
      }),
    ),
  breakdown: async (
    q: StatsQuery,
    dimension: string,
    opts: { metrics?: string[]; limit?: number; offset?: number } = {},
    signal?: AbortSignal,
  ) =>
    toBreakdown(
      await request(
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
    toGoalConversions(await request("GET", statsUrl("/api/v1/goals", q, {}), undefined, { signal })),
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
  const j = obj(await request("GET", `/api/filter-values${qs({ siteId, dimension, start, end })}`, undefined, { signal }));
  return arr(j.values).map((v) => {
    const o = obj(v);
    return { value: str(o.value), visitors: num(o.visitors) ?? 0 };
  });
};

// ---------------------------------------------------------------- goals

export interface Goal {
  id: string;
  name: string;
  displayName: string;
  goalType: "custom" | "pageview";
  path: string | null;
}

function toGoal(j: unknown): Goal {
  const o = obj(j);
  const name = str(o.name);
  return {
    id: str(o.id),
    name,
    displayName: str(o.display_name) || name,
    goalType: o.goal_type === "pageview" ? "pageview" : "custom",
    path: o.path ? str(o.path) : null,
  };
}

export const goals = {
  list: async (siteId: string, signal?: AbortSignal) => {
    const j = await request("GET", `/api/websites/${encodeURIComponent(siteId)}/goals`, undefined, { signal });
    return arr(Array.isArray(j) ? j : pick(obj(j), "goals", "results")).map(toGoal);
  },
  create: async (siteId: string, g: { name: string; displayName: string; goalType: "custom" | "pageview"; path?: string }) =>
    toGoal(
      await request("POST", `/api/websites/${encodeURIComponent(siteId)}/goals`, {
        name: g.name,
        display_name: g.displayName,
        goal_type: g.goalType,
        ...(g.goalType === "pageview" ? { path: g.path } : {}),
      }),
    ),
  remove: (siteId: string, goalId: string) =>
    request<void>("DELETE", `/api/websites/${encodeURIComponent(siteId)}/goals/${encodeURIComponent(goalId)}`),
};

// ---------------------------------------------------------------- realtime

export const realtime = {
  online: async (siteId: string, signal?: AbortSignal) =>
    num(obj(await request("GET", `/api/realtime${qs({ siteId })}`, undefined, { signal })).online) ?? 0,
  map: async (siteId: string, signal?: AbortSignal) => {
    const j = obj(await request("GET", `/api/websites/${encodeURIComponent(siteId)}/realtime-map`, undefined, { signal }));
    const visitors = arr(j.visitors).map(toActiveVisitor);
    return { count: num(j.count) ?? visitors.length, visitors };
  },
  events: async (siteId: string, limit: number, signal?: AbortSignal) => {
    const j = obj(
      await request("GET", `/api/websites/${encodeURIComponent(siteId)}/realtime-map/events${qs({ limit })}`, undefined, {
        signal,
      }),
    );
    return arr(j.events).map(toLiveEvent);
  },
};

export interface Place {
  countryCode: string;
  region: string;
  city: string;
}

export interface ActiveVisitor extends Place {
  latitude: number | null;
  longitude: number | null;
  browser: string;
  os: string;
  deviceType: string;
  page: string;
  referrer: string;
  sessionStart: string;
}

function toPlace(o: Json): Place {
  const loc = obj(o.location);
  const src = Object.keys(loc).length ? loc : o;
  return {
    countryCode: str(pick(src, "country_code", "country")).toUpperCase(),
    region: str(pick(src, "region", "region_name", "subdivision")),
    city: str(src.city),
  };
}

export function toActiveVisitor(j: unknown): ActiveVisitor {
  const o = obj(j);
  const loc = obj(o.location);
  return {
    ...toPlace(o),
    latitude: num(pick(o, "latitude", "lat") ?? pick(loc, "latitude", "lat")),
    longitude: num(pick(o, "longitude", "lon", "lng") ?? pick(loc, "longitude", "lon", "lng")),
    browser: str(o.browser),
    os: str(o.os),
    deviceType: str(pick(o, "device_type", "device")),
    page: str(pick(o, "current_page", "pathname", "page", "url")),
    referrer: str(o.referrer),
    sessionStart: str(pick(o, "session_start", "session_started_at", "started_at", "first_seen")),
  };
}

export interface LiveEvent extends Place {
  type: string;
  /** Payments: the amount in the site's currency, and the currency. */
  amount?: number | null;
  currency?: string;
  goalName: string;
  page: string;
  device: string;
  time: string;
}

export function toLiveEvent(j: unknown): LiveEvent {
  const o = obj(j);
  const device = o.device && typeof o.device === "object" ? obj(o.device) : null;
  return {
    ...toPlace(o),
    type: str(pick(o, "type", "event_type")) || "pageview",
    goalName: str(pick(o, "goal_name", "name")),
    page: str(pick(o, "page", "pathname", "url")),
    device: device ? str(pick(device, "device_type", "type", "browser")) : str(pick(o, "device", "device_type")),
    time: str(pick(o, "time", "timestamp", "created_at")),
    ...(o.type === "payment" ? { amount: num(o.amount), currency: str(o.currency) } : {}),
  };
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

export function toIntegrationStatus(j: unknown): IntegrationStatus {
  const o = obj(j);
  const sync = obj(o.sync);
  return {
    provider: str(o.provider),
    connected: o.connected === true,
    accountName: str(o.account_name),
    keyLast4: str(o.key_last4),
    lastSyncedAt: str(o.last_synced_at),
    lastError: str(o.last_error),
    paymentsSynced: num(o.payments_synced) ?? 0,
    webhookUrl: str(o.webhook_url),
    webhookSecretSet: o.webhook_secret_set === true,
    sync: { state: str(sync.state) || "idle", progress: num(sync.progress), error: str(sync.error) },
  };
}

const integrationsBase = (siteId: string) => `/api/websites/${encodeURIComponent(siteId)}/integrations`;

export const integrations = {
  status: async (siteId: string, provider: string, signal?: AbortSignal) =>
    toIntegrationStatus(await request("GET", `${integrationsBase(siteId)}/status${qs({ provider })}`, undefined, { signal })),
  connect: (siteId: string, c: { provider: string; apiKey: string; webhookSecret?: string }) =>
    request("POST", `${integrationsBase(siteId)}/connect`, {
      provider: c.provider,
      api_key: c.apiKey,
      ...(c.webhookSecret ? { webhook_secret: c.webhookSecret } : {}),
    }),
  disconnect: (siteId: string, provider: string) =>
    request<void>("DELETE", `${integrationsBase(siteId)}/disconnect${qs({ provider })}`),
  sync: (siteId: string, provider: string) => request("POST", `${integrationsBase(siteId)}/sync`, { provider }),
};
