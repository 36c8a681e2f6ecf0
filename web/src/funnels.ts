/**
 * Funnels: the calls behind the funnel page and the mapping of their JSON,
 * kept beside api.ts (which holds the transport) so the feature lives in its
 * own files. Shapes come from the generated contract types.
 */
import type { components } from "./api-types";
import { request, statsUrl, type Filter, type StatsQuery } from "./api";

type Schemas = components["schemas"];

export type StepType = "pageview" | "goal";

export interface FunnelStep {
  name: string;
  type: StepType;
  url: string | null;
  goalName: string | null;
}

export interface Funnel {
  id: string;
  name: string;
  steps: FunnelStep[];
}

export interface StepResult extends FunnelStep {
  visitors: number;
  conversionRate: number;
  dropoff: number;
  dropoffRate: number;
}

export interface FunnelResult {
  id: string;
  name: string;
  steps: StepResult[];
  entered: number;
  completed: number;
  conversionRate: number;
  revenue: number;
  currency: string;
}

function toStep(s: Schemas["StepView"]): FunnelStep {
  return { name: s.name, type: s.type, url: s.url ?? null, goalName: s.goal_name ?? null };
}

function toFunnel(f: Schemas["FunnelView"]): Funnel {
  return { id: f.id, name: f.name, steps: f.steps.map(toStep) };
}

export function toFunnelResult(a: Schemas["FunnelAnswer"]): FunnelResult {
  const r = a.results;
  return {
    id: r.funnel_id,
    name: r.name,
    steps: r.steps.map((s) => ({
      name: s.name,
      type: s.type,
      url: s.url ?? null,
      goalName: s.goal_name ?? null,
      visitors: s.visitors,
      conversionRate: s.conversion_rate,
      dropoff: s.dropoff,
      dropoffRate: s.dropoff_rate,
    })),
    entered: r.entered,
    completed: r.completed,
    conversionRate: r.conversion_rate,
    revenue: r.revenue,
    currency: r.currency,
  };
}

function body(name: string, steps: FunnelStep[]): Schemas["FunnelBody"] {
  return {
    name,
    steps: steps.map((s) =>
      s.type === "pageview" ? { name: s.name, type: s.type, url: s.url } : { name: s.name, type: s.type, goal_name: s.goalName },
    ),
  };
}

const base = (siteId: string) => `/api/websites/${encodeURIComponent(siteId)}/funnels`;

export const funnels = {
  list: async (siteId: string, signal?: AbortSignal) =>
    (await request<Schemas["FunnelList"]>("GET", base(siteId), undefined, { signal })).funnels.map(toFunnel),
  create: async (siteId: string, name: string, steps: FunnelStep[]) =>
    toFunnel(await request<Schemas["FunnelView"]>("POST", base(siteId), body(name, steps))),
  update: async (siteId: string, id: string, name: string, steps: FunnelStep[]) =>
    toFunnel(await request<Schemas["FunnelView"]>("PUT", `${base(siteId)}/${encodeURIComponent(id)}`, body(name, steps))),
  remove: (siteId: string, id: string) => request<void>("DELETE", `${base(siteId)}/${encodeURIComponent(id)}`),
  results: async (id: string, q: StatsQuery, signal?: AbortSignal) =>
    toFunnelResult(
      await request<Schemas["FunnelAnswer"]>("GET", statsUrl(`/api/v1/funnels/${encodeURIComponent(id)}`, q, {}), undefined, {
        signal,
      }),
    ),
};

/**
 * The dashboard filter a click on a step applies: the stats API's
 * `funnel_step[is]=<funnelId>:<k>` (k from 1), which keeps exactly the
 * visitors who reached that step in order, so the dashboard's visitors equal
 * the step's count (docs/funnels.md, "From a step to the dashboard").
 */
export function stepFilter(funnelId: string, step: number): Filter {
  return { dimension: "funnel_step", op: "is", values: [`${funnelId}:${step}`] };
}
