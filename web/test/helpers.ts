import { vi } from "vitest";

export interface Call {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: unknown;
}

type Reply = { status?: number; body?: unknown };

/** Stubs fetch with a router function; returns the list of calls made. */
export function mockApi(handler: (call: Call) => Reply | undefined) {
  const calls: Call[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const call: Call = {
      method: init.method ?? "GET",
      url: new URL(String(input), "http://localhost"),
      headers: { ...(init.headers as Record<string, string>) },
      body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
    };
    calls.push(call);
    const reply = handler(call) ?? {
      status: 404,
      body: { error: { code: 404, message: `No mock for ${call.method} ${call.url.pathname}` } },
    };
    const status = reply.status ?? 200;
    return new Response(status === 204 || reply.body === undefined ? null : JSON.stringify(reply.body), {
      status,
      headers: { "Content-Type": "application/json" },
    });
  });
  vi.stubGlobal("fetch", fn);
  return calls;
}

export const site = {
  id: "mrf_abc123",
  domain: "example.com",
  name: "Example",
  timezone: "UTC",
  currency: "USD",
  allowed_hostnames: [],
  excluded_ips: [],
  excluded_paths: [],
  excluded_countries: [],
  created_at: "2026-11-01T10:00:00Z",
  cookieless: false,
  tracking_snippet:
    '<script defer data-website-id="mrf_abc123" data-domain="example.com" src="http://localhost:8080/js/script.js"></script>',
};

/** The `meta` every stats answer carries (the contract's `Meta`). */
export const meta = { site_id: "mrf_abc123", start: "2026-11-01", end: "2026-11-07", timezone: "UTC", currency: "USD" };
