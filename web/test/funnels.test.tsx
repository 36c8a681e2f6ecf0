import { fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { describe, expect, it, vi } from "vitest";
import { toWebsite } from "../src/api";
import { stepFilter, type FunnelResult } from "../src/funnels";
import { FunnelBars, FunnelsPage } from "../src/pages/FunnelsPage";
import { mockApi, site as siteJson } from "./helpers";

const site = toWebsite(siteJson);

const funnelView = {
  id: "fun_1",
  website_id: "mrf_abc123",
  name: "Signup flow",
  steps: [
    { name: "Home", type: "pageview", url: "/", goal_name: null },
    { name: "Any post", type: "pageview", url: "/blog/*", goal_name: null },
    { name: "Signed up", type: "goal", url: null, goal_name: "signup" },
  ],
  created_at: "2026-11-01T10:00:00Z",
  updated_at: "2026-11-01T10:00:00Z",
};

const answer = {
  results: {
    funnel_id: "fun_1",
    name: "Signup flow",
    steps: [
      {
        name: "Home",
        type: "pageview",
        url: "/",
        goal_name: null,
        visitors: 200,
        conversion_rate: 100,
        dropoff: 0,
        dropoff_rate: 0,
      },
      {
        name: "Any post",
        type: "pageview",
        url: "/blog/*",
        goal_name: null,
        visitors: 80,
        conversion_rate: 40,
        dropoff: 120,
        dropoff_rate: 60,
      },
      {
        name: "Signed up",
        type: "goal",
        url: null,
        goal_name: "signup",
        visitors: 20,
        conversion_rate: 10,
        dropoff: 60,
        dropoff_rate: 75,
      },
    ],
    entered: 200,
    completed: 20,
    conversion_rate: 10,
    revenue: 490.5,
    currency: "USD",
  },
  meta: { site_id: "mrf_abc123", start: "2026-11-01", end: "2026-11-07", timezone: "UTC", currency: "USD" },
};

function api(
  extra: (c: { method: string; url: URL; body: unknown }) => { status?: number; body?: unknown } | undefined = () => undefined,
) {
  return mockApi((c) => {
    const own = extra(c);
    if (own) return own;
    if (c.url.pathname === "/api/websites/mrf_abc123/funnels" && c.method === "GET") return { body: { funnels: [funnelView] } };
    if (c.url.pathname === "/api/v1/funnels/fun_1") return { body: answer };
    return undefined;
  });
}

describe("funnel bars", () => {
  const result: FunnelResult = {
    id: "fun_1",
    name: "Signup flow",
    entered: 200,
    completed: 20,
    conversionRate: 10,
    revenue: 490.5,
    currency: "USD",
    steps: answer.results.steps.map((s) => ({
      name: s.name,
      type: s.type as "pageview" | "goal",
      url: s.url,
      goalName: s.goal_name,
      visitors: s.visitors,
      conversionRate: s.conversion_rate,
      dropoff: s.dropoff,
      dropoffRate: s.dropoff_rate,
    })),
  };

  it("draws one bar per step, as wide as its share of step 1, with drop-off from the step before", () => {
    render(<FunnelBars result={result} onStep={() => {}} />);
    const steps = screen.getAllByTestId("funnel-step");
    expect(steps).toHaveLength(3);
    expect(steps.map((s) => (s.querySelector(".bar") as HTMLElement).style.width)).toEqual(["100%", "40%", "10%"]);
    expect(screen.getAllByTestId("step-visitors").map((e) => e.textContent)).toEqual(["200", "80", "20"]);
    expect(screen.getAllByTestId("step-dropoff").map((e) => e.textContent?.trim())).toEqual(["· −120 (60%)", "· −60 (75%)"]);
    expect(screen.getByTestId("funnel-rate").textContent).toBe("10%");
    expect(screen.getByTestId("funnel-revenue").textContent).toBe("$490.50");
    expect(screen.getByTestId("funnel-completed").textContent).toBe("20");
  });

  it("a click on a step hands over the funnel and the step's number", () => {
    const onStep = vi.fn();
    render(<FunnelBars result={result} onStep={onStep} />);
    fireEvent.click(screen.getAllByRole("button")[2]);
    expect(onStep).toHaveBeenCalledWith(result.id, 3);
  });

  it("a step becomes the funnel_step filter of the stats API", () => {
    expect(stepFilter("fun_1", 2)).toEqual({ dimension: "funnel_step", op: "is", values: ["fun_1:2"] });
  });
});

describe("funnels page", () => {
  it("shows the first funnel's numbers for the dashboard's range and filters", async () => {
    history.replaceState(null, "", "/sites/mrf_abc123/funnels?period=custom&from=2026-11-01&to=2026-11-07&country[is]=DE");
    const calls = api();
    render(<FunnelsPage site={site} />);
    expect(await screen.findByRole("tab", { name: "Signup flow" })).toBeTruthy();
    await waitFor(() => expect(screen.getAllByTestId("funnel-step")).toHaveLength(3));
    const asked = calls.find((c) => c.url.pathname === "/api/v1/funnels/fun_1")!.url.searchParams;
    expect(asked.get("site_id")).toBe("mrf_abc123");
    expect(asked.get("start")).toBe("2026-11-01");
    expect(asked.get("end")).toBe("2026-11-07");
    expect(asked.get("country[is]")).toBe("DE");
  });

  it("a click on a step opens the dashboard filtered to that step, keeping range and filters", async () => {
    history.replaceState(null, "", "/sites/mrf_abc123/funnels?period=7d&funnel=fun_1&country[is]=DE");
    api();
    render(<FunnelsPage site={site} />);
    await waitFor(() => expect(screen.getAllByTestId("funnel-step")).toHaveLength(3));
    fireEvent.click(screen.getAllByTestId("funnel-step")[1].querySelector("button")!);
    expect(location.pathname).toBe("/sites/mrf_abc123");
    const q = new URLSearchParams(location.search);
    expect(q.get("period")).toBe("7d");
    expect(q.get("country[is]")).toBe("DE");
    expect(q.get("funnel_step[is]")).toBe("fun_1:2");
    expect(q.has("pathname[contains]")).toBe(false);
    expect(q.has("funnel")).toBe(false);
  });

  it("with no funnels, explains them; the form creates one with the steps as typed", async () => {
    let created = false;
    const calls = mockApi((c) => {
      if (c.url.pathname === "/api/websites/mrf_abc123/funnels" && c.method === "GET")
        return { body: { funnels: created ? [funnelView] : [] } };
      if (c.url.pathname === "/api/websites/mrf_abc123/funnels" && c.method === "POST") {
        created = true;
        return { status: 201, body: funnelView };
      }
      if (c.url.pathname === "/api/v1/funnels/fun_1") return { body: answer };
      return undefined;
    });
    render(<FunnelsPage site={site} />);
    expect(await screen.findByText("No funnels yet")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "New funnel" }));
    fireEvent.input(screen.getByLabelText("Name"), { target: { value: "Signup flow" } });
    fireEvent.click(screen.getByRole("button", { name: "Add step" }));
    const names = screen.getAllByLabelText("Step name");
    expect(names).toHaveLength(3);
    fireEvent.input(names[0], { target: { value: "Home" } });
    fireEvent.input(names[1], { target: { value: "Any post" } });
    fireEvent.input(names[2], { target: { value: "Signed up" } });
    const pages = screen.getAllByLabelText("Page");
    fireEvent.input(pages[0], { target: { value: "/" } });
    fireEvent.input(pages[1], { target: { value: "/blog/*" } });
    fireEvent.change(screen.getAllByLabelText("Type")[2], { target: { value: "goal" } });
    fireEvent.input(screen.getByLabelText("Goal name"), { target: { value: "SignUp" } });
    fireEvent.click(screen.getByRole("button", { name: "Create funnel" }));
    await waitFor(() => expect(calls.some((c) => c.method === "POST")).toBe(true));
    expect(calls.find((c) => c.method === "POST")!.body).toEqual({
      name: "Signup flow",
      steps: [
        { name: "Home", type: "pageview", url: "/" },
        { name: "Any post", type: "pageview", url: "/blog/*" },
        { name: "Signed up", type: "goal", goal_name: "signup" },
      ],
    });
    await waitFor(() => expect(screen.getAllByTestId("funnel-step")).toHaveLength(3));
  });

  it("shows the server's refusal, naming the step", async () => {
    api((c) =>
      c.method === "PUT"
        ? { status: 400, body: { error: { code: 400, message: "steps[1].url must be a page path starting with '/'" } } }
        : undefined,
    );
    render(<FunnelsPage site={site} />);
    fireEvent.click(await screen.findByRole("button", { name: "Edit" }));
    expect((screen.getByLabelText("Name") as HTMLInputElement).value).toBe("Signup flow");
    fireEvent.click(screen.getByRole("button", { name: "Save funnel" }));
    expect((await screen.findByRole("alert")).textContent).toContain("steps[1].url must be");
  });

  it("offers at most 8 steps and never fewer than 2", async () => {
    mockApi((c) => (c.url.pathname === "/api/websites/mrf_abc123/funnels" ? { body: { funnels: [] } } : undefined));
    render(<FunnelsPage site={site} />);
    fireEvent.click(await screen.findByRole("button", { name: "New funnel" }));
    expect(screen.queryByRole("button", { name: /Remove step/ })).toBeNull();
    for (let i = 0; i < 6; i++) fireEvent.click(screen.getByRole("button", { name: "Add step" }));
    expect(screen.getAllByLabelText("Step name")).toHaveLength(8);
    expect(screen.queryByRole("button", { name: "Add step" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Remove step 3" }));
    expect(screen.getAllByLabelText("Step name")).toHaveLength(7);
  });
});
