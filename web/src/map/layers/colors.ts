import type { TraceKind } from '@onemap/graph-schema';
/** Colour ramps shared by layers and their legends (RGB). */
export type RGB = [number, number, number];

export const CHOROPLETH: RGB[] = [
  [255, 247, 236],
  [254, 232, 200],
  [253, 212, 158],
  [253, 187, 132],
  [252, 141, 89],
  [239, 101, 72],
  [215, 48, 31],
  [153, 0, 0],
];

export const DENSITY: RGB[] = [
  [1, 152, 189],
  [73, 227, 206],
  [216, 254, 181],
  [254, 237, 177],
  [254, 173, 84],
  [209, 55, 78],
];

/** Place kinds as the server names them (FacilityQuery.kind). */
export const PLACE_COLORS: Record<string, RGB> = {
  hotel: [214, 39, 40],
  internet_cafe: [148, 103, 189],
  rail_station: [31, 119, 180],
  checkpoint: [255, 127, 14],
  company: [44, 160, 44],
  incident_site: [140, 86, 75],
  other: [120, 120, 120],
};

/**
 * One colour per trace kind the server sends (`VISITED.kind`, graph-schema `TRACE_KINDS`): typed
 * over the whole list, so a new kind fails the build instead of drawing grey.
 */
export const TRACE_KIND_COLORS: Record<TraceKind, RGB> = {
  hotel_stay: [214, 39, 40],
  internet_login: [148, 103, 189],
  rail_departure: [31, 119, 180],
  rail_arrival: [23, 190, 207],
  checkpoint_pass: [255, 127, 14],
  incident: [140, 86, 75],
  residence: [44, 160, 44],
};
/** A kind the app does not know yet (shown in the legend as it came). */
export const UNKNOWN_TRACE_COLOR: RGB = [120, 120, 120];

export function traceColor(kind: string): RGB {
  return (TRACE_KIND_COLORS as Record<string, RGB>)[kind] ?? UNKNOWN_TRACE_COLOR;
}

export function rgbCss([r, g, b]: RGB, a = 1): string {
  return `rgba(${r},${g},${b},${a})`;
}

/** Maps a value to a ramp step, given the maximum (linear in sqrt to spread small counts). */
export function rampColor(ramp: RGB[], value: number, max: number): RGB {
  if (max <= 0) return ramp[0] ?? [0, 0, 0];
  const i = Math.min(ramp.length - 1, Math.floor(Math.sqrt(value / max) * (ramp.length - 1) + 0.5));
  return ramp[i] ?? [0, 0, 0];
}
