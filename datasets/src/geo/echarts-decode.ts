/**
 * Decoder for the compressed GeoJSON that ECharts 4 ships in `map/json/**` (the
 * `UTF8Encoding: true` format: zig-zag, delta-encoded, quantized by 1024).
 */

type Ring = [number, number][];

interface EncodedFeature {
  id?: string;
  properties: Record<string, unknown>;
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown; encodeOffsets?: unknown };
}

function decodeRing(coordinate: string, offsets: [number, number]): Ring {
  const result: Ring = [];
  let prevX = offsets[0];
  let prevY = offsets[1];
  for (let i = 0; i < coordinate.length; i += 2) {
    let x = coordinate.charCodeAt(i) - 64;
    let y = coordinate.charCodeAt(i + 1) - 64;
    x = (x >> 1) ^ -(x & 1);
    y = (y >> 1) ^ -(y & 1);
    x += prevX;
    y += prevY;
    prevX = x;
    prevY = y;
    result.push([Math.round((x / 1024) * 1e4) / 1e4, Math.round((y / 1024) * 1e4) / 1e4]);
  }
  const first = result[0];
  const last = result[result.length - 1];
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) result.push([first[0], first[1]]);
  return result;
}

/**
 * Decode an ECharts-encoded FeatureCollection into plain GeoJSON (lon/lat, 4 decimals).
 * @param fc the parsed JSON of e.g. `echarts/map/json/province/gansu.json`
 * @returns a FeatureCollection whose features carry `{ id, ...properties }`
 */
export function decodeEchartsGeoJson(fc: { features: EncodedFeature[]; UTF8Encoding?: boolean }): {
  type: 'FeatureCollection';
  features: {
    type: 'Feature';
    properties: Record<string, unknown>;
    geometry: { type: string; coordinates: unknown };
  }[];
} {
  const features = fc.features.map((f) => {
    const g = f.geometry;
    let coordinates = g.coordinates;
    if (fc.UTF8Encoding) {
      if (g.type === 'Polygon') {
        const offs = g.encodeOffsets as [number, number][];
        coordinates = (g.coordinates as string[]).map((r, i) => decodeRing(r, offs[i] as [number, number]));
      } else {
        const offs = g.encodeOffsets as [number, number][][];
        coordinates = (g.coordinates as string[][]).map((poly, i) =>
          poly.map((r, j) => decodeRing(r, (offs[i] as [number, number][])[j] as [number, number])),
        );
      }
    }
    return {
      type: 'Feature' as const,
      properties: { id: f.id, ...f.properties },
      geometry: { type: g.type, coordinates },
    };
  });
  return { type: 'FeatureCollection', features };
}
