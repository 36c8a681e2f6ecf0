import { fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { BreakdownPanel, BreakdownRows, PANELS } from "../src/dashboard/Breakdown";
import { meta, mockApi } from "./helpers";

describe("breakdown panel", () => {
  it("clicking a row adds an 'is' filter for it to the URL", async () => {
    history.replaceState(null, "", "/sites/s1?period=7d&browser[is]=Firefox");
    const calls = mockApi(() => ({
      body: {
        results: [
          { country: "US", visitors: 5 },
          { country: "DE", visitors: 2 },
        ],
        meta: { ...meta, total: 2 },
      },
    }));
    const q = {
      siteId: "s1",
      start: "2026-03-09",
      end: "2026-03-15",
      filters: [{ dimension: "browser", op: "is" as const, values: ["Firefox"] }],
    };
    render(<BreakdownRows q={q} dimension="country" />);
    fireEvent.click(await screen.findByRole("button", { name: /United States/ }));
    const url = new URLSearchParams(location.search);
    expect(url.getAll("country[is]")).toEqual(["US"]);
    expect(url.get("browser[is]")).toBe("Firefox");
    expect(url.get("period")).toBe("7d");

    const sent = calls[0].url.searchParams;
    expect(calls[0].url.pathname).toBe("/api/v1/breakdown");
    expect(sent.get("dimension")).toBe("country");
    expect(sent.get("site_id")).toBe("s1");
    expect(sent.get("browser[is]")).toBe("Firefox");
  });

  it("draws bars relative to the top row", async () => {
    mockApi(() => ({
      body: {
        results: [
          { pathname: "/", visitors: 10 },
          { pathname: "/about", visitors: 5 },
        ],
        meta: { ...meta, total: 2 },
      },
    }));
    const { container } = render(
      <BreakdownRows q={{ siteId: "s1", start: "2026-03-01", end: "2026-03-02", filters: [] }} dimension="pathname" />,
    );
    await screen.findByText("/about");
    const widths = [...container.querySelectorAll<HTMLElement>(".bar")].map((b) => b.style.width);
    expect(widths).toEqual(["100%", "50%"]);
  });

  it("says what to do when there is no data, and shows API errors", async () => {
    mockApi(() => ({ body: { results: [], meta: { ...meta, total: 0 } } }));
    render(<BreakdownRows q={{ siteId: "s1", start: "2026-03-01", end: "2026-03-02", filters: [] }} dimension="browser" />);
    expect(await screen.findByText("No data for this period")).toBeTruthy();
  });

  it("shows the server's error instead of an empty panel", async () => {
    mockApi(() => ({ status: 400, body: { error: { code: 400, message: "Unknown dimension 'browzer'." } } }));
    render(<BreakdownRows q={{ siteId: "s1", start: "2026-03-01", end: "2026-03-02", filters: [] }} dimension="browzer" />);
    expect((await screen.findByRole("alert")).textContent).toContain("Unknown dimension 'browzer'.");
  });
});

describe("locations panel", () => {
  const q = { siteId: "s1", start: "2026-03-01", end: "2026-03-02", filters: [] };
  const locations = PANELS.find((p) => p.locations)!;

  it("says when the server has no GeoIP database", async () => {
    history.replaceState(null, "", "/sites/s1");
    mockApi((call) =>
      call.url.pathname === "/api/instance"
        ? { body: { version: "1", owner: true, geoip: { available: false, reason: "No GeoIP database found." } } }
        : { body: { results: [{ country: null, visitors: 3 }] } },
    );
    render(<BreakdownPanel panel={locations} q={q} />);
    const notice = await screen.findByRole("status");
    expect(notice.textContent).toContain("Visitor locations are unavailable");
    expect(notice.textContent).toContain("No GeoIP database found.");
  });

  it("shows no notice when locations work", async () => {
    history.replaceState(null, "", "/sites/s1");
    const calls = mockApi((call) =>
      call.url.pathname === "/api/instance"
        ? { body: { version: "1", owner: true, geoip: { available: true, reason: null } } }
        : { body: { results: [{ country: "US", visitors: 3 }] } },
    );
    render(<BreakdownPanel panel={locations} q={q} />);
    await waitFor(() => expect(calls.some((c) => c.url.pathname === "/api/instance")).toBe(true));
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the answer render
    expect(screen.queryByText(/Visitor locations are unavailable/)).toBeNull();
  });
});
