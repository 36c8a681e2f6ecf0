import { fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { toLiveEvent, toWebsite } from "../src/api";
import { Realtime } from "../src/pages/Realtime";
import { VisitorPage } from "../src/visitors/VisitorPage";
import { VisitorsPage } from "../src/visitors/VisitorsPage";
import { mockApi, site as siteJson } from "./helpers";

const site = toWebsite(siteJson);

const ada = {
  visitor_id: "laptop-1",
  visitor_ids: ["laptop-1", "phone-1"],
  country: "GB",
  city: "London",
  browser: "Chrome",
  os: "Windows",
  device_type: "desktop",
  referrer: "Twitter",
  first_seen: "2026-11-20T12:00:00Z",
  last_seen: "2026-11-22T08:05:00Z",
  pageview_count: 3,
  goal_count: 1,
  revenue: 49,
  user_id: "u-1",
  display_name: "Ada",
  email: "ada@example.com",
  custom_properties: { plan: "pro" },
};
const anon = {
  ...ada,
  visitor_id: "abcdef123456",
  visitor_ids: ["abcdef123456"],
  user_id: null,
  display_name: null,
  email: null,
  custom_properties: {},
  revenue: 0,
};
const listMeta = {
  site_id: site.id,
  start: "2026-10-28",
  end: "2026-11-26",
  timezone: "UTC",
  currency: "USD",
  limit: 50,
  offset: 0,
};

describe("visitors list", () => {
  it("shows one row per person with a link to the visitor page, and pages by offset", async () => {
    const calls = mockApi((c) =>
      c.url.pathname === "/api/v1/visitors" ? { body: { results: [ada, anon], meta: { ...listMeta, total: 60 } } } : undefined,
    );
    render(<VisitorsPage site={site} />);
    const link = await screen.findByRole("link", { name: "Ada" });
    expect(link.getAttribute("href")).toBe("/sites/mrf_abc123/visitors/laptop-1");
    expect(screen.getByText(/2 devices/)).toBeTruthy();
    expect(screen.getByRole("link", { name: "Visitor abcdef12" })).toBeTruthy();
    expect(screen.getByText("$49.00")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Older" }));
    await waitFor(() => expect(calls.at(-1)?.url.searchParams.get("offset")).toBe("50"));
    expect(calls.at(-1)?.url.searchParams.get("limit")).toBe("50");
    expect(calls.at(-1)?.url.searchParams.get("site_id")).toBe(site.id);
  });
});

describe("visitor page", () => {
  it("shows the profile and the journey in order, and deletes after a confirmation", async () => {
    const calls = mockApi((c) => {
      if (c.url.pathname === "/api/v1/visitors/laptop-1" && c.method === "GET")
        return {
          body: {
            visitor: ada,
            currency: "USD",
            payments: [],
            sessions: [
              {
                session_id: "s1",
                visitor_id: "laptop-1",
                started_at: "2026-11-22T08:00:00Z",
                ended_at: "2026-11-22T08:05:00Z",
                duration_seconds: 300,
                pageviews: 1,
                goals: 1,
                channel: "Organic Social",
                referrer: "Twitter",
                device_type: "desktop",
                browser: "Chrome",
                os: "Windows",
                steps: [
                  {
                    type: "pageview",
                    timestamp: "2026-11-22T08:00:00Z",
                    pathname: "/pricing",
                    duration_seconds: 300,
                    engaged_seconds: 80,
                    scroll_depth: 70,
                  },
                  { type: "goal", timestamp: "2026-11-22T08:04:00Z", goal_name: "purchase" },
                  { type: "payment", timestamp: "2026-11-22T08:05:00Z", amount: 49 },
                ],
              },
            ],
          },
        };
      if (c.url.pathname === "/api/v1/visitors/laptop-1" && c.method === "DELETE")
        return { body: { visitor_ids: ["laptop-1", "phone-1"], events_deleted: 5, profiles_deleted: 2, payments_unlinked: 1 } };
      return undefined;
    });
    render(<VisitorPage site={site} visitorId="laptop-1" />);
    expect(await screen.findByRole("heading", { name: "Ada" })).toBeTruthy();
    expect(screen.getByText("ada@example.com")).toBeTruthy();
    expect(screen.getByText("pro")).toBeTruthy();
    const steps = screen.getAllByRole("listitem").filter((li) => li.classList.contains("journey-step"));
    expect(steps.map((li) => li.textContent?.replace(/^.*?(Viewed|Completed|Paid)/, "$1"))).toEqual([
      "Viewed /pricing for 1m 20s, scrolled 70%",
      "Completed goal purchase",
      "Paid $49.00",
    ]);
    fireEvent.click(screen.getByRole("button", { name: "Delete visitor" }));
    fireEvent.click(screen.getByRole("button", { name: "Delete everything" }));
    await waitFor(() => expect(calls.some((c) => c.method === "DELETE")).toBe(true));
    expect(calls.find((c) => c.method === "DELETE")?.url.searchParams.get("site_id")).toBe(site.id);
  });

  it("says so when the visitor is unknown", async () => {
    mockApi(() => ({ status: 404, body: { error: { code: 404, message: "No visitor 'x' on website mrf_abc123." } } }));
    render(<VisitorPage site={site} visitorId="x" />);
    expect(await screen.findByText(/No visitor 'x'/)).toBeTruthy();
  });
});

describe("realtime links to visitors", () => {
  it("feed entries link to the visitor's page", async () => {
    mockApi((c) => {
      if (c.url.pathname === "/api/realtime") return { body: { online: 1 } };
      if (c.url.pathname.endsWith("/realtime-map")) return { body: { count: 1, visitors: [] } };
      if (c.url.pathname.endsWith("/realtime-map/events"))
        return {
          body: {
            events: [
              {
                type: "pageview",
                visitor: "m-9",
                visitor_id: "v-9",
                page: "/",
                country: "DE",
                timestamp: new Date().toISOString(),
              },
            ],
          },
        };
      return undefined;
    });
    render(<Realtime site={site} />);
    const link = await screen.findByRole("link", { name: "visitor" });
    expect(link.getAttribute("href")).toBe("/sites/mrf_abc123/visitors/v-9");
    expect(toLiveEvent({ type: "goal", visitor: "", goal_name: "x", timestamp: "2026-11-26T10:00:00Z" }).visitorId).toBe("");
  });
});
