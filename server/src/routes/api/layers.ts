import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Graph } from '@onemap/graph-schema/server';
import { toBeijingIso } from '@onemap/graph-schema';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccessRule } from '../../access/types.ts';
import { httpError } from '../../errors.ts';
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
  layerErrorAnswers,
  TrendLayer,
  TrendQuery,
} from '../../schemas/layers.ts';
import { readTraceExtent } from '../../repositories/layers.ts';
import { LAYER_CACHE_DEFAULTS, LayerBusyError, LayerCache, LayerComputingError } from '../../services/layer-cache.ts';
import { toBeijingIsoOrNull } from '../../services/time.ts';
import { extentInWholeDays, facilityLayer, heatLayer, hexbinLayer, jurisdictionLayer, trendLayer } from '../../services/layers.ts';

/**
 * The layer answer for this request from the app's layer cache (`services/layer-cache.ts`), with
 * its `computedAt`. Aggregates depend on the viewer only through the visible sources and k (unit
 * names, source grades and authorities are the governance data every viewer shares: the access
 * store's `epoch`), so the key is the view, the layer and the query, and answers are shared
 * between viewers with the same view. `compute` takes the graph to read: the layer graph, whose
 * reads run up to LAYER_QUERY_TIMEOUT_MS (a computation outlives the request that started it);
 * with the cache off (LAYER_CACHE_MS=0), the request's own graph under QUERY_TIMEOUT_MS.
 */
async function layerAnswer<T extends object>(
  app: FastifyInstance,
  cache: LayerCache,
  request: FastifyRequest,
  reply: FastifyReply,
  name: string,
  compute: (graph: Graph) => Promise<T>,
): Promise<T & { computedAt: string }> {
  if (app.config.LAYER_CACHE_MS <= 0) {
    const computedAt = toBeijingIso(new Date().toISOString());
    return { ...(await compute(app.graph)), computedAt };
  }
  const graph: Graph = { ...app.graph, readTimeoutMs: app.config.LAYER_QUERY_TIMEOUT_MS || undefined };
  const key = JSON.stringify([name, request.viewer.visibleSources, request.viewer.kAnonymity, request.query]);
  try {
    const r = await cache.get(key, () => compute(graph), app.access.epoch, request.viewer.username);
    return { ...r.value, computedAt: toBeijingIso(new Date(r.computedAt).toISOString()) };
  } catch (e) {
    if (e instanceof LayerComputingError) {
      void reply.header('retry-after', String(e.retryAfterS));
      throw httpError('LAYER_COMPUTING', { retryAfter: e.retryAfterS }, { retryAfter: e.retryAfterS });
    }
    if (e instanceof LayerBusyError) {
      void reply.header('retry-after', String(e.retryAfterS));
      throw e.byOwner ? httpError('RATE_LIMITED', { detail: e.message }) : httpError('SERVICE_UNAVAILABLE', { detail: e.message });
    }
    throw e;
  }
}

/** The app's layer cache, its limits from the config; background failures are logged. */
function layerCacheOf(app: FastifyInstance): LayerCache {
  const c = app.config;
  const cache = new LayerCache({
    ...LAYER_CACHE_DEFAULTS,
    ttlMs: c.LAYER_CACHE_MS,
    maxStaleMs: c.LAYER_MAX_STALE_MS,
    waitMs: c.LAYER_WAIT_MS,
    maxComputing: c.LAYER_MAX_COMPUTING,
    onBackgroundError: (_key, err) => app.log.warn({ err }, 'a layer computation failed (not cached; the next request tries again)'),
  });
  app.addHook('onClose', async () => cache.close());
  return cache;
}

const aggregate = (action: string): AccessRule => ({ roles: ['planner', 'analyst', 'officer'], purpose: false, action });

/** Thematic layers (专题图层) for the map: aggregates only, k-anonymous. */
const layerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const common = { tags: ['layers'], security: [{ bearer: [] }] };
  const cache = layerCacheOf(app);
  app.get(
    '/jurisdictions',
    { schema: { ...common, summary: 'Persons and traces per county or city (k-suppressed)', querystring: JurisdictionQuery, response: { 200: JurisdictionLayer, ...layerErrorAnswers() } }, config: { access: aggregate('layer-jurisdictions') } },
    async (request, reply) => {
      const r = await layerAnswer(app, cache, request, reply, 'jurisdictionLayer', (graph) => jurisdictionLayer(graph, request.viewer, request.query));
      request.resultCount = r.cells.length;
      return r;
    },
  );
  app.get(
    '/hexbin',
    { schema: { ...common, summary: 'Trace density on H3 hexagons (k-suppressed)', querystring: HexbinQuery, response: { 200: HexbinLayer, ...layerErrorAnswers() } }, config: { access: aggregate('layer-hexbin') } },
    async (request, reply) => {
      const r = await layerAnswer(app, cache, request, reply, 'hexbinLayer', (graph) => hexbinLayer(graph, request.viewer, request.query));
      request.resultCount = r.cells.length;
      return r;
    },
  );
  app.get(
    '/heat',
    { schema: { ...common, summary: 'Heat points: places weighted by distinct persons (k-suppressed)', querystring: HeatQuery, response: { 200: HeatLayer, ...layerErrorAnswers() } }, config: { access: aggregate('layer-heat') } },
    async (request, reply) => {
      const r = await layerAnswer(app, cache, request, reply, 'heatLayer', (graph) => heatLayer(graph, request.viewer, request.query));
      request.resultCount = r.points.length;
      return r;
    },
  );
  app.get(
    '/extent',
    { schema: { ...common, summary: 'First and last trace time the caller\'s sources hold, widened to whole UTC days (the map\'s time range), +08:00', response: { 200: DataExtent, ...layerErrorAnswers() } }, config: { access: aggregate('layer-extent') } },
    async (request, reply) => {
      const r = await layerAnswer(app, cache, request, reply, 'traceExtent', async (graph) => {
        const days = extentInWholeDays(await readTraceExtent(graph, request.viewer.visibleSources));
        return { from: toBeijingIsoOrNull(days.from), to: toBeijingIsoOrNull(days.to) };
      });
      request.resultCount = r.from ? 1 : 0;
      return r;
    },
  );
  app.get(
    '/trend',
    { schema: { ...common, summary: 'Persons and traces per day (k-suppressed)', querystring: TrendQuery, response: { 200: TrendLayer, ...layerErrorAnswers() } }, config: { access: aggregate('layer-trend') } },
    async (request, reply) => {
      const r = await layerAnswer(app, cache, request, reply, 'trendLayer', (graph) => trendLayer(graph, request.viewer, request.query));
      request.resultCount = r.days.length;
      return r;
    },
  );
  app.get(
    '/facilities',
    { schema: { ...common, summary: 'Facilities by kind (hotels, internet cafés, stations, checkpoints …)', querystring: FacilityQuery, response: { 200: FacilityLayer, ...layerErrorAnswers() } }, config: { access: aggregate('layer-facilities') } },
    async (request, reply) => {
      const r = await layerAnswer(app, cache, request, reply, 'facilityLayer', (graph) => facilityLayer(graph, request.viewer, request.query));
      request.resultCount = r.features.length;
      return r;
    },
  );
};
export default layerRoutes;
