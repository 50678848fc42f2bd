import { ScatterplotLayer } from '@deck.gl/layers';
import type { PlaceFeature } from '../../api/types.ts';
import { PLACE_COLORS } from './colors.ts';

export interface PlacesLayerProps {
  places: PlaceFeature[];
  /** Kinds to show (hotel, netcafe, station, checkpoint, other). */
  kinds: Set<string>;
  opacity?: number;
  visible?: boolean;
}

/** The shown subset, kept per (places, kinds) so an opacity change does not re-upload the points. */
const shownCache = new WeakMap<PlaceFeature[], { key: string; shown: PlaceFeature[] }>();
function shownOf(places: PlaceFeature[], kinds: Set<string>): PlaceFeature[] {
  const key = [...kinds].sort().join(',');
  const c = shownCache.get(places);
  if (c && c.key === key) return c.shown;
  const shown = places.filter((p) => kinds.has(PLACE_COLORS[p.kind] ? p.kind : 'other'));
  shownCache.set(places, { key, shown });
  return shown;
}

/** Places (venues) as dots coloured by kind. */
export function placesLayer({ places, kinds, opacity = 0.9, visible = true }: PlacesLayerProps) {
  const shown = shownOf(places, kinds);
  return new ScatterplotLayer<PlaceFeature>({
    id: 'places',
    data: shown,
    visible,
    opacity,
    pickable: true,
    radiusUnits: 'pixels',
    getRadius: 4,
    stroked: true,
    getLineColor: [255, 255, 255],
    lineWidthMinPixels: 1,
    getPosition: (p) => [p.lon, p.lat],
    getFillColor: (p) => PLACE_COLORS[p.kind] ?? PLACE_COLORS.other ?? [0, 0, 0],
  });
}
