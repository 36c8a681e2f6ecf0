import { describe, expect, it } from "vitest";
import { defaultInterval, previousRange, presetRange, todayIn } from "../src/dateRange";
import { readState } from "../src/dashboard/urlState";

describe("date range presets", () => {
  const today = "2026-03-15";
  it.each([
    ["today", "2026-03-15", "2026-03-15"],
    ["yesterday", "2026-03-14", "2026-03-14"],
    ["7d", "2026-03-09", "2026-03-15"],
    ["30d", "2026-02-14", "2026-03-15"],
    ["mtd", "2026-03-01", "2026-03-15"],
    ["lastmonth", "2026-02-01", "2026-02-28"],
    ["12mo", "2025-04-01", "2026-03-15"],
  ] as const)("%s runs from %s to %s", (preset, start, end) => {
    expect(presetRange(preset, today)).toEqual({ start, end });
  });

  it("last month knows leap years and crosses the year", () => {
    expect(presetRange("lastmonth", "2024-03-10")).toEqual({ start: "2024-02-01", end: "2024-02-29" });
    expect(presetRange("lastmonth", "2026-01-05")).toEqual({ start: "2025-12-01", end: "2025-12-31" });
    expect(presetRange("yesterday", "2026-01-01")).toEqual({ start: "2025-12-31", end: "2025-12-31" });
  });

  it("the previous period has the same length and ends the day before", () => {
    expect(previousRange({ start: "2026-03-09", end: "2026-03-15" })).toEqual({ start: "2026-03-02", end: "2026-03-08" });
    expect(previousRange({ start: "2026-03-01", end: "2026-03-01" })).toEqual({ start: "2026-02-28", end: "2026-02-28" });
  });

  it("today is taken in the site's time zone", () => {
    const now = new Date("2026-03-15T02:00:00Z");
    expect(todayIn("America/New_York", now)).toBe("2026-03-14");
    expect(todayIn("Asia/Tokyo", now)).toBe("2026-03-15");
    expect(todayIn("Not/AZone", now)).toBe("2026-03-15");
  });

  it("reads a custom range from the URL and falls back to 30 days when it is invalid", () => {
    const ok = readState(new URLSearchParams("period=custom&from=2026-01-01&to=2026-01-31"), today);
    expect(ok.range).toEqual({ start: "2026-01-01", end: "2026-01-31" });
    const bad = readState(new URLSearchParams("period=custom&from=2026-02-30&to=2026-01-31"), today);
    expect(bad.preset).toBe("30d");
    expect(bad.range).toEqual(presetRange("30d", today));
  });

  it("picks hourly buckets for a day and monthly for a year", () => {
    expect(defaultInterval(presetRange("today", today))).toBe("hour");
    expect(defaultInterval(presetRange("30d", today))).toBe("day");
    expect(defaultInterval(presetRange("12mo", today))).toBe("month");
  });
});
