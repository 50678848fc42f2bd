import { csvCell } from '@onemap/graph-schema';
import fs from 'node:fs';
import { type BatchInfo, listBatches } from '@onemap/resolver/graph';
import { readRejectsReport } from '@onemap/resolver/intake';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SOURCE_SYSTEM } from '../../access/types.ts';
import { isWithin } from '../../access/units.ts';
import { httpError } from '../../errors.ts';
import { isSpooledUpload, nameSpool, removeSpool, spoolUpload } from '../../services/spooled-upload.ts';
import { CsvText, errorAnswers } from '../../schemas/common.ts';
import { BatchAnswer, BatchList, BatchListQuery, BatchParams, PushBody, REJECT_COLUMNS, RejectsAnswer, SourceParams, SubmitAnswer, UploadQuery } from '../../schemas/ingest.ts';

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

/**
 * Whether the caller's source key speaks for `source` now: bound to it, and issued by a unit that
 * still owns it (or owns it from above). The one test for delivering and for reading a source's
 * batches with a key, so a key stops doing both once its source has moved to another owner.
 */
function keyMaySee(request: FastifyRequest, source: string): boolean {
  const key = request.sourceKey;
  const s = request.viewer.source(source);
  return !!key && key.sources.includes(source) && !!s && isWithin(s.ownerUnit, key.unitCode, request.viewer.units);
}

/** Refuses a source key that does not speak for `source` (`keyMaySee`). */
function requireDelivers(request: FastifyRequest, source: string) {
  if (!keyMaySee(request, source)) throw httpError('FORBIDDEN', { detail: `this source key does not deliver source "${source}"` });
}

/**
 * The sources whose batches the caller may read about: a key's own that it still speaks for
 * (`keyMaySee`), or those whose records the user may read (`recordSources`: a batch names its file
 * and its rejects name records, so a grant for statistics, which opens aggregates only, does not open them).
 */
function readableSources(request: FastifyRequest): readonly string[] {
  const key = request.sourceKey;
  return key ? key.sources.filter((s) => keyMaySee(request, s)) : request.viewer.recordSources;
}

const COUNTS = ['rows', 'written', 'unchanged', 'updated', 'rejected', 'flagged', 'merges', 'possibleMatches', 'deliveries'] as const;
const TEXTS = ['error', 'receivedAt', 'finishedAt', 'checkedAt'] as const;

/** A batch as the API shows it: the counts and times it has, nothing null. */
function toAnswer(b: BatchInfo): BatchAnswer {
  const out: BatchAnswer = { batchId: b.batchId, source: b.source, originalName: String(b.originalName), way: String(b.way), status: b.status };
  for (const k of COUNTS) {
    const v = b[k];
    if (typeof v === 'number') out[k] = v;
  }
  for (const k of TEXTS) {
    const v = b[k];
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** CSV only when asked for it and JSON is not (an Accept of any type gets JSON). */
function wantsCsv(accept: string | undefined): boolean {
  return !!accept && /\btext\/csv\b/.test(accept) && !/\bapplication\/json\b/.test(accept);
}

/** The route a periodic copy is uploaded to: the only one whose body may be a file. */
const UPLOAD_ROUTE = '/:source/files';

/**
 * The pipeline's two ways in over HTTP, and batch status: `POST /api/ingest/:source` (real-time
 * push of records), `POST /api/ingest/:source/files?name=` (a periodic copy uploaded as a raw
 * CSV / JSON-lines body, UTF-8 or GBK), `GET /api/ingest/jobs[/:batchId[/rejects]]`.
 * Delivering takes a source system's key bound to the source (`x-onemap-source-key`); batch
 * metadata is shown only for sources the caller may see (admins) or delivers (keys).
 */
const ingestRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // A periodic copy goes to a file as it arrives (`spoolUpload`), never whole into memory, on the
  // upload route only (another route refuses a file's content type before reading it). Its
  // folder is removed when the answer is done or its client gone, whatever the answer.
  app.addContentTypeParser(['text/csv', 'application/x-ndjson', 'application/octet-stream'], (request, payload, done) => {
    if (!request.routeOptions.url?.endsWith(UPLOAD_ROUTE)) {
      payload.resume(); // read and dropped
      done(httpError('BAD_REQUEST', { detail: `a file (${request.headers['content-type']}) goes to POST /api/ingest/<source>${UPLOAD_ROUTE.slice('/:source'.length)}?name=; this route takes JSON` }), undefined);
      return;
    }
    spoolUpload(payload, app.config.UPLOAD_LIMIT_BYTES, Number(request.headers['content-length'])).then(
      (upload) => done(null, upload),
      (err: Error) => done(err, undefined),
    );
  });
  app.addHook('preValidation', async (request, reply) => {
    const upload = request.body;
    if (!isSpooledUpload(upload)) return;
    // a response closes once sent or once its client is gone (onResponse misses the second)
    if (reply.raw.destroyed) removeSpool(upload);
    else reply.raw.once('close', () => removeSpool(upload));
  });

  app.post(
    '/:source',
    {
      schema: {
        tags: ['ingest'],
        summary: 'Push records of a real-time source; rejected records come back with their reasons, the rest are queued',
        security: [{ sourceKey: [] }],
        params: SourceParams,
        body: PushBody,
        response: { 202: SubmitAnswer, ...errorAnswers({ body: true, also: [404] }) },
      },
      bodyLimit: app.config.PUSH_LIMIT_BYTES,
      config: { access: { ...DELIVER, action: 'ingest.push' }, auditBody: 'shape' },
    },
    async (request, reply) => {
      const { source } = request.params;
      knownSource(app, source);
      requireDelivers(request, source);
      const { records } = request.body;
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
    UPLOAD_ROUTE,
    {
      schema: {
        tags: ['ingest'],
        summary: 'Upload a periodic copy (CSV or JSON lines, as the catalog declares); the same content twice is one batch',
        security: [{ sourceKey: [] }],
        params: SourceParams,
        querystring: UploadQuery,
        response: { 202: SubmitAnswer, ...errorAnswers({ body: true, also: [404] }) },
      },
      config: { access: { ...DELIVER, action: 'ingest.upload' }, auditBody: 'shape' },
    },
    async (request, reply) => {
      const { source } = request.params;
      const { name } = request.query;
      knownSource(app, source);
      requireDelivers(request, source);
      const upload = request.body;
      if (!isSpooledUpload(upload) || !upload.bytes) {
        throw httpError('BAD_REQUEST', { detail: 'send the file as the raw body with Content-Type text/csv, application/x-ndjson or application/octet-stream' });
      }
      try {
        const r = await app.pipeline.submitFile(source, nameSpool(upload, name), { checkHeader: true });
        request.resultCount = 1;
        return reply.status(202).send({ batchId: r.batchId, source: r.source, status: r.status, duplicate: r.duplicate });
      } finally {
        removeSpool(upload);
      }
    },
  );

  app.get(
    '/jobs',
    {
      schema: { tags: ['ingest'], summary: 'Recent batches and their status', security: [{ bearer: [] }, { sourceKey: [] }], querystring: BatchListQuery, response: { 200: BatchList, ...errorAnswers() } },
      config: { access: { ...READ, action: 'ingest.jobs' } },
    },
    async (request) => {
      const q = request.query;
      const batches = await listBatches(app.graph, { ...(q.source ? { source: q.source } : {}), sources: readableSources(request), limit: q.limit });
      request.resultCount = batches.length;
      return { items: batches.map(toAnswer) };
    },
  );

  app.get(
    '/jobs/:batchId',
    {
      schema: { tags: ['ingest'], summary: 'One batch: status, counts, and its job state and progress', security: [{ bearer: [] }, { sourceKey: [] }], params: BatchParams, response: { 200: BatchAnswer, ...errorAnswers({ also: [404] }) } },
      config: { access: { ...READ, action: 'ingest.job' } },
    },
    async (request) => {
      const { batchId } = request.params;
      const b = await app.pipeline.findBatch(batchId);
      // A batch of a source the caller may not see answers like a missing one.
      if (!b || !readableSources(request).includes(b.source)) throw httpError('NOT_FOUND', { what: `batch ${batchId}` });
      request.resultCount = 1;
      return { ...toAnswer(b), job: { state: await app.pipeline.jobState(batchId) } };
    },
  );

  app.get(
    '/jobs/:batchId/rejects',
    {
      schema: {
        tags: ['ingest'],
        summary: 'The rejects report of a batch: source, file, line, record, field, code, reason (JSON, or CSV with Accept: text/csv)',
        security: [{ bearer: [] }, { sourceKey: [] }],
        params: BatchParams,
        response: {
          200: {
            description: `the rejected records without their raw values; as CSV the columns are ${REJECT_COLUMNS.join(',')}`,
            content: { 'application/json': { schema: RejectsAnswer }, 'text/csv': { schema: CsvText } },
          },
          ...errorAnswers({ also: [404] }),
        },
      },
      config: { access: { ...READ, action: 'ingest.rejects' } },
    },
    async (request, reply) => {
      const { batchId } = request.params;
      const b = await app.pipeline.findBatch(batchId);
      if (!b || !readableSources(request).includes(b.source)) throw httpError('NOT_FOUND', { what: `batch ${batchId}` });
      // Raw values stay out of the API answer (they may be sensitive); the report file keeps them.
      const rejects = b.rejectsFile && fs.existsSync(b.rejectsFile) ? readRejectsReport(b.rejectsFile).map(({ value: _v, ...r }) => r) : [];
      request.resultCount = rejects.length;
      if (wantsCsv(request.headers.accept)) {
        const lines = [REJECT_COLUMNS.join(','), ...rejects.map((r) => REJECT_COLUMNS.map((c) => csvCell(r[c])).join(','))];
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${batchId}.rejects.csv"`)
          .send(`${lines.join('\n')}\n`);
      }
      return reply.type('application/json; charset=utf-8').send({ batchId, items: rejects });
    },
  );
};
export default ingestRoutes;
