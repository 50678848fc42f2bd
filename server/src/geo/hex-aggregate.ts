import { EventLoopSlices } from '@onemap/graph-schema/server';
import { cellToLatLng, latLngToCell } from 'h3-js';

/** H3 resolution of density layers when none is asked for (~5 km² cells). */
export const DEFAULT_HEX_RESOLUTION = 7;

/** A place with what was counted there: distinct subjects and traces. */
export interface CountedPoint {
  lon: number;
  lat: number;
  subjects: readonly string[];
  /** of the subjects, the persons (optional: then the cell counts them too, for k-anonymity) */
  persons?: readonly string[];
  traces: number;
}

/** One H3 cell of the aggregate, at the cell's centre. */
export interface HexCell {
  h3: string;
  lon: number;
  lat: number;
  /** distinct subjects over every place in the cell (a subject seen at two places counts once) */
  subjects: number;
  /** distinct persons over every place in the cell, when the points name them */
  persons?: number;
  traces: number;
}

/** Options of `hexAggregate`. */
export interface HexAggregateOptions {
  /** H3 resolution 0–15; default `DEFAULT_HEX_RESOLUTION` */
  resolution?: number;
}

/**
 * How long `hexAggregate` works before it lets the server's event loop turn (ms): a day's hexbin at
 * a million persons is ~55,000 places and 110,000 subjects, ~190 ms of H3 and set work — every
 * request of the process waited that long at each background refresh of the layer (docs/api.md,
 * "An open loop for `--rate`").
 */
export const HEX_SLICE_MS = 4;

/**
 * Aggregates counted places onto H3 hexagons. H3 rather than a turf hexGrid: cells have stable
 * ids at every resolution (the web renders them by id with deck.gl's H3HexagonLayer) and no grid
 * has to be laid over the province first. Suppression (k-anonymity) is the caller's.
 * @param points places with their distinct subjects and trace counts
 * @param options `resolution` (default `DEFAULT_HEX_RESOLUTION`)
 * @returns cells, most subjects first (ties by cell id)
 * (Asynchronous only to let the event loop turn every `HEX_SLICE_MS`.)
 * @example await hexAggregate([{ lon: 103.83, lat: 36.06, subjects: ['P-1'], traces: 3 }], { resolution: 7 }) // one cell, 1 subject, 3 traces
 */
export async function hexAggregate(points: readonly CountedPoint[], options: HexAggregateOptions = {}): Promise<HexCell[]> {
  const resolution = options.resolution ?? DEFAULT_HEX_RESOLUTION;
  const cells = new Map<string, { subjects: Set<string>; persons: Set<string> | null; traces: number }>();
  const slices = new EventLoopSlices(HEX_SLICE_MS);
  for (const p of points) {
    if (slices.due()) await slices.turn();
    const id = latLngToCell(p.lat, p.lon, resolution);
    const c = cells.get(id) ?? { subjects: new Set<string>(), persons: null, traces: 0 };
    for (const s of p.subjects) c.subjects.add(s);
    if (p.persons) {
      c.persons ??= new Set<string>();
      for (const s of p.persons) c.persons.add(s);
    }
    c.traces += p.traces;
    cells.set(id, c);
  }
  const out: HexCell[] = [];
  for (const [h3, c] of cells) {
    if (slices.due()) await slices.turn();
    const [lat, lon] = cellToLatLng(h3);
    out.push({ h3, lon, lat, subjects: c.subjects.size, ...(c.persons ? { persons: c.persons.size } : {}), traces: c.traces });
  }
  return out.sort((a, b) => b.subjects - a.subjects || (a.h3 < b.h3 ? -1 : a.h3 > b.h3 ? 1 : 0));
}
