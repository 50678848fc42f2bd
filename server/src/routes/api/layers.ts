import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessRule } from '../../access/types.ts';
import { errorAnswers } from '../../schemas/common.ts';
import {
  DataExtent,
  FacilityLayer,
  FacilityQuery,
  HeatLayer,
  HeatQuery,
  HexbinLayer,
  HexbinQuery,
  JurisdictionLayer,
  JurisdictionQuery,
  TrendLayer,
  TrendQuery,
} from '../../schemas/layers.ts';
import { readTraceExtent } from '../../repositories/layers.ts';
import { toBeijingIsoOrNull } from '../../services/time.ts';
import { extentInWholeDays, facilityLayer, heatLayer, hexbinLayer, jurisdictionLayer, trendLayer } from '../../services/layers.ts';

/**
 * Aggregates depend on the viewer only through the visible sources and k, so answers are shared
 * between viewers with the same view for LAYER_CACHE_MS (layers may lag new data by that much).
 * Requests for an answer that is being computed wait for that computation instead of starting
 * their own: at a million persons a month's jurisdiction layer reads millions of visits, and ten
 * callers of a cold window would otherwise read them ten times at once.
 */
const caches = new WeakMap<FastifyInstance, { done: Map<string, { at: number; value: unknown }>; computing: Map<string, Promise<unknown>> }>();
async function cached<T>(app: FastifyInstance, request: FastifyRequest, name: string, compute: () => Promise<T>): Promise<T> {
  const ttl = app.config.LAYER_CACHE_MS;
  if (ttl <= 0) return compute();
  let cache = caches.get(app);
  if (!cache) caches.set(app, (cache = { done: new Map(), computing: new Map() }));
  const { done, computing } = cache;
  const key = JSON.stringify([name, request.viewer.visibleSources, request.viewer.kAnonymity, request.query]);
  const hit = done.get(key);
  if (hit && Date.now() - hit.at < ttl) return hit.value as T;
  const pending = computing.get(key);
  if (pending) return pending as Promise<T>;
  const running = compute()
    .then((value) => {
      const oldest = done.keys().next();
      if (done.size >= 500 && !oldest.done) done.delete(oldest.value);
      done.set(key, { at: Date.now(), value });
      return value;
    })
    .finally(() => computing.delete(key));
  computing.set(key, running);
  return running;
}

const aggregate = (action: string): AccessRule => ({ roles: ['planner', 'analyst', 'officer'], purpose: false, action });

/** Thematic layers (专题图层) for the map: aggregates only, k-anonymous. */
const layerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const common = { tags: ['layers'], security: [{ bearer: [] }] };
  app.get(
    '/jurisdictions',
    { schema: { ...common, summary: 'Persons and traces per county or city (k-suppressed)', querystring: JurisdictionQuery, response: { 200: JurisdictionLayer, ...errorAnswers() } }, config: { access: aggregate('layer-jurisdictions') } },
    async (request) => {
      const r = await cached(app, request, 'jurisdictionLayer', () => jurisdictionLayer(app.graph, request.viewer, request.query));
      request.resultCount = r.cells.length;
      return r;
    },
  );
  app.get(
    '/hexbin',
    { schema: { ...common, summary: 'Trace density on H3 hexagons (k-suppressed)', querystring: HexbinQuery, response: { 200: HexbinLayer, ...errorAnswers() } }, config: { access: aggregate('layer-hexbin') } },
    async (request) => {
      const r = await cached(app, request, 'hexbinLayer', () => hexbinLayer(app.graph, request.viewer, request.query));
      request.resultCount = r.cells.length;
      return r;
    },
  );
  app.get(
    '/heat',
    { schema: { ...common, summary: 'Heat points: places weighted by distinct persons (k-suppressed)', querystring: HeatQuery, response: { 200: HeatLayer, ...errorAnswers() } }, config: { access: aggregate('layer-heat') } },
    async (request) => {
      const r = await cached(app, request, 'heatLayer', () => heatLayer(app.graph, request.viewer, request.query));
      request.resultCount = r.points.length;
      return r;
    },
  );
  app.get(
    '/extent',
    { schema: { ...common, summary: 'First and last trace time the caller\'s sources hold, widened to whole UTC days (the map\'s time range), +08:00', response: { 200: DataExtent, ...errorAnswers() } }, config: { access: aggregate('layer-extent') } },
    async (request) => {
      const r = extentInWholeDays(await cached(app, request, 'traceExtent', () => readTraceExtent(app.graph, request.viewer.visibleSources)));
      request.resultCount = r.from ? 1 : 0;
      return { from: toBeijingIsoOrNull(r.from), to: toBeijingIsoOrNull(r.to) };
    },
  );
  app.get(
    '/trend',
    { schema: { ...common, summary: 'Persons and traces per day (k-suppressed)', querystring: TrendQuery, response: { 200: TrendLayer, ...errorAnswers() } }, config: { access: aggregate('layer-trend') } },
    async (request) => {
      const r = await cached(app, request, 'trendLayer', () => trendLayer(app.graph, request.viewer, request.query));
      request.resultCount = r.days.length;
      return r;
    },
  );
  app.get(
    '/facilities',
    { schema: { ...common, summary: 'Facilities by kind (hotels, internet cafés, stations, checkpoints …)', querystring: FacilityQuery, response: { 200: FacilityLayer, ...errorAnswers() } }, config: { access: aggregate('layer-facilities') } },
    async (request) => {
      const r = await cached(app, request, 'facilityLayer', () => facilityLayer(app.graph, request.viewer, request.query));
      request.resultCount = r.features.length;
      return r;
    },
  );
};
export default layerRoutes;
