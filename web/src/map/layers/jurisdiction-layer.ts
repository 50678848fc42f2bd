import { GeoJsonLayer } from '@deck.gl/layers';
import type { JurisdictionCount } from '../../api/types.ts';
import { CHOROPLETH, rampColor } from './colors.ts';

export interface JurisdictionLayerProps {
  /** FeatureCollection of jurisdictions (datasets/geo/jurisdictions.geojson). */
  geo: GeoJSON.FeatureCollection | null;
  counts: JurisdictionCount[];
  /** 0..1, default 0.7 */
  opacity?: number;
  visible?: boolean;
}

/**
 * Jurisdiction boundaries filled by per-jurisdiction counts (choropleth). Cells the server
 * suppressed (under k people) are drawn grey.
 */
export function jurisdictionLayer({ geo, counts, opacity = 0.7, visible = true }: JurisdictionLayerProps) {
  const byCode = new Map(counts.map((c) => [c.code, c]));
  const max = counts.reduce((m, c) => Math.max(m, c.suppressed ? 0 : c.count), 0);
  return new GeoJsonLayer({
    id: 'jurisdictions',
    data: geo ? { ...geo, features: geo.features.filter((f) => f.properties?.level === 'county') } : { type: 'FeatureCollection', features: [] },
    visible,
    opacity,
    pickable: true,
    stroked: true,
    filled: true,
    getLineColor: [90, 70, 50, 200],
    getLineWidth: 1,
    lineWidthUnits: 'pixels',
    getFillColor: (f: GeoJSON.Feature) => {
      const c = byCode.get(String(f.properties?.code));
      if (!c) return [0, 0, 0, 0];
      if (c.suppressed) return [170, 170, 170, 160];
      return [...rampColor(CHOROPLETH, c.count, max), 220];
    },
    updateTriggers: { getFillColor: [counts] },
  });
}

export function choroplethMax(counts: JurisdictionCount[]): number {
  return counts.reduce((m, c) => Math.max(m, c.suppressed ? 0 : c.count), 0);
}
