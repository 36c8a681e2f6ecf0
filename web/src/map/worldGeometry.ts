/**
 * Country outlines for the maps, from the world-atlas package (Natural Earth
 * 1:110m, public domain; packaging ISC). This module is loaded on demand so
 * the geometry (~100 KB) stays out of the initial bundle. Projection is plain
 * equirectangular, cropped to 84°N..58°S (Antarctica is dropped).
 */
import type { GeometryCollection, Topology } from "topojson-specification";
import { feature } from "topojson-client";
import world from "world-atlas/countries-110m.json";
import { NUMERIC_TO_ALPHA2 } from "./countryCodes";
import { MAP_HEIGHT, MAP_WIDTH, project, type CountryShape } from "./projection";

const BY_NAME: Record<string, string> = { Kosovo: "XK", Somaliland: "SO", "N. Cyprus": "CY" };

type Ring = [number, number][];

function ringPath(ring: Ring): string {
  // Rings that cross the antimeridian (Russia, Fiji) are kept in one piece by
  // moving their western half east of 180°; the part past the edge is clipped.
  let crosses = false;
  for (let i = 1; i < ring.length; i++) if (Math.abs(ring[i][0] - ring[i - 1][0]) > 180) crosses = true;
  let d = "";
  ring.forEach(([lon, lat], i) => {
    const [x, y] = project(crosses && lon < 0 ? lon + 360 : lon, lat);
    d += `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`;
  });
  return `${d}Z`;
}

export function buildShapes(): CountryShape[] {
  const topo = world as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const fc = feature(topo, topo.objects.countries);
  const shapes: CountryShape[] = [];
  for (const f of fc.features) {
    if (f.id === "010" || !f.geometry) continue;
    const g = f.geometry;
    const polygons: Ring[][] =
      g.type === "Polygon" ? [g.coordinates as Ring[]] : g.type === "MultiPolygon" ? (g.coordinates as Ring[][]) : [];
    const d = polygons.map((p) => p.map(ringPath).join("")).join("");
    const name = f.properties?.name ?? "";
    shapes.push({ code: NUMERIC_TO_ALPHA2[String(f.id)] ?? BY_NAME[name] ?? "", name, d });
  }
  return shapes;
}

export { MAP_HEIGHT, MAP_WIDTH };
