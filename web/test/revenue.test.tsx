import { fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { revenueSupported, toBreakdown, toLiveEvent, toOverview, toWebsite } from "../src/api";
import { BreakdownRows } from "../src/dashboard/Breakdown";
import { KpiCards } from "../src/dashboard/KpiCards";
import { formatMoney, formatRevenueMetric, kpiChange } from "../src/format";
import { CHECKOUT_SNIPPET, IntegrationsPage } from "../src/pages/IntegrationsPage";
import { meta, mockApi, site } from "./helpers";

describe("money formatting", () => {
  it("has two decimals and the currency", () => {
    expect(formatMoney(49, "USD")).toBe("$49.00");
    expect(formatMoney(1234.5, "EUR")).toBe("€1,234.50");
    expect(formatMoney(0.1 + 0.2, "USD")).toBe("$0.30");
    expect(formatMoney(500, "JPY")).toBe("¥500.00");
    expect(formatMoney(0, "GBP")).toBe("£0.00");
    expect(formatMoney(null, "USD")).toBe("-");
  });

  it("formats each revenue metric by its kind", () => {
    expect(formatRevenueMetric("revenue", 101.5, "USD")).toBe("$101.50");
    expect(formatRevenueMetric("revenue_per_visitor", 33.83, "USD")).toBe("$33.83");
    expect(formatRevenueMetric("purchase_conversion_rate", 66.7, "USD")).toBe("66.7%");
    expect(formatRevenueMetric("payments", 4, "USD")).toBe("4");
  });

  it("conversion rate changes in percentage points and falling refunds are good news", () => {
    expect(kpiChange("purchase_conversion_rate", 5, 3.5)).toEqual({ value: 1.5, unit: "pp", good: true });
    expect(kpiChange("refunds", 10, 20).good).toBe(true);
    expect(kpiChange("revenue", 150, 100)).toEqual({ value: 50, unit: "%", good: true });
  });

  it("reads revenue from the API's JSON numbers", () => {
    const o = toOverview({ results: { visitors: 3, revenue: 101.5 }, previous: { visitors: 2, revenue: 0 }, meta });
    expect(o.current.revenue).toBe(101.5);
    expect(o.previous?.revenue).toBe(0);
    expect(toBreakdown({ results: [{ channel: "Unknown", visitors: 0, revenue: 7 }], meta }, "channel").rows[0].revenue).toBe(7);
    const e = toLiveEvent({
      type: "payment",
      amount: 49,
      currency: "EUR",
      channel: "Direct",
      country: "DE",
      timestamp: "2026-11-26T10:00:00Z",
    });
    expect(e).toMatchObject({ type: "payment", amount: 49, currency: "EUR", countryCode: "DE" });
  });

  it("revenue is offered only for dimensions and filters payments carry", () => {
    expect(revenueSupported([{ dimension: "country", op: "is", values: ["US"] }], "channel")).toBe(true);
    expect(revenueSupported([], "pathname")).toBe(false);
    expect(revenueSupported([{ dimension: "pathname", op: "is", values: ["/"] }])).toBe(false);
  });
});

describe("revenue KPI cards", () => {
  const overview = {
    current: { visitors: 3, sessions: 3, pageviews: 4, bounce_rate: 50, avg_session_duration: 10, views_per_session: 1.3 },
    previous: null,
  };

  it("show revenue, revenue per visitor and purchase conversion with their change", () => {
    mockApi(() => ({ body: { online: 1 } }));
    let selected = "";
    render(
      <KpiCards
        siteId="s1"
        loading={false}
        metric="visitors"
        onSelect={(m) => (selected = m)}
        overview={overview}
        currency="EUR"
        revenue={{
          current: { revenue: 1234.5, revenue_per_visitor: 4.1, purchase_conversion_rate: 2.5 },
          previous: { revenue: 1000, revenue_per_visitor: 5, purchase_conversion_rate: 2 },
        }}
      />,
    );
    expect(screen.getByTestId("kpi-revenue").textContent).toBe("€1,234.50");
    expect(screen.getByTestId("kpi-revenue_per_visitor").textContent).toBe("€4.10");
    expect(screen.getByTestId("kpi-purchase_conversion_rate").textContent).toBe("2.5%");
    expect(screen.getByTestId("kpi-change-revenue").textContent).toBe("+23%");
    expect(screen.getByTestId("kpi-change-revenue").className).toContain("up-good");
    expect(screen.getByTestId("kpi-change-revenue_per_visitor").textContent).toBe("−18%");
    expect(screen.getByTestId("kpi-change-purchase_conversion_rate").textContent).toBe("+0.5 pp");
    fireEvent.click(screen.getByTestId("kpi-revenue"));
    expect(selected).toBe("revenue");
  });

  it("say why revenue is missing under a filter payments do not carry", () => {
    mockApi(() => ({ body: { online: 1 } }));
    render(
      <KpiCards
        siteId="s1"
        loading={false}
        metric="visitors"
        onSelect={() => {}}
        overview={overview}
        revenue={null}
        revenueNote="Revenue can be filtered only by source, campaign, landing page, location and device."
      />,
    );
    expect(screen.getByTestId("kpi-revenue").textContent).toBe("-");
    expect(screen.getByTestId("kpi-revenue").closest("button")?.title).toMatch(/filtered only by/);
  });
});

const website = toWebsite(site);
const disconnected = { provider: "stripe", connected: false, sync: { state: "idle", progress: null } };
const connected = (sync: { state: string; progress: number | null }, payments = 0) => ({
  provider: "stripe",
  connected: true,
  account_name: "Acme Inc",
  key_last4: "Zq9X",
  last_synced_at: null,
  last_error: null,
  payments_synced: payments,
  webhook_url: "/api/webhooks/stripe/mrf_abc123",
  webhook_secret_set: false,
  sync,
});

describe("integrations page", () => {
  it("shows the provider's reason when connecting fails", async () => {
    const calls = mockApi((c) => {
      if (c.url.pathname.endsWith("/integrations/status")) return { body: disconnected };
      if (c.url.pathname.endsWith("/integrations/connect"))
        return { status: 400, body: { error: { code: 400, message: "Stripe rejected the API key: Invalid API Key provided." } } };
      return undefined;
    });
    render(<IntegrationsPage site={website} />);
    fireEvent.input(await screen.findByLabelText("API key"), { target: { value: "sk_test_bad" } });
    fireEvent.input(screen.getByLabelText(/Webhook signing secret/), { target: { value: "whsec_abc" } });
    fireEvent.click(screen.getByRole("button", { name: "Connect Stripe" }));
    expect((await screen.findByTestId("connect-error")).textContent).toBe(
      "Stripe rejected the API key: Invalid API Key provided.",
    );
    expect(calls.find((c) => c.method === "POST")?.body).toEqual({
      provider: "stripe",
      api_key: "sk_test_bad",
      webhook_secret: "whsec_abc",
    });
    expect(screen.getByTestId("checkout-snippet").textContent).toBe(CHECKOUT_SNIPPET);
    expect(CHECKOUT_SNIPPET).toContain("payment_intent_data: { metadata: ids }");
  });

  it("starts a sync and follows its progress until it is done", async () => {
    const states = [
      connected({ state: "idle", progress: null }),
      connected({ state: "running", progress: 0 }),
      connected({ state: "running", progress: 40 }),
      connected({ state: "succeeded", progress: 100 }, 12),
    ];
    let step = 0;
    const calls = mockApi((c) => {
      if (c.url.pathname.endsWith("/integrations/status")) return { body: states[Math.min(step++, states.length - 1)] };
      if (c.url.pathname.endsWith("/integrations/sync")) return { status: 202, body: { providers: ["stripe"] } };
      return undefined;
    });
    render(<IntegrationsPage site={website} pollMs={20} />);
    fireEvent.click(await screen.findByRole("button", { name: "Sync now" }));
    await waitFor(() => expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("40"));
    expect(screen.getByText("Syncing… 40%")).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId("payments-synced").textContent).toBe("12"));
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("100");
    expect(screen.getByRole("button", { name: "Sync now" })).toBeTruthy();
    expect(calls.filter((c) => c.url.pathname.endsWith("/integrations/sync")).length).toBe(1);
    // polling stops once the sync is over
    const polled = calls.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(calls.length).toBe(polled);
  });
});

describe("revenue column in breakdown panels", () => {
  const q = { siteId: "s1", start: "2026-05-10", end: "2026-05-10", filters: [] };

  it("asks for revenue where payments carry the dimension and shows it as money", async () => {
    const calls = mockApi(() => ({
      body: {
        results: [
          { channel: "Organic Search", visitors: 5, revenue: 74.5 },
          { channel: "Unknown", visitors: 0, revenue: 7 },
        ],
        meta: { total: 2, currency: "EUR" },
      },
    }));
    render(<BreakdownRows q={q} dimension="channel" currency="EUR" />);
    const cells = await screen.findAllByTestId("bar-revenue");
    expect(cells.map((c) => c.textContent?.trim())).toEqual(["· €74.50", "· €7.00"]);
    expect(calls[0].url.searchParams.get("metrics")).toBe("visitors,revenue");
  });

  it("leaves revenue out for dimensions payments do not carry", async () => {
    const calls = mockApi(() => ({ body: { results: [{ pathname: "/", visitors: 5 }], meta: { ...meta, total: 1 } } }));
    render(<BreakdownRows q={q} dimension="pathname" />);
    await screen.findByRole("button", { name: /\// });
    expect(screen.queryAllByTestId("bar-revenue")).toHaveLength(0);
    expect(calls[0].url.searchParams.get("metrics")).toBe("visitors");
  });
});
