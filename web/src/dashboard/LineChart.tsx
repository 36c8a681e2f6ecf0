/**
 * The main chart: one metric over time, the previous period as a faint dashed
 * line. Hand-rolled SVG (a chart library would outweigh the whole app).
 * Hover or focus it and use the arrow keys to read each point.
 */
import { useEffect, useRef, useState } from "preact/hooks";

export interface ChartPoint {
  label: string;
  value: number | null;
  previous?: number | null;
  previousLabel?: string;
}

const PAD = { top: 12, right: 12, bottom: 26, left: 44 };

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export function LineChart({
  points,
  format,
  name,
}: {
  points: ChartPoint[];
  format: (v: number | null) => string;
  name: string;
}) {
  const [active, setActive] = useState<number | null>(null);
  // Drawn at the real pixel width (not scaled), so labels stay readable on a phone.
  const wrap = useRef<HTMLDivElement>(null);
  const [W, setW] = useState(800);
  useEffect(() => {
    const el = wrap.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(() => el.clientWidth > 0 && setW(Math.round(el.clientWidth)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const H = W < 500 ? 200 : 240;
  const n = points.length;
  const max = niceMax(Math.max(0, ...points.map((p) => Math.max(p.value ?? 0, p.previous ?? 0))));
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (n <= 1 ? iw / 2 : (i / (n - 1)) * iw);
  const y = (v: number) => PAD.top + ih - (v / max) * ih;
  const path = (get: (p: ChartPoint) => number | null | undefined) => {
    let d = "";
    let pen = false;
    points.forEach((p, i) => {
      const v = get(p);
      if (v == null) {
        pen = false;
        return;
      }
      d += `${pen ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    return d;
  };
  const current = path((p) => p.value);
  const previous = path((p) => p.previous);
  const area = current && n > 1 ? `${current}L${x(n - 1).toFixed(1)},${y(0)}L${x(0).toFixed(1)},${y(0)}Z` : "";
  const labelEvery = Math.max(1, Math.ceil(n / Math.max(2, Math.floor(W / 90))));
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((t) => t * max);

  const pick = (clientX: number, svg: SVGSVGElement) => {
    const r = svg.getBoundingClientRect();
    if (!r.width || n === 0) return;
    const vx = ((clientX - r.left) / r.width) * W;
    const i = n <= 1 ? 0 : Math.round(((vx - PAD.left) / iw) * (n - 1));
    setActive(Math.max(0, Math.min(n - 1, i)));
  };

  const a = active != null ? points[active] : null;
  const tipX = active != null ? Math.min(Math.max(x(active) - 80, PAD.left), W - PAD.right - 160) : 0;

  return (
    <div ref={wrap} class="chart-wrap">
      <svg
        class="chart"
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`${name} over time. Focus and use the arrow keys to read values.`}
        tabIndex={0}
        onPointerMove={(e) => pick(e.clientX, e.currentTarget)}
        onPointerLeave={() => setActive(null)}
        onBlur={() => setActive(null)}
        onKeyDown={(e) => {
          if (e.key === "ArrowRight") setActive((i) => Math.min(n - 1, (i ?? -1) + 1));
          else if (e.key === "ArrowLeft") setActive((i) => Math.max(0, (i ?? n) - 1));
          else return;
          e.preventDefault();
        }}
      >
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} class="grid" />
            <text x={PAD.left - 6} y={y(t) + 4} class="axis" text-anchor="end">
              {format(t)}
            </text>
          </g>
        ))}
        {points.map((p, i) =>
          i % labelEvery === 0 ? (
            <text key={i} x={x(i)} y={H - 8} class="axis" text-anchor="middle">
              {p.label}
            </text>
          ) : null,
        )}
        {previous && <path d={previous} class="line-previous" />}
        {area && <path d={area} class="line-area" />}
        {current && <path d={current} class="line-current" />}
        {n === 1 && points[0].value != null && <circle cx={x(0)} cy={y(points[0].value)} r={4} class="dot-current" />}
        {a && active != null && (
          <g class="tip" aria-hidden="true">
            <line x1={x(active)} x2={x(active)} y1={PAD.top} y2={PAD.top + ih} class="cursor" />
            {a.value != null && <circle cx={x(active)} cy={y(a.value)} r={4} class="dot-current" />}
            <rect x={tipX} y={PAD.top} width={160} height={a.previous !== undefined ? 50 : 32} rx={4} class="tip-box" />
            <text x={tipX + 8} y={PAD.top + 14} class="tip-label">
              {a.label}
            </text>
            <text x={tipX + 8} y={PAD.top + 28} class="tip-value">
              {format(a.value)}
            </text>
            {a.previous !== undefined && (
              <text x={tipX + 8} y={PAD.top + 43} class="tip-prev">
                {`${a.previousLabel ?? "before"}: ${format(a.previous ?? null)}`}
              </text>
            )}
          </g>
        )}
        {a && (
          <text class="sr-only" aria-live="polite">
            {`${a.label}: ${format(a.value)}`}
          </text>
        )}
      </svg>
    </div>
  );
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Formats a bucket time from the API (hours get the day too when the range spans several days) ("2026-11-26", "2026-11-26T13:00:00", "2026-11-26 13:00") without time-zone shifts. */
export function bucketLabel(time: string, interval: string, withDay = false): string {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?(?:[T ](\d{2}):(\d{2}))?/.exec(time);
  if (!m) return time;
  const month = MONTHS[Number(m[2]) - 1] ?? m[2];
  if (interval === "hour" && m[4]) return withDay ? `${month} ${Number(m[3])} ${m[4]}:${m[5]}` : `${m[4]}:${m[5]}`;
  if (interval === "month") return `${month} ${m[1]}`;
  return `${month} ${Number(m[3] ?? 1)}`;
}
