import { describe, expect, it } from 'vitest';
import { hexRadiusForZoom, jurisdictionLabels } from './label-layer.ts';

describe('map labels and hexagon size', () => {
  it('hexagons grow when zoomed out and shrink when zoomed in, within bounds', () => {
    expect(hexRadiusForZoom(5.4)).toBeGreaterThan(20_000);
    expect(hexRadiusForZoom(8)).toBeLessThan(hexRadiusForZoom(6));
    expect(hexRadiusForZoom(16)).toBe(500);
    expect(hexRadiusForZoom(2)).toBe(60_000);
  });
  it('labels every city and county by name inside its polygon', () => {
    const geo: GeoJSON.FeatureCollection = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { name: '城关区', level: 'county' }, geometry: { type: 'Polygon', coordinates: [[[103, 36], [104, 36], [104, 37], [103, 37], [103, 36]]] } },
        { type: 'Feature', properties: { name: '甘肃省', level: 'province' }, geometry: { type: 'Polygon', coordinates: [[[90, 30], [110, 30], [110, 40], [90, 30]]] } },
      ],
    };
    const [l, ...rest] = jurisdictionLabels(geo);
    expect(rest).toEqual([]);
    expect(l?.name).toBe('城关区');
    expect(l?.position[0]).toBeGreaterThan(103);
    expect(l?.position[0]).toBeLessThan(104);
  });
});
