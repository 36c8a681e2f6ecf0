/** Equirectangular projection shared by the outlines and the visitor dots. */
export const MAP_WIDTH = 960;
const K = MAP_WIDTH / 360;
const NORTH = 84;
const SOUTH = -58;
export const MAP_HEIGHT = Math.round((NORTH - SOUTH) * K);

export function project(lon: number, lat: number): [number, number] {
  const clamped = Math.max(SOUTH, Math.min(NORTH, lat));
  return [(lon + 180) * K, (NORTH - clamped) * K];
}

export interface CountryShape {
  /** ISO alpha-2, or "" when the shape has no code. */
  code: string;
  name: string;
  /** SVG path data in the MAP_WIDTH x MAP_HEIGHT box. */
  d: string;
}
