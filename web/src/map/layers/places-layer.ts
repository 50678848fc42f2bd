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

/** Places (venues) as dots coloured by kind. */
export function placesLayer({ places, kinds, opacity = 0.9, visible = true }: PlacesLayerProps) {
  const shown = places.filter((p) => kinds.has(PLACE_COLORS[p.kind] ? p.kind : 'other'));
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
