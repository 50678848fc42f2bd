import { HexagonLayer } from '@deck.gl/aggregation-layers';
import type { DensityCell } from '../../api/types.ts';
import { DENSITY } from './colors.ts';

/** Positions as one Float32Array [lon0, lat0, lon1, lat1, …] (binary, for ~1M points). */
export interface BinaryPoints {
  length: number;
  positions: Float32Array;
}

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
    colorRange: DENSITY.map((c) => [...c, 255] as [number, number, number, number]),
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
    data: { length: data.length, attributes: { getPosition: { value: data.positions, size: 2 } } },
    getColorWeight: 1,
    getElevationWeight: 1,
  });
}
