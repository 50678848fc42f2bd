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

const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };
/** Counties of a collection, computed once per collection (a new `data` re-tessellates every polygon). */
const counties = new WeakMap<GeoJSON.FeatureCollection, GeoJSON.FeatureCollection>();
function countiesOf(geo: GeoJSON.FeatureCollection | null): GeoJSON.FeatureCollection {
  if (!geo) return EMPTY;
  let c = counties.get(geo);
  if (!c) {
    c = { ...geo, features: geo.features.filter((f) => f.properties?.level === 'county') };
    counties.set(geo, c);
  }
  return c;
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
    data: countiesOf(geo),
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
