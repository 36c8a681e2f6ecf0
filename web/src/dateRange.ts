/**
 * Date ranges of the dashboard. Every range is a pair of inclusive calendar
 * days (YYYY-MM-DD) in the site's time zone, as the stats API expects; the
 * arithmetic is done on UTC dates so no local-time or DST shift can move a day.
 */
export const PRESETS = ["today", "yesterday", "7d", "30d", "mtd", "lastmonth", "12mo", "custom"] as const;
export type Preset = (typeof PRESETS)[number];

export const PRESET_LABELS: Record<Preset, string> = {
  today: "Today",
  yesterday: "Yesterday",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
  mtd: "Month to date",
  lastmonth: "Last month",
  "12mo": "Last 12 months",
  custom: "Custom range",
};

export interface DateRange {
  start: string;
  end: string;
}

const DAY_MS = 86_400_000;

export function isDay(s: string | null | undefined): s is string {
  if (!s || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = parseDay(s);
  return !Number.isNaN(d.getTime()) && formatDay(d) === s;
}

export function parseDay(s: string): Date {
  return new Date(`${s}T00:00:00Z`);
}

export function formatDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return formatDay(new Date(parseDay(day).getTime() + n * DAY_MS));
}

/** Number of days in an inclusive range. */
export function daysIn(r: DateRange): number {
  return Math.round((parseDay(r.end).getTime() - parseDay(r.start).getTime()) / DAY_MS) + 1;
}

/** Today's date in a time zone, e.g. todayIn("America/New_York"). Falls back to UTC for an unknown zone. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(now);
  } catch {
    return formatDay(now);
  }
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

function firstOfMonth(day: string, monthsBack = 0): string {
  const d = parseDay(day);
  return formatDay(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - monthsBack, 1)));
}

/**
 * The range a preset stands for, given today's date in the site's time zone.
 * "Last N days" ends today (today included); "last 12 months" runs from the first
 * day of the month eleven months ago to today.
 */
export function presetRange(preset: Exclude<Preset, "custom">, today: string): DateRange {
  switch (preset) {
    case "today":
      return { start: today, end: today };
    case "yesterday": {
      const y = addDays(today, -1);
      return { start: y, end: y };
    }
    case "7d":
      return { start: addDays(today, -6), end: today };
    case "30d":
      return { start: addDays(today, -29), end: today };
    case "mtd":
      return { start: firstOfMonth(today), end: today };
    case "lastmonth": {
      const start = firstOfMonth(today, 1);
      return { start, end: addDays(firstOfMonth(today), -1) };
    }
    case "12mo":
      return { start: firstOfMonth(today, 11), end: today };
  }
}

/** The period of the same length right before a range: what "change" is measured against. */
export function previousRange(r: DateRange): DateRange {
  const n = daysIn(r);
  const end = addDays(r.start, -1);
  return { start: addDays(end, -(n - 1)), end };
}

/** Intervals worth offering for a range: hours only up to a week, months only beyond a month. */
export function intervalsFor(r: DateRange): ("hour" | "day" | "week" | "month")[] {
  const n = daysIn(r);
  const out: ("hour" | "day" | "week" | "month")[] = [];
  if (n <= 7) out.push("hour");
  out.push("day");
  if (n >= 14) out.push("week");
  if (n >= 60) out.push("month");
  return out;
}

export function defaultInterval(r: DateRange): "hour" | "day" | "month" {
  const n = daysIn(r);
  if (n <= 2) return "hour";
  if (n <= 92) return "day";
  return "month";
}
