import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BatchInfo, findBatch, listBatches } from '@onemap/resolver/graph';
import { readRejectsReport } from '@onemap/resolver/intake';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SOURCE_SYSTEM } from '../../access/types.ts';
import { isWithin } from '../../access/units.ts';
import { httpError } from '../../errors.ts';
import { errorResponses } from '../../schemas/common.ts';
import { BatchAnswer, BatchList, BatchListQuery, BatchParams, PushBody, RejectsAnswer, SourceParams, SubmitAnswer, UploadQuery } from '../../schemas/ingest.ts';

/** Delivering records: source systems only, each with its key (no user role pushes, admins included). */
const DELIVER = { roles: [SOURCE_SYSTEM] as const, purpose: false };
/** Reading batch metadata: admins (sources they may see) and source systems (sources they deliver). */
const READ = { roles: ['admin', SOURCE_SYSTEM] as const, purpose: false };

function knownSource(app: FastifyInstance, source: string) {
  try {
    return app.pipeline.entry(source);
  } catch {
    throw httpError('NOT_FOUND', { what: `source "${source}" (not in the catalog)` });
  }
}

/** Refuses a source key that is not bound to `source`, or whose issuing unit no longer owns it (or owns it from above). */
function requireDelivers(request: FastifyRequest, source: string) {
  const key = request.sourceKey;
  const s = request.viewer.source(source);
  if (!key || !key.sources.includes(source) || !s || !isWithin(s.ownerUnit, key.unitCode, request.viewer.units)) {
    throw httpError('FORBIDDEN', { detail: `this source key does not deliver source "${source}"` });
  }
}

/** The sources whose batches the caller may read about: a key's own, or the viewer's visible ones. */
function readableSources(request: FastifyRequest): readonly string[] {
  return request.sourceKey ? request.sourceKey.sources : request.viewer.visibleSources;
}

function toAnswer(b: BatchInfo) {
  const keys = ['batchId', 'source', 'originalName', 'way', 'status', 'rows', 'written', 'unchanged', 'updated', 'rejected', 'flagged', 'merges', 'possibleMatches', 'deliveries', 'error', 'receivedAt', 'finishedAt'] as const;
  const out: Record<string, unknown> = {};
  for (const k of keys) if (b[k] !== undefined && b[k] !== null) out[k] = k === 'originalName' || k === 'way' ? String(b[k]) : b[k];
  return out as unknown as BatchAnswer;
}

/**
 * The pipeline's two ways in over HTTP, and batch status: `POST /api/ingest/:source` (real-time
 * push of records), `POST /api/ingest/:source/files?name=` (a periodic copy uploaded as a raw
 * CSV / JSON-lines body, UTF-8 or GBK), `GET /api/ingest/jobs[/:batchId[/rejects]]`.
 * Delivering takes a source system's key bound to the source (`x-onemap-source-key`); batch
 * metadata is shown only for sources the caller may see (admins) or delivers (keys).
 */
export default async function ingestRoutes(app: FastifyInstance) {
  app.addContentTypeParser(['text/csv', 'application/x-ndjson', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: app.config.UPLOAD_LIMIT_BYTES }, (_req, body, done) =>
    done(null, body),
  );

  app.post(
    '/:source',
    {
      schema: {
        tags: ['ingest'],
        summary: 'Push records of a real-time source; rejected records come back with their reasons, the rest are queued',
        security: [{ sourceKey: [] }],
        params: SourceParams,
        body: PushBody,
        response: { 202: SubmitAnswer, ...errorResponses },
      },
      config: { access: { ...DELIVER, action: 'ingest.push' } },
    },
    async (request, reply) => {
      const { source } = request.params as { source: string };
      knownSource(app, source);
      requireDelivers(request, source);
      const { records } = request.body as { records: Record<string, unknown>[] };
      const r = await app.pipeline.submitRecords(source, records);
      request.resultCount = r.accepted ?? records.length;
      const rejected = (r.rejected ?? []).map((p) => ({
        ...(p.line !== undefined ? { line: p.line } : {}),
        ...(p.recordId !== undefined ? { recordId: p.recordId } : {}),
        ...(p.field !== undefined ? { field: p.field } : {}),
        code: p.code,
        reason: p.reason,
      }));
      return reply.status(202).send({ batchId: r.batchId, source: r.source, status: r.status, duplicate: r.duplicate, accepted: r.accepted ?? 0, rejected });
    },
  );

  app.post(
    '/:source/files',
    {
      schema: {
        tags: ['ingest'],
        summary: 'Upload a periodic copy (CSV or JSON lines, as the catalog declares); the same content twice is one batch',
        security: [{ sourceKey: [] }],
        params: SourceParams,
        querystring: UploadQuery,
        response: { 202: SubmitAnswer, ...errorResponses },
      },
      config: { access: { ...DELIVER, action: 'ingest.upload' } },
      bodyLimit: app.config.UPLOAD_LIMIT_BYTES,
    },
    async (request, reply) => {
      const { source } = request.params as { source: string };
      const { name } = request.query as { name: string };
      knownSource(app, source);
      requireDelivers(request, source);
      if (!Buffer.isBuffer(request.body) || !request.body.length) {
        throw httpError('BAD_REQUEST', { detail: 'send the file as the raw body with Content-Type text/csv, application/x-ndjson or application/octet-stream' });
      }
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-upload-'));
      try {
        const file = path.join(dir, path.basename(name));
        fs.writeFileSync(file, request.body);
        const r = await app.pipeline.submitFile(source, file);
        request.resultCount = 1;
        return reply.status(202).send({ batchId: r.batchId, source: r.source, status: r.status, duplicate: r.duplicate });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  app.get(
    '/jobs',
    {
      schema: { tags: ['ingest'], summary: 'Recent batches and their status', security: [{ bearer: [] }, { sourceKey: [] }], querystring: BatchListQuery, response: { 200: BatchList, ...errorResponses } },
      config: { access: { ...READ, action: 'ingest.jobs' } },
    },
    async (request) => {
      const q = request.query as { source?: string; limit: number };
      const batches = await listBatches(app.graph, { ...(q.source ? { source: q.source } : {}), sources: readableSources(request), limit: q.limit });
      request.resultCount = batches.length;
      return { batches: batches.map(toAnswer) };
    },
  );

  app.get(
    '/jobs/:batchId',
    {
      schema: { tags: ['ingest'], summary: 'One batch: status, counts, and its job state and progress', security: [{ bearer: [] }, { sourceKey: [] }], params: BatchParams, response: { 200: BatchAnswer, ...errorResponses } },
      config: { access: { ...READ, action: 'ingest.job' } },
    },
    async (request) => {
      const { batchId } = request.params as { batchId: string };
      const b = await findBatch(app.graph, batchId);
      // A batch of a source the caller may not see answers like a missing one.
      if (!b || !readableSources(request).includes(b.source)) throw httpError('NOT_FOUND', { what: `batch ${batchId}` });
      request.resultCount = 1;
      return { ...toAnswer(b), job: { state: await app.pipeline.jobState(batchId) } };
    },
  );

  app.get(
    '/jobs/:batchId/rejects',
    {
      schema: { tags: ['ingest'], summary: 'The rejects report of a batch: source, file, line, record, field, code, reason', security: [{ bearer: [] }, { sourceKey: [] }], params: BatchParams, response: { 200: RejectsAnswer, ...errorResponses } },
      config: { access: { ...READ, action: 'ingest.rejects' } },
    },
    async (request) => {
      const { batchId } = request.params as { batchId: string };
      const b = await findBatch(app.graph, batchId);
      if (!b || !readableSources(request).includes(b.source)) throw httpError('NOT_FOUND', { what: `batch ${batchId}` });
      // Raw values stay out of the API answer (they may be sensitive); the report file keeps them.
      const rejects = b.rejectsFile && fs.existsSync(b.rejectsFile) ? readRejectsReport(b.rejectsFile).map(({ value: _v, ...r }) => r) : [];
      request.resultCount = rejects.length;
      return { batchId, rejects };
    },
  );
}
