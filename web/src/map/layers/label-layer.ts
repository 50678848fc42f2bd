import { TextLayer } from '@deck.gl/layers';

export interface JurisdictionLabel {
  name: string;
  level: 'city' | 'county';
  position: [number, number];
}

export interface LabelLayerProps {
  /** Labels of the jurisdictions (`jurisdictionLabels`). */
  labels: JurisdictionLabel[];
  /** Current map zoom: county names appear from `COUNTY_LABEL_MIN_ZOOM` on, city names always. */
  zoom: number;
  visible?: boolean;
}

/** From this zoom on, county names are drawn (below it they would pile up over the province). */
export const COUNTY_LABEL_MIN_ZOOM = 6.5;

/** The mean of a polygon's outer ring: a label point that is inside for the compact shapes of counties. */
function ringMean(g: GeoJSON.Geometry): [number, number] | null {
  const ring = g.type === 'Polygon' ? g.coordinates[0] : g.type === 'MultiPolygon' ? [...g.coordinates].sort((a, b) => (b[0]?.length ?? 0) - (a[0]?.length ?? 0))[0]?.[0] : null;
  if (!ring?.length) return null;
  let x = 0;
  let y = 0;
  for (const p of ring) {
    x += p[0] ?? 0;
    y += p[1] ?? 0;
  }
  return [x / ring.length, y / ring.length];
}

const cache = new WeakMap<GeoJSON.FeatureCollection, JurisdictionLabel[]>();
/** One label per city and county of a jurisdictions collection, computed once per collection. */
export function jurisdictionLabels(geo: GeoJSON.FeatureCollection | null): JurisdictionLabel[] {
  if (!geo) return [];
  let out = cache.get(geo);
  if (!out) {
    out = geo.features.flatMap((f) => {
      const level = f.properties?.level;
      const position = f.geometry ? ringMean(f.geometry) : null;
      return (level === 'city' || level === 'county') && position && f.properties?.name ? [{ name: String(f.properties.name), level, position }] : [];
    });
    cache.set(geo, out);
  }
  return out;
}

/**
 * Jurisdiction names drawn by deck.gl over the thematic fills (the base map's own labels sit
 * under the overlay and were hidden by the choropleth): cities always, counties once zoomed in,
 * on a white halo so they read over any fill.
 */
export function labelLayer({ labels, zoom, visible = true }: LabelLayerProps) {
  const shown = zoom >= COUNTY_LABEL_MIN_ZOOM ? labels : labels.filter((l) => l.level === 'city');
  return new TextLayer<JurisdictionLabel>({
    id: 'jurisdiction-labels',
    data: shown,
    visible,
    characterSet: 'auto',
    fontFamily: 'Noto Sans CJK SC, sans-serif',
    getText: (l) => l.name,
    getPosition: (l) => l.position,
    getSize: (l) => (l.level === 'city' ? 14 : 11),
    getColor: (l) => (l.level === 'city' ? [20, 20, 20, 255] : [60, 60, 60, 255]),
    fontSettings: { sdf: true },
    outlineWidth: 3,
    outlineColor: [255, 255, 255, 230],
    updateTriggers: { getSize: [zoom] },
  });
}

/**
 * Hexagon radius in metres that keeps hexagons about `px` screen pixels wide at this zoom
 * (Web Mercator at Gansu's latitude), within [500 m, 60 km].
 * @example hexRadiusForZoom(5.4) // ≈ 30 km: readable at province zoom
 */
export function hexRadiusForZoom(zoom: number, px = 12): number {
  const z = Math.round(zoom * 2) / 2; // half-zoom steps: no re-aggregation on every wheel tick
  const metresPerPixel = (156_543 * Math.cos((36 * Math.PI) / 180)) / 2 ** z;
  return Math.max(500, Math.min(60_000, Math.round(px * metresPerPixel)));
}
