import { HexagonLayer } from '@deck.gl/aggregation-layers';
import type { DensityCell } from '../../api/types.ts';
import { DENSITY } from './colors.ts';

/** Positions as one Float32Array [lon0, lat0, lon1, lat1, …] (binary, for ~1M points). */
export interface BinaryPoints {
  length: number;
  positions: Float32Array;
}

/**
 * deck.gl compares `data` by reference: a new wrapper object on every render would re-aggregate
 * a million points on every toggle. One wrapper per BinaryPoints, kept here.
 */
const binaryData = new WeakMap<BinaryPoints, { length: number; attributes: { getPosition: { value: Float32Array; size: 2 } } }>();
function binary(p: BinaryPoints) {
  let d = binaryData.get(p);
  if (!d) {
    d = { length: p.length, attributes: { getPosition: { value: p.positions, size: 2 } } };
    binaryData.set(p, d);
  }
  return d;
}

/** Built once: a new array per render would count as a changed prop. */
const COLOR_RANGE = DENSITY.map((c) => [...c, 255] as [number, number, number, number]);

export interface DensityLayerProps {
  /** Server-aggregated cells (weighted by count) or raw binary points (GPU aggregation). */
  data: DensityCell[] | BinaryPoints;
  /** Hexagon radius in metres, default 8000 (a province at zoom 5–6). */
  radius?: number;
  opacity?: number;
  visible?: boolean;
}

/**
 * Trace density in hexagons. Aggregation runs on the GPU (`gpuAggregation`), so a million
 * points cost one buffer upload, never a million DOM elements or JS objects.
 */
export function densityLayer({ data, radius = 8000, opacity = 0.8, visible = true }: DensityLayerProps) {
  const common = {
    id: 'density',
    visible,
    opacity,
    radius,
    gpuAggregation: true,
    colorRange: COLOR_RANGE,
    colorAggregation: 'SUM' as const,
    extruded: false,
    pickable: true,
  };
  if (Array.isArray(data)) {
    return new HexagonLayer<DensityCell>({
      ...common,
      data,
      getPosition: (d) => [d.lon, d.lat],
      getColorWeight: (d) => d.count,
      getElevationWeight: (d) => d.count,
    });
  }
  return new HexagonLayer({
    ...common,
    data: binary(data),
    getColorWeight: 1,
    getElevationWeight: 1,
  });
}
