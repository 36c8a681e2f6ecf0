import { render, screen } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { KpiCards } from "../src/dashboard/KpiCards";
import { formatChange, kpiChange } from "../src/format";
import { APPROXIMATE_VISITORS, toBreakdown, toOverview } from "../src/api";
import { BarList } from "../src/dashboard/Breakdown";
import { meta, mockApi } from "./helpers";

describe("KPI change", () => {
  it("is a rounded percentage of the previous value for counts", () => {
    expect(kpiChange("visitors", 150, 100)).toEqual({ value: 50, unit: "%", good: true });
    expect(kpiChange("pageviews", 90, 120)).toEqual({ value: -25, unit: "%", good: false });
    expect(kpiChange("sessions", 1, 3)).toEqual({ value: -67, unit: "%", good: false });
    expect(kpiChange("avg_session_duration", 60, 60)).toEqual({ value: 0, unit: "%", good: null });
  });

  it("is in percentage points for bounce rate, where down is good", () => {
    expect(kpiChange("bounce_rate", 40, 50.5)).toEqual({ value: -10.5, unit: "pp", good: true });
    expect(kpiChange("bounce_rate", 60, 50)).toEqual({ value: 10, unit: "pp", good: false });
  });

  it("from zero is 'new', and without a previous value there is no change", () => {
    expect(formatChange(kpiChange("visitors", 5, 0))).toBe("new");
    expect(kpiChange("visitors", 5, null).value).toBeNull();
    expect(formatChange(kpiChange("visitors", 150, 100))).toBe("+50%");
    expect(formatChange(kpiChange("bounce_rate", 40, 50))).toBe("−10 pp");
    expect(formatChange(kpiChange("pageviews", 7, 7))).toBe("no change");
  });

  it("cards show values and changes from the overview", async () => {
    mockApi(() => ({ body: { online: 4 } }));
    render(
      <KpiCards
        siteId="s1"
        loading={false}
        metric="visitors"
        onSelect={() => {}}
        overview={{
          current: {
            visitors: 150,
            sessions: 200,
            pageviews: 400,
            bounce_rate: 40,
            avg_session_duration: 95,
            views_per_session: 2,
          },
          previous: {
            visitors: 100,
            sessions: 200,
            pageviews: 500,
            bounce_rate: 50,
            avg_session_duration: 60,
            views_per_session: 2.5,
          },
        }}
      />,
    );
    expect(screen.getByTestId("kpi-visitors").textContent).toBe("150");
    expect(screen.getByTestId("kpi-change-visitors").textContent).toBe("+50%");
    expect(screen.getByTestId("kpi-change-visitors").className).toContain("up-good");
    expect(screen.getByTestId("kpi-change-pageviews").textContent).toBe("−20%");
    expect(screen.getByTestId("kpi-change-bounce_rate").textContent).toBe("−10 pp");
    expect(screen.getByTestId("kpi-change-bounce_rate").className).toContain("up-good");
    expect(screen.getByTestId("kpi-avg_session_duration").textContent).toBe("1m 35s");
    expect(screen.getByTestId("kpi-change-sessions").textContent).toBe("no change");
    expect(await screen.findByText("4")).toBeTruthy();
  });
});

describe("estimated visitors", () => {
  it("the overview and a breakdown mark visitors the server estimated, with the reason as the title", () => {
    expect(toOverview({ results: { visitors: 2 }, meta: { ...meta, approximate: ["visitors"] } }).approximate).toEqual([
      "visitors",
    ]);
    expect(toBreakdown({ results: [], meta: { ...meta, approximate: ["visitors"] } }, "country").approximate).toEqual([
      "visitors",
    ]);
    mockApi(() => ({ body: { online: 0 } }));
    const { unmount } = render(
      <KpiCards
        siteId="s1"
        loading={false}
        metric="visitors"
        onSelect={() => {}}
        overview={{ current: { visitors: 12000, pageviews: 30000 }, previous: null, approximate: ["visitors"] }}
      />,
    );
    const mark = screen.getByTestId("kpi-visitors").querySelector("[data-testid=approximate]");
    expect(mark?.textContent).toBe("≈");
    expect(mark?.getAttribute("title")).toBe(APPROXIMATE_VISITORS);
    // Only the estimated metric is marked.
    expect(screen.getByTestId("kpi-pageviews").querySelector("[data-testid=approximate]")).toBeNull();
    unmount();
    render(
      <KpiCards
        siteId="s1"
        loading={false}
        metric="visitors"
        onSelect={() => {}}
        overview={{ current: { visitors: 12000 }, previous: null, approximate: [] }}
      />,
    );
    expect(screen.queryByTestId("approximate")).toBeNull();
  });

  it("a breakdown's visitor column is marked when estimated", () => {
    const rows = [{ value: "/", visitors: 10 }];
    const { unmount } = render(<BarList rows={rows} dimension="pathname" onPick={() => {}} approximate />);
    expect(screen.getByTestId("approximate").getAttribute("title")).toBe(APPROXIMATE_VISITORS);
    unmount();
    render(<BarList rows={rows} dimension="pathname" onPick={() => {}} />);
    expect(screen.queryByTestId("approximate")).toBeNull();
  });
});
