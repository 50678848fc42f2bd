import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import type { IncidentPoint } from '../../api/types.ts';

export interface IncidentLayerProps {
  incidents: IncidentPoint[];
  /** Kernel radius in pixels, default 40. */
  radiusPixels?: number;
  opacity?: number;
  visible?: boolean;
}

/** Heat of incidents (警情热力). */
export function incidentLayer({ incidents, radiusPixels = 40, opacity = 0.8, visible = true }: IncidentLayerProps) {
  return new HeatmapLayer<IncidentPoint>({
    id: 'incidents',
    data: incidents,
    visible,
    opacity,
    radiusPixels,
    getPosition: (d) => [d.lon, d.lat],
    getWeight: (d) => d.weight ?? 1,
    aggregation: 'SUM',
  });
}
