import type { Layer, PickingInfo } from '@deck.gl/core';
import { MapboxOverlay } from '@deck.gl/mapbox';
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { type CSSProperties, type ReactNode, useEffect, useRef } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { offlineStyle, runtimeConfig } from './base-style.ts';

maplibregl.setWorkerUrl(workerUrl);

/** What browser tests and the bench read to know a map has drawn everything it was given. */
interface MapProbe {
  id: string;
  settled: () => boolean;
  map: maplibregl.Map;
  /** performance.now() when the map was constructed, when its style loaded, when it was first idle. */
  createdAt: number;
  loadAt?: number;
  firstIdleAt?: number;
}
declare global {
  interface Window {
    __onemapMaps?: MapProbe[];
  }
}

export interface MapViewProps {
  /** deck.gl layers drawn over the base map. */
  layers: (Layer | null | false | undefined)[];
  /** A name for tests (`data-map-id`). */
  id: string;
  onClick?: (lngLat: [number, number], info: PickingInfo | null) => void;
  getTooltip?: (info: PickingInfo) => string | null;
  /** Fit to these bounds when they change: [[w, s], [e, n]]. */
  fitBounds?: [[number, number], [number, number]] | null;
  style?: CSSProperties;
  children?: ReactNode;
  /** Called with the zoom once the map is ready and after every zoom (layers that size by zoom). */
  onZoom?: (zoom: number) => void;
  /** The screen draws jurisdiction names itself (over its fills): the base map's own are left out, not drawn twice. */
  ownLabels?: boolean;
}

/**
 * A maplibre map (offline style unless /config.json names another) with a deck.gl overlay
 * (`interleaved: false`: interleaving does not work with maplibre 6 yet).
 */
export function MapView({ layers, id, onClick, getTooltip, fitBounds, style, children, onZoom, ownLabels }: MapViewProps) {
  const { lang } = useI18n();
  const zoomRef = useRef(onZoom);
  zoomRef.current = onZoom;
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const overlayRef = useRef<MapboxOverlay | null>(null);
  const layersRef = useRef<Layer[]>([]);
  const clickRef = useRef(onClick);
  clickRef.current = onClick;
  const tipRef = useRef(getTooltip);
  tipRef.current = getTooltip;
  const fitRef = useRef(fitBounds);
  fitRef.current = fitBounds;

  useEffect(() => {
    let disposed = false;
    let probe: MapProbe | undefined;
    void runtimeConfig().then((cfg) => {
      if (disposed || !container.current) return;
      const map = new maplibregl.Map({
        container: container.current,
        style: cfg.mapStyleUrl || offlineStyle({ labels: !ownLabels }),
        center: cfg.center ?? [100.8, 37.6],
        zoom: cfg.zoom ?? 5.4,
        fadeDuration: 0,
        attributionControl: false,
        // The map's own controls speak the app's language (their tooltips and aria labels).
        locale: lang === 'zh' ? { 'Map.Title': '地图', 'NavigationControl.ZoomIn': '放大', 'NavigationControl.ZoomOut': '缩小', 'NavigationControl.ResetBearing': '正北朝上', 'ScaleControl.Meters': '米', 'ScaleControl.Kilometers': '公里' } : undefined,
        canvasContextAttributes: { preserveDrawingBuffer: true },
      });
      map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
      map.addControl(new maplibregl.ScaleControl({}), 'bottom-right');
      let deckRendered = false;
      const overlay = new MapboxOverlay({
        interleaved: false,
        layers: layersRef.current,
        onAfterRender: () => {
          deckRendered = true;
        },
        onClick: (info) => {
          if (info.coordinate) clickRef.current?.([info.coordinate[0] as number, info.coordinate[1] as number], info.layer ? info : null);
        },
        getTooltip: (info) => {
          const s = tipRef.current?.(info);
          return s ? { text: s } : null;
        },
      });
      map.addControl(overlay);
      zoomRef.current?.(map.getZoom());
      map.on('zoomend', () => zoomRef.current?.(map.getZoom()));
      mapRef.current = map;
      overlayRef.current = overlay;
      if (fitRef.current) map.fitBounds(fitRef.current, { padding: 60, duration: 0, maxZoom: 13 });
      probe = {
        id,
        map,
        createdAt: performance.now(),
        settled: () => map.loaded() && map.areTilesLoaded() && deckRendered && layersRef.current.every((l) => l.isLoaded),
      };
      map.once('load', () => {
        if (probe) probe.loadAt = performance.now();
      });
      map.once('idle', () => {
        if (probe) probe.firstIdleAt = performance.now();
        container.current?.setAttribute('data-map-ready', '1');
      });
      window.__onemapMaps = [...(window.__onemapMaps ?? []).filter((p) => p.id !== id), probe];
    });
    return () => {
      disposed = true;
      window.__onemapMaps = (window.__onemapMaps ?? []).filter((p) => p !== probe);
      mapRef.current?.remove();
      mapRef.current = null;
      overlayRef.current = null;
    };
  }, [id]);

  useEffect(() => {
    const ls = layers.filter(Boolean) as Layer[];
    layersRef.current = ls;
    overlayRef.current?.setProps({ layers: ls });
  }, [layers]);

  const fbKey = fitBounds ? fitBounds.flat().join(',') : '';
  useEffect(() => {
    if (fitBounds) mapRef.current?.fitBounds(fitBounds, { padding: 60, duration: 0, maxZoom: 13 });
    // biome-ignore lint/correctness/useExhaustiveDependencies: keyed by value
  }, [fbKey]);

  return (
    <div className="map-wrap" style={style}>
      <div ref={container} className="map" data-map-id={id} data-testid={`map-${id}`} />
      {children}
    </div>
  );
}

/** Bounds of a list of [lon, lat], or null when empty. */
export function boundsOf(points: [number, number][]): [[number, number], [number, number]] | null {
  if (!points.length) return null;
  let w = 180;
  let s = 90;
  let e = -180;
  let n = -90;
  for (const [x, y] of points) {
    w = Math.min(w, x);
    e = Math.max(e, x);
    s = Math.min(s, y);
    n = Math.max(n, y);
  }
  return [
    [w, s],
    [e, n],
  ];
}
