import { FillStyleExtension } from '@deck.gl/extensions';
import { GeoJsonLayer } from '@deck.gl/layers';
import type { JurisdictionCount } from '../../api/types.ts';
import { CHOROPLETH, rampColor } from './colors.ts';

export interface JurisdictionLayerProps {
  /** FeatureCollection of jurisdictions (datasets/geo/jurisdictions-real.geojson: real county boundaries). */
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

/** Fill of a suppressed cell: dark hatch lines over a light grey ground (legend: `SUPPRESSED_CSS`). */
export const SUPPRESSED_HATCH: [number, number, number, number] = [80, 80, 80, 230];
export const SUPPRESSED_GROUND: [number, number, number, number] = [215, 215, 215, 200];
/** The same hatch for the legend swatch. */
export const SUPPRESSED_CSS = 'repeating-linear-gradient(45deg, rgb(80,80,80) 0 2px, rgb(215,215,215) 2px 8px)';
const HATCH = new FillStyleExtension({ pattern: true, proceduralPattern: true });

/**
 * Counties with no published count in the window — nobody, or fewer than k persons (the server
 * does not say which, on purpose) — hatched, so they never read as an empty map: one layer of
 * only those counties, drawn over the choropleth.
 */
export function suppressedLayer({ geo, counts, opacity = 0.7, visible = true }: JurisdictionLayerProps) {
  const all = countiesOf(geo);
  const hatched = uncountedCounties(geo, counts);
  return new GeoJsonLayer({
    id: 'jurisdictions-suppressed',
    data: { ...all, features: all.features.filter((f) => hatched.has(String(f.properties?.code))) },
    visible,
    opacity,
    pickable: true,
    stroked: false,
    filled: true,
    extensions: [HATCH],
    fillPatternMapping: { hatch: { type: 'hatch', angle: 45, strokeWidth: 2, gap: 6 } },
    fillPatternSizeUnits: 'pixels',
    getFillPattern: () => 'hatch',
    getFillColor: SUPPRESSED_HATCH,
    getFillPatternBackgroundColor: SUPPRESSED_GROUND,
  } as ConstructorParameters<typeof GeoJsonLayer>[0]);
}

/**
 * Jurisdiction boundaries filled by per-jurisdiction counts (choropleth). Cells the server
 * suppressed (under k people) are left to `suppressedLayer`, which hatches them.
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
      if (c.suppressed) return [0, 0, 0, 0];
      return [...rampColor(CHOROPLETH, c.count, max), 220];
    },
    updateTriggers: { getFillColor: [counts] },
  });
}

/** Codes of the counties without a published count (none at all before the first answer). */
export function uncountedCounties(geo: GeoJSON.FeatureCollection | null, counts: JurisdictionCount[]): Set<string> {
  if (!counts.length) return new Set();
  const shown = new Set(counts.filter((c) => !c.suppressed).map((c) => c.code));
  return new Set(countiesOf(geo).features.map((f) => String(f.properties?.code)).filter((c) => !shown.has(c)));
}

export function choroplethMax(counts: JurisdictionCount[]): number {
  return counts.reduce((m, c) => Math.max(m, c.suppressed ? 0 : c.count), 0);
}

/**
 * The ends of the choropleth's colour ramp: nothing while the counts load (not "1 … 0"), a dash when
 * no jurisdiction publishes a count (all withheld or empty), else 1 … the largest published count.
 */
export function choroplethEnds(counts: JurisdictionCount[], loading: boolean): { min: string; max: string } {
  if (loading) return { min: '', max: '…' };
  const max = choroplethMax(counts);
  return max < 1 ? { min: '–', max: '–' } : { min: '1', max: String(max) };
}
