/**
 * The world map used by the Locations panel (countries shaded by visitors) and
 * the realtime view (a dot per visitor). The outlines load lazily on first use.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { countryName, formatNumber } from "../format";
import { MAP_HEIGHT, MAP_WIDTH, project, type CountryShape } from "./projection";

let shapesPromise: Promise<CountryShape[]> | null = null;
function loadShapes(): Promise<CountryShape[]> {
  shapesPromise ??= import("./worldGeometry").then((m) => m.buildShapes());
  return shapesPromise;
}

function useShapes(): { shapes: CountryShape[] | null; error: Error | null } {
  const [shapes, setShapes] = useState<CountryShape[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    let live = true;
    loadShapes().then(
      (s) => live && setShapes(s),
      (e: Error) => {
        shapesPromise = null;
        if (live) setError(e);
      },
    );
    return () => {
      live = false;
    };
  }, []);
  return { shapes, error };
}

export interface MapDot {
  key: string;
  latitude: number;
  longitude: number;
  /** Lines of plain text shown on hover/focus. */
  details: string[];
  /** Where a click (or Enter) on the dot goes, e.g. the visitor's page. */
  onOpen?: () => void;
  /** An extra class for the dot's colour, e.g. the visitor's conversion likelihood band. */
  tone?: string;
}

export function WorldMap({
  values,
  onSelectCountry,
  dots,
  label,
  children,
}: {
  values?: Map<string, number>;
  onSelectCountry?: (code: string) => void;
  dots?: MapDot[];
  label: string;
  children?: ComponentChildren;
}) {
  const { shapes, error } = useShapes();
  const [hover, setHover] = useState<{ x: number; y: number; lines: string[] } | null>(null);
  if (error) return <p class="muted">The map could not be loaded ({error.message}).</p>;
  if (!shapes) return <div class="skeleton map-skeleton" aria-hidden="true" />;
  const max = Math.max(1, ...(values ? [...values.values()] : [0]));
  const showAt = (x: number, y: number, lines: string[]) =>
    setHover({ x: (x / MAP_WIDTH) * 100, y: (y / MAP_HEIGHT) * 100, lines });
  return (
    <div class="map-wrap">
      <svg
        class="world"
        viewBox={`0 0 ${MAP_WIDTH} ${MAP_HEIGHT}`}
        role="img"
        aria-label={label}
        onPointerLeave={() => setHover(null)}
      >
        {shapes.map((s, i) => {
          const v = values?.get(s.code) ?? 0;
          const interactive = v > 0 && onSelectCountry;
          const text = `${countryName(s.code) || s.name}: ${formatNumber(v)} visitor${v === 1 ? "" : "s"}`;
          return (
            <path
              key={`${s.code}-${i}`}
              d={s.d}
              class={v > 0 ? "country has-data" : "country"}
              style={v > 0 ? { fillOpacity: 0.25 + 0.75 * (v / max) } : undefined}
              tabIndex={interactive ? 0 : undefined}
              role={interactive ? "button" : undefined}
              aria-label={interactive ? `Filter by ${text}` : undefined}
              onPointerMove={
                v > 0
                  ? (e) => {
                      const r = (e.currentTarget.ownerSVGElement as SVGSVGElement).getBoundingClientRect();
                      showAt(((e.clientX - r.left) / r.width) * MAP_WIDTH, ((e.clientY - r.top) / r.height) * MAP_HEIGHT, [text]);
                    }
                  : undefined
              }
              onClick={interactive ? () => onSelectCountry(s.code) : undefined}
              onKeyDown={
                interactive
                  ? (e) => {
                      if (e.key === "Enter" || e.key === " ") {
                        e.preventDefault();
                        onSelectCountry(s.code);
                      }
                    }
                  : undefined
              }
            />
          );
        })}
        {dots?.map((d) => {
          const [x, y] = project(d.longitude, d.latitude);
          return (
            <circle
              key={d.key}
              cx={x}
              cy={y}
              r={5}
              class={d.tone ? `visitor-dot ${d.tone}` : "visitor-dot"}
              tabIndex={0}
              role={d.onOpen ? "link" : undefined}
              aria-label={d.details.join(", ")}
              onClick={d.onOpen}
              onKeyDown={
                d.onOpen
                  ? (e) => {
                      if (e.key === "Enter") d.onOpen?.();
                    }
                  : undefined
              }
              onPointerEnter={() => showAt(x, y, d.details)}
              onFocus={() => showAt(x, y, d.details)}
              onBlur={() => setHover(null)}
            />
          );
        })}
      </svg>
      {hover && (
        <div class="map-tip" style={{ left: `${hover.x}%`, top: `${hover.y}%` }} role="tooltip">
          {hover.lines.map((l, i) => (
            <div key={i}>{l}</div>
          ))}
        </div>
      )}
      {children}
    </div>
  );
}
