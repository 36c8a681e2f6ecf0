import { fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { App } from "../src/App";
import { ErrorBoundary } from "../src/components/ErrorBoundary";
import { DateRangePicker } from "../src/dashboard/DateRangePicker";
import { meta, mockApi, site } from "./helpers";

describe("app shell", () => {
  it("sends a logged-out visitor of a deep link to /login and keeps where they were going", async () => {
    history.replaceState(null, "", "/sites/mrf_abc123?period=7d");
    mockApi(() => ({ status: 401, body: { error: { code: 401, message: "Log in first." } } }));
    render(<App />);
    expect(await screen.findByRole("heading", { name: "Log in to DataSaaS" })).toBeTruthy();
    expect(location.pathname).toBe("/login");
    expect(new URLSearchParams(location.search).get("next")).toBe("/sites/mrf_abc123?period=7d");
  });

  it("shows a message instead of a blank page when a screen crashes", () => {
    const Broken = () => {
      throw new Error("kaboom");
    };
    const original = console.error;
    console.error = () => {};
    try {
      render(
        <ErrorBoundary>
          <Broken />
        </ErrorBoundary>,
      );
    } finally {
      console.error = original;
    }
    expect(screen.getByRole("alert").textContent).toContain("kaboom");
    expect(screen.getByRole("button", { name: "Reload the page" })).toBeTruthy();
  });

  it("shows a site's 404 as an error with a way back", async () => {
    history.replaceState(null, "", "/sites/mrf_gone");
    mockApi((c) => {
      if (c.url.pathname === "/api/me") return { body: { id: "u1", email: "me@example.com", name: "Me" } };
      if (c.url.pathname === "/api/websites/mrf_gone")
        return { status: 404, body: { error: { code: 404, message: "Website not found." } } };
      return { body: {} };
    });
    render(<App />);
    expect((await screen.findByRole("alert")).textContent).toContain("Website not found.");
    expect(screen.getByRole("link", { name: "Back to your websites" })).toBeTruthy();
  });

  it("renders the dashboard for a site from the URL", async () => {
    history.replaceState(null, "", "/sites/mrf_abc123?period=7d&country[is]=US");
    const calls = mockApi((c) => {
      if (c.url.pathname === "/api/me") return { body: { id: "u1", email: "me@example.com", name: "Me" } };
      if (c.url.pathname === "/api/websites/mrf_abc123") return { body: site };
      if (c.url.pathname === "/api/v1/overview") return { body: { results: { visitors: 12 }, previous: { visitors: 6 }, meta } };
      if (c.url.pathname === "/api/realtime") return { body: { online: 1 } };
      if (c.url.pathname === "/api/websites/mrf_abc123/goals") return { body: { goals: [] } };
      return { body: { results: [], meta: { ...meta, total: 0 } } };
    });
    render(<App />);
    await waitFor(() => expect(screen.getByTestId("kpi-visitors").textContent).toBe("12"));
    expect(screen.getByTestId("kpi-change-visitors").textContent).toBe("+100%");
    expect(screen.getByText("Country is United States")).toBeTruthy();
    const overview = calls.find((c) => c.url.pathname === "/api/v1/overview")!;
    expect(overview.url.searchParams.get("country[is]")).toBe("US");
    expect(overview.url.searchParams.get("compare")).toBe("previous_period");
    expect(screen.getByText("IP Geolocation by DB-IP").getAttribute("href")).toBe("https://db-ip.com");
  });
});

describe("date range picker", () => {
  it("writes the chosen preset to the URL and keeps filters", () => {
    history.replaceState(null, "", "/sites/s1?period=7d&country[is]=US");
    render(<DateRangePicker preset="7d" range={{ start: "2026-03-09", end: "2026-03-15" }} today="2026-03-15" />);
    fireEvent.change(screen.getByLabelText("Date range"), { target: { value: "lastmonth" } });
    const q = new URLSearchParams(location.search);
    expect(q.get("period")).toBe("lastmonth");
    expect(q.get("country[is]")).toBe("US");
  });

  it("applies a custom range and refuses one that ends before it starts", () => {
    history.replaceState(null, "", "/sites/s1");
    render(<DateRangePicker preset="30d" range={{ start: "2026-02-14", end: "2026-03-15" }} today="2026-03-15" />);
    fireEvent.change(screen.getByLabelText("Date range"), { target: { value: "custom" } });
    fireEvent.input(screen.getByLabelText("From"), { target: { value: "2026-03-10" } });
    fireEvent.input(screen.getByLabelText("To"), { target: { value: "2026-03-01" } });
    fireEvent.click(screen.getByRole("button", { name: "Apply" }));
    expect(screen.getByRole("alert").textContent).toMatch(/start date must be on or before/);
    expect(location.search).toBe("");
    fireEvent.input(screen.getByLabelText("To"), { target: { value: "2026-03-12" } });
    fireEvent.click(screen.getByRole("button", { name: "Apply" }));
    expect(location.search).toBe("?period=custom&from=2026-03-10&to=2026-03-12");
  });
});
