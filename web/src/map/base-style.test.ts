import { describe, expect, it, vi } from 'vitest';
import { offlineStyle } from './base-style.ts';

// The style resolves its GeoJSON assets against the page's address.
vi.stubGlobal('location', new URL('http://localhost/'));

const symbolLayers = (labels?: boolean) =>
  offlineStyle(labels === undefined ? undefined : { labels })
    .layers.filter((l) => l.type === 'symbol')
    .map((l) => l.id);

describe('offline base style', () => {
  it('names cities and counties by default', () => {
    expect(symbolLayers()).toEqual(['city-label', 'county-label']);
  });

  it('leaves the names out for a screen that draws its own, so no name is drawn twice', () => {
    expect(symbolLayers(false)).toEqual([]);
    expect(offlineStyle({ labels: false }).layers.map((l) => l.id)).toContain('county-line');
  });
});
