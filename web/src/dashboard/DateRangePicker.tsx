import { useState } from "preact/hooks";
import { PRESETS, PRESET_LABELS, isDay, type DateRange, type Preset } from "../dateRange";
import { setQuery, useLocation } from "../router";

/** Preset ranges in a select; "Custom range" reveals two date fields. Writes period/from/to to the URL. */
export function DateRangePicker({ preset, range, today }: { preset: Preset; range: DateRange; today: string }) {
  const { query } = useLocation();
  const [custom, setCustom] = useState(preset === "custom");
  const [from, setFrom] = useState(range.start);
  const [to, setTo] = useState(range.end);
  const [error, setError] = useState("");

  const choose = (p: Preset) => {
    if (p === "custom") {
      setCustom(true);
      setFrom(range.start);
      setTo(range.end);
      return;
    }
    setCustom(false);
    const next = new URLSearchParams(query);
    next.set("period", p);
    next.delete("from");
    next.delete("to");
    next.delete("interval");
    setQuery(next);
  };

  const applyCustom = (e: Event) => {
    e.preventDefault();
    if (!isDay(from) || !isDay(to)) return setError("Pick both dates.");
    if (from > to) return setError("The start date must be on or before the end date.");
    if (to > today) return setError("The end date cannot be in the future.");
    setError("");
    const next = new URLSearchParams(query);
    next.set("period", "custom");
    next.set("from", from);
    next.set("to", to);
    next.delete("interval");
    setQuery(next);
  };

  return (
    <div class="range-picker">
      <label class="sr-only" for="range-preset">
        Date range
      </label>
      <select id="range-preset" value={custom ? "custom" : preset} onChange={(e) => choose(e.currentTarget.value as Preset)}>
        {PRESETS.map((p) => (
          <option key={p} value={p}>
            {PRESET_LABELS[p]}
          </option>
        ))}
      </select>
      {custom && (
        <form class="custom-range" onSubmit={applyCustom} aria-label="Custom date range">
          <label>
            From <input type="date" value={from} max={today} onInput={(e) => setFrom(e.currentTarget.value)} />
          </label>
          <label>
            To <input type="date" value={to} max={today} onInput={(e) => setTo(e.currentTarget.value)} />
          </label>
          <button type="submit" class="btn btn-small btn-primary">
            Apply
          </button>
          {error && (
            <span class="field-error" role="alert">
              {error}
            </span>
          )}
        </form>
      )}
      <span class="muted small range-text">{range.start === range.end ? range.start : `${range.start} – ${range.end}`}</span>
    </div>
  );
}
