import { fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { toWebsite } from "../src/api";
import { likelihoodBand, likelihoodText } from "../src/components/LikelihoodBadge";
import { Realtime } from "../src/pages/Realtime";
import { SiteSettings } from "../src/pages/SiteSettings";
import { mockApi, site } from "./helpers";

const cohort = {
  score: 25,
  confidence: "low" as const,
  matched_dimensions: ["device_type", "os", "browser", "country", "referrer"],
  cohort_visitors: 40,
  revenue_per_visitor: 1.5,
  customer: false,
};

function visitor(id: string, likelihood: typeof cohort | null) {
  return {
    visitor: id,
    country: "US",
    region: null,
    city: "Boston",
    latitude: 42.36,
    longitude: -71.06,
    browser: "Chrome",
    os: "Windows",
    device_type: "desktop",
    page: "/pricing",
    referrer: "Google",
    session_start: "2026-11-29T10:00:00Z",
    last_seen: "2026-11-29T10:01:00Z",
    conversion_likelihood: likelihood,
  };
}

function event(id: string, page: string) {
  return {
    type: "pageview",
    visitor: id,
    goal_name: null,
    page,
    country: "US",
    region: null,
    city: "Boston",
    device_type: "desktop",
    browser: "Chrome",
    os: "Windows",
    timestamp: "2026-11-29T10:01:00Z",
  };
}

describe("conversion likelihood", () => {
  it("puts a band on each score: customers, 30% and up, 10 to 29%, below", () => {
    const l = (score: number, customer = false) => ({
      score,
      confidence: "high" as const,
      matchedDimensions: [],
      cohortVisitors: 1000,
      revenuePerVisitor: 0,
      customer,
    });
    expect(likelihoodBand(null)).toBe("");
    expect(likelihoodBand(l(100, true))).toBe("likely-customer");
    expect(likelihoodBand(l(30))).toBe("likely-high");
    expect(likelihoodBand(l(29))).toBe("likely-medium");
    expect(likelihoodBand(l(10))).toBe("likely-medium");
    expect(likelihoodBand(l(9))).toBe("likely-low");
    expect(likelihoodText(l(9))).toBe("9% likely to convert (high confidence: 1000 all past visitors of the site)");
    expect(likelihoodText({ ...l(33), matchedDimensions: ["device_type", "referrer"], cohortVisitors: 45 })).toBe(
      "33% likely to convert (high confidence: 45 past visitors with the same device, referrer)",
    );
  });

  it("shows each online visitor's likelihood on the map and on their feed entries", async () => {
    mockApi((c) => {
      if (c.url.pathname === "/api/realtime") return { body: { online: 2 } };
      if (c.url.pathname.endsWith("/realtime-map"))
        return {
          body: {
            count: 2,
            visitors: [visitor("a1", cohort), visitor("b2", { ...cohort, score: 100, customer: true, matched_dimensions: [] })],
          },
        };
      if (c.url.pathname.endsWith("/realtime-map/events"))
        return { body: { events: [event("a1", "/pricing"), event("b2", "/checkout"), event("gone", "/old")] } };
      return undefined;
    });
    const { container } = render(<Realtime site={toWebsite(site)} />);
    await waitFor(() => expect(screen.getAllByTestId("likelihood").length).toBe(2));
    const badges = screen.getAllByTestId("likelihood");
    expect(badges[0].textContent).toBe("25%");
    expect(badges[0].className).toContain("likely-medium");
    expect(badges[0].getAttribute("title")).toContain("low confidence: 40 past visitors with the same device, OS");
    expect(badges[1].textContent).toBe("Customer");
    // The visitor who left has no badge: their entry is the third, without one.
    expect(container.querySelectorAll(".feed-item")[2].querySelector("[data-testid=likelihood]")).toBeNull();
  });
});

describe("cookieless setting", () => {
  it("explains what it costs and sends the toggle with the other settings", async () => {
    const calls = mockApi((c) =>
      c.method === "PATCH"
        ? { body: { ...site, cookieless: true, tracking_snippet: "<script src=/js/script.cookieless.js>" } }
        : undefined,
    );
    render(<SiteSettings site={toWebsite(site)} onSaved={() => {}} />);
    expect(screen.getByText(/journeys across days are not available/)).toBeTruthy();
    const toggle = screen.getByTestId("cookieless") as HTMLInputElement;
    expect(toggle.checked).toBe(false);
    fireEvent.click(toggle);
    fireEvent.click(screen.getByRole("button", { name: "Save settings" }));
    await waitFor(() => expect(calls.find((c) => c.method === "PATCH")).toBeTruthy());
    expect(calls.find((c) => c.method === "PATCH")!.body).toMatchObject({ cookieless: true });
  });
});
