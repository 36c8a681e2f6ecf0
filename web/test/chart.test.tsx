import { fireEvent, render, screen } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { LineChart, bucketLabel } from "../src/dashboard/LineChart";

describe("main chart", () => {
  it("labels buckets without shifting them by the browser's time zone", () => {
    expect(bucketLabel("2026-11-26", "day")).toBe("Nov 26");
    expect(bucketLabel("2026-11-26T13:00:00", "hour")).toBe("13:00");
    expect(bucketLabel("2026-11-26 13:00", "hour", true)).toBe("Nov 26 13:00");
    expect(bucketLabel("2026-11-01", "month")).toBe("Nov 2026");
  });

  it("draws the current and the previous period, and reads points with the arrow keys", () => {
    const { container } = render(
      <LineChart
        name="Visitors"
        format={(v) => String(v ?? "-")}
        points={[
          { label: "Mar 1", value: 3, previous: 1, previousLabel: "Feb 27" },
          { label: "Mar 2", value: 5, previous: 2, previousLabel: "Feb 28" },
        ]}
      />,
    );
    expect(container.querySelector(".line-current")).toBeTruthy();
    expect(container.querySelector(".line-previous")).toBeTruthy();
    const chart = screen.getByRole("img", { name: /Visitors over time/ });
    fireEvent.keyDown(chart, { key: "ArrowRight" });
    fireEvent.keyDown(chart, { key: "ArrowRight" });
    expect(container.querySelector(".tip-label")?.textContent).toBe("Mar 2");
    expect(container.querySelector(".tip-prev")?.textContent).toBe("Feb 28: 2");
  });
});
