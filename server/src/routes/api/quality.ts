import type { SourceCatalogEntry } from '@onemap/graph-schema';
import {
  listQualityReports,
  listTickets,
  openTicket,
  producePeriodReports,
  type QualityReport,
  type QualityTicket,
  readDeliveredValues,
  readTicket,
  summarize,
  summaryCsv,
  transitionTicket,
} from '@onemap/resolver/quality';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { maskText } from '../../access/mask-for-viewer.ts';
import { isWithin } from '../../access/units.ts';
import type { Viewer } from '../../access/viewer.ts';
import { httpError } from '../../errors.ts';
import type { Reader } from '../../repositories/reader.ts';
import { readSourceRecord } from '../../repositories/records.ts';
import { recordMasker } from '../../services/record-masking.ts';
import { CsvText, errorAnswers, PurposeHeaders, NoQuery } from '../../schemas/common.ts';
import {
  ConfirmTicketBody,
  FixedBody,
  OpenTicketBody,
  QualityReportList,
  QualitySummarySchema,
  ReportsQuery,
  RunAnswer,
  SummaryQuery,
  TicketList,
  TicketParams,
  TicketSchema,
  TicketsQuery,
} from '../../schemas/quality.ts';

const REPORT_ROLES = ['planner', 'analyst', 'admin'] as const;
const TICKET_ROLES = ['officer', 'analyst', 'admin', 'planner'] as const;

/** The role under which the catalog grades a record's own columns (`record.at`, `record.role`). */
const RECORD_ROLE = 'record';
const RECORD_TARGET = `${RECORD_ROLE}.`;

/** `<role>.<attribute>` a source column (or a standardized `role.attribute` field) stands for. */
function targetOf(entry: SourceCatalogEntry | undefined, field: string, attribute: string | null | undefined): { role: string | null; attribute: string } {
  const column = entry?.fields.find((f) => f.column === field);
  const target = column?.target ?? (field.includes('.') ? field : null);
  // the record's own column (its time, its id, a person's role in a case): graded as `record.<name>` in the catalog
  if (target?.startsWith(RECORD_TARGET)) return { role: RECORD_ROLE, attribute: target.slice(RECORD_TARGET.length) };
  const [role = null, attr = null] = target ? target.split('.') : [];
  // A column kept only as raw provenance has no attribute rule: masked unless the catalog calls it public.
  const fallback = column && column.sensitivity <= 2 ? field : 'unmappedColumn';
  return { role, attribute: attribute ?? attr ?? fallback };
}

type RecordMasker = Awaited<ReturnType<typeof recordMasker>>;

/**
 * Graph rules decided over every source, whoever may read it: `authority_conflict` compares a
 * record with its person's golden value of another source (its detail names that record),
 * `owner_exists` looks for an owner in any source. Their examples, scores and the tickets they open
 * say what sources the reader may not see hold, so they go only to a reader of every source
 * (ninth review, N4).
 */
const EVERY_SOURCE_RULES: ReadonlySet<string> = new Set(['authority_conflict', 'owner_exists']);

/** Whether the viewer may read a finding of `rule`: one decided over every source needs a reader of every source. */
function mayReadRule(viewer: Viewer, rule: string | null | undefined): boolean {
  if (!rule || !EVERY_SOURCE_RULES.has(rule)) return true;
  return Object.keys(viewer.sourceAccess).every((s) => viewer.recordSources.includes(s));
}

/**
 * Example values follow the same masking as profiles: the field rule for the viewer's roles AND
 * unit (a planner sees no value in plain; a resident ID needs the source's owner unit or a grant),
 * and a value that completes an identifier the viewer sees masked on the record's entity is masked
 * (`recordMasker`).
 */
function viewReport(r: QualityReport, viewer: Viewer, catalog: readonly SourceCatalogEntry[], mask: RecordMasker) {
  const entry = catalog.find((e) => e.id === r.source);
  // Examples are a source's record values: only from sources whose records the viewer may read.
  const readable = viewer.recordSources.includes(r.source);
  return {
    ...r,
    scores: r.scores.filter((x) => mayReadRule(viewer, x.rule)),
    examples: (readable ? r.examples.filter((f) => mayReadRule(viewer, f.rule)) : []).map((f) => {
      const t = targetOf(entry, f.field, f.attribute);
      const m = f.value !== undefined ? mask({ attribute: t.attribute, value: f.value, source: r.source, role: t.role }, f.rid) : null;
      return {
        rule: f.rule,
        rid: f.rid,
        field: f.field,
        severity: f.severity,
        detail: maskText(viewer, f.detail),
        ...(m ? { value: String(m.value) } : {}),
        masked: m?.masked ?? false,
      };
    }),
  };
}

/** Reports as the viewer may see them (`viewReport`), the entities' identifiers of their examples read once. */
async function viewReports(graph: Reader, reports: QualityReport[], viewer: Viewer, catalog: readonly SourceCatalogEntry[]) {
  const mask = await recordMasker(graph, viewer, reports.flatMap((r) => r.examples.map((f) => f.rid)));
  return reports.map((r) => viewReport(r, viewer, catalog, mask));
}

/**
 * Tickets as the viewer may see them: the reported and expected values masked like the column they
 * belong to, and like a value completing an identifier the viewer sees masked on the record's entity.
 */
async function viewTickets(graph: Reader, tickets: QualityTicket[], viewer: Viewer, catalog: readonly SourceCatalogEntry[]): Promise<QualityTicket[]> {
  const masker = await recordMasker(graph, viewer, tickets.map((t) => t.rid));
  return tickets.map((t) => {
    const target = targetOf(
      catalog.find((e) => e.id === t.source),
      t.field,
      t.attribute,
    );
    const mask = (value: string) => String(masker({ attribute: target.attribute, value, source: t.source, role: target.role }, t.rid).value);
    return {
      ...t,
      reportedValue: mask(t.reportedValue),
      expected: t.expected === null ? null : mask(t.expected),
      reason: maskText(viewer, t.reason),
      history: t.history.map((e) => (e.note ? { ...e, note: maskText(viewer, e.note) } : e)),
    };
  });
}

/** One ticket as the viewer may see it (`viewTickets`). */
async function viewTicket(graph: Reader, t: QualityTicket, viewer: Viewer, catalog: readonly SourceCatalogEntry[]): Promise<QualityTicket> {
  return (await viewTickets(graph, [t], viewer, catalog))[0] as QualityTicket;
}

function window(q: { from?: string; to?: string; days: number }) {
  const to = q.to ? new Date(q.to) : new Date();
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - q.days * 86_400_000);
  const len = to.getTime() - from.getTime();
  return { from: from.toISOString(), to: to.toISOString(), prevFrom: new Date(from.getTime() - len).toISOString() };
}

/** The ticket if the viewer may see it: addressed to their unit subtree, or opened by them / their unit subtree. */
async function ticketFor(app: FastifyInstance, request: FastifyRequest, id: string): Promise<QualityTicket> {
  const t = await readTicket(app.graph, id);
  const v = request.viewer;
  // A ticket shows a source's value and record: only for readers who may read that source's records.
  if (
    !t ||
    !v.recordSources.includes(t.source) ||
    !mayReadRule(v, t.rule) ||
    !(
      isWithin(t.ownerUnit, v.unitCode, v.units) ||
      t.openedBy === v.username ||
      isWithin(t.openedUnit, v.unitCode, v.units)
    )
  )
    throw httpError('NOT_FOUND', { what: `ticket ${id}` });
  return t;
}

/**
 * Data quality (R5, R14): reports per source and owner unit with trend and CSV export, and the
 * correction-ticket life cycle (open → fixed at source → verified by the next delivery → confirmed).
 */
const qualityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const common = { tags: ['quality'], security: [{ bearer: [] }] };
  const catalog = (): SourceCatalogEntry[] => app.pipeline.deps.catalog;

  // The scheduled period report is a background job (resolver/src/jobs/background-jobs.ts): it runs
  // under `onemap worker`, or in the server's pipeline plugin with INGEST_WORKER=embedded.

  app.get(
    '/reports',
    {
      schema: {
        ...common,
        summary:
          'Quality reports (per batch and per period), newest first; example values masked unless you own the source',
        querystring: ReportsQuery,
        headers: PurposeHeaders,
        response: { 200: QualityReportList, ...errorAnswers({ purpose: true }) },
      },
      config: { access: { roles: REPORT_ROLES, purpose: 'optional', action: 'quality-reports' } },
    },
    async (request) => {
      const q = request.query;
      const v = request.viewer;
      const sources = v.visibleSources.filter((s) => !q.source || s === q.source);
      const reports = await listQualityReports(app.graph, {
        sources,
        ownerUnit: q.ownerUnit ?? null,
        from: q.from ?? null,
        to: q.to ?? null,
        limit: q.limit,
      });
      request.resultCount = reports.length;
      return { items: await viewReports(app.graph, reports, v, catalog()) };
    },
  );

  const summary = async (request: FastifyRequest, q: SummaryQuery) => {
    const w = window(q);
    const sources = request.viewer.visibleSources;
    const args = { sources, ownerUnit: q.ownerUnit ?? null, limit: 10_000 };
    const current = await listQualityReports(app.graph, { ...args, from: w.from, to: w.to });
    const previous = await listQualityReports(app.graph, { ...args, from: w.prevFrom, to: w.from });
    return { from: w.from, to: w.to, sources: summarize(current, previous) };
  };

  app.get(
    '/summary',
    {
      schema: {
        ...common,
        summary:
          'Per source (optionally one owner unit): per-rule scores in the period and the trend against the period before',
        querystring: SummaryQuery,
        response: { 200: QualitySummarySchema, ...errorAnswers() },
      },
      config: { access: { roles: REPORT_ROLES, purpose: false, action: 'quality-summary' } },
    },
    async (request) => {
      const s = await summary(request, request.query);
      request.resultCount = s.sources.length;
      return s;
    },
  );

  app.get(
    '/summary.csv',
    {
      schema: {
        ...common,
        summary: 'The summary as CSV (one row per source and rule)',
        querystring: SummaryQuery,
        response: {
          200: { description: 'one row per source and rule', content: { 'text/csv': { schema: CsvText } } },
          ...errorAnswers(),
        },
      },
      config: { access: { roles: REPORT_ROLES, purpose: false, action: 'quality-summary-csv' } },
    },
    async (request, reply) => {
      const s = await summary(request, request.query);
      request.resultCount = s.sources.length;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="quality-summary.csv"')
        .send(summaryCsv(s.sources));
    },
  );

  app.post(
    '/reports/run',
    {
      schema: {
        ...common,
        summary: 'Produce the period reports now (the scheduled job does this every day)',
        querystring: NoQuery,
        response: { 201: RunAnswer, ...errorAnswers() },
      },
      config: { access: { roles: ['admin'] as const, purpose: false, action: 'quality-run' } },
    },
    async (request, reply) => {
      const v = request.viewer;
      // an admin runs the graph rules for the sources their unit owns (the province: all)
      const mine = catalog().filter((e) => isWithin(v.source(e.id)?.ownerUnit ?? e.ownerUnit, v.unitCode, v.units));
      const ids = await producePeriodReports(app.graph, mine);
      request.resultCount = ids.length;
      return reply.status(201).send({ reports: ids.length });
    },
  );

  app.post(
    '/tickets',
    {
      schema: {
        ...common,
        summary: 'Open a correction ticket on a wrong value; it goes to the source’s owner unit',
        headers: PurposeHeaders,
        querystring: NoQuery,
        body: OpenTicketBody,
        response: { 201: TicketSchema, ...errorAnswers({ purpose: true, body: true, also: [404] }) },
      },
      config: { access: { roles: ['officer', 'analyst'] as const, purpose: true, action: 'quality-ticket-open' } },
    },
    async (request, reply) => {
      const b = request.body;
      const v = request.viewer;
      const row = await readSourceRecord(app.graph, b.rid);
      if (!row || !v.visibleSources.includes(row.source)) throw httpError('NOT_FOUND', { what: `record ${b.rid}` });
      const entry = catalog().find((e) => e.id === row.source);
      // the record as delivered: from staging (the graph keeps only where: batch and line), or
      // from `raw` on a graph written before (until migration V047 removed it)
      const delivered =
        (entry && row.batchHash && row.line !== null
          ? readDeliveredValues(app.pipeline.deps.stagingDir, entry, { source: row.source, hash: row.batchHash, way: row.batchWay ?? 'file', line: row.line })
          : null) ?? (JSON.parse(row.raw ?? '{}') as Record<string, string | undefined>);
      const raw = Object.fromEntries(Object.entries(delivered).filter((x): x is [string, string] => x[1] !== undefined));
      // `field` is a source column, or `<role>.<attribute>` of the standardized record
      const [role = '', attribute = ''] = b.field.split('.');
      const std = b.field.includes('.')
        ? (JSON.parse(row.attrs ?? '{}') as Record<string, Record<string, string>>)[role]?.[attribute]
        : undefined;
      if (!(b.field in raw) && std === undefined && !entry?.fields.some((f) => f.column === b.field))
        throw httpError('VALIDATION', { detail: `${row.source} has no field ${b.field}` });
      const target = entry?.fields.find((f) => f.column === b.field)?.target ?? (std !== undefined ? b.field : null);
      const reportedValue = raw[b.field] ?? std ?? '';
      if (b.expected !== undefined && b.expected !== null) {
        // a ticket is verified when a new delivery brings the expected value: on a field the opener
        // sees masked, its status would confirm a guess of the hidden value
        const rule = targetOf(entry, b.field, target ? (target.split('.')[1] ?? null) : null);
        const masker = await recordMasker(app.graph, v, [b.rid]);
        const masked = (value: string) => masker({ attribute: rule.attribute, value, source: row.source, role: rule.role }, b.rid).masked;
        if (masked(reportedValue) || masked(b.expected))
          throw httpError('VALIDATION', { detail: `expected may be given only for a field you read in plain; ${b.field} of ${b.rid} is masked for you (describe the error in the reason)` });
      }
      const { ticket } = await openTicket(app.graph, {
        source: row.source,
        ownerUnit: v.source(row.source)?.ownerUnit ?? entry?.ownerUnit ?? '',
        rid: b.rid,
        field: b.field,
        attribute: target ? (target.split('.')[1] ?? null) : null,
        reportedValue,
        expected: b.expected ?? null,
        reason: b.reason,
        openedBy: v.username,
        openedUnit: v.unitCode,
      });
      request.resultCount = 1;
      return reply.status(201).send(await viewTicket(app.graph, ticket, v, catalog()));
    },
  );

  app.get(
    '/tickets',
    {
      schema: {
        ...common,
        summary: 'Tickets addressed to your unit (and the units under it) and tickets you or your unit opened',
        querystring: TicketsQuery,
        headers: PurposeHeaders,
        response: { 200: TicketList, ...errorAnswers({ purpose: true }) },
      },
      config: { access: { roles: TICKET_ROLES, purpose: 'optional', action: 'quality-tickets' } },
    },
    async (request) => {
      const q = request.query;
      const v = request.viewer;
      const below = [...v.units.keys()].filter((u) => isWithin(u, v.unitCode, v.units));
      const units = below.length ? below : [v.unitCode];
      const tickets = await listTickets(app.graph, {
        ownerUnits: units,
        openedBy: v.username,
        openedUnits: units,
        status: q.status ?? null,
        source: q.source ?? null,
        sources: [...v.recordSources],
        limit: q.limit,
      });
      const readable = tickets.filter((t) => mayReadRule(v, t.rule));
      request.resultCount = readable.length;
      return { items: await viewTickets(app.graph, readable, v, catalog()) };
    },
  );

  app.get(
    '/tickets/:id',
    {
      schema: {
        ...common,
        summary: 'One ticket with its history',
        params: TicketParams,
        querystring: NoQuery,
        headers: PurposeHeaders,
        response: { 200: TicketSchema, ...errorAnswers({ purpose: true, also: [404] }) },
      },
      config: { access: { roles: TICKET_ROLES, purpose: 'optional', action: 'quality-ticket' } },
    },
    async (request) => {
      const t = await ticketFor(app, request, request.params.id);
      request.resultCount = 1;
      return viewTicket(app.graph, t, request.viewer, catalog());
    },
  );

  app.post(
    '/tickets/:id/fixed',
    {
      schema: {
        ...common,
        summary: 'The owner unit’s admin marks the value fixed at the source; the next delivery verifies it',
        params: TicketParams,
        querystring: NoQuery,
        body: FixedBody,
        response: { 200: TicketSchema, ...errorAnswers({ body: true, also: [404, 409] }) },
      },
      config: { access: { roles: ['admin'] as const, purpose: false, action: 'quality-ticket-fixed' } },
    },
    async (request) => {
      const { id } = request.params;
      const v = request.viewer;
      const t = await ticketFor(app, request, id);
      if (!isWithin(t.ownerUnit, v.unitCode, v.units))
        throw httpError('FORBIDDEN', { detail: `ticket ${id} is addressed to unit ${t.ownerUnit}, not yours` });
      const next = await transitionTicket(app.graph, id, ['open', 'reopened'], 'fixed_at_source', {
        at: new Date().toISOString(),
        by: v.username,
        action: 'fixed_at_source',
        note: request.body.note,
      });
      if (!next)
        throw httpError('CONFLICT', {
          detail: `ticket ${id} is ${t.status}; only an open or reopened ticket can be marked fixed`,
        });
      request.resultCount = 1;
      return viewTicket(app.graph, next, v, catalog());
    },
  );

  app.post(
    '/tickets/:id/confirm',
    {
      schema: {
        ...common,
        summary: 'The reporter confirms a verified correction (accept) or reopens the ticket (accept: false)',
        params: TicketParams,
        querystring: NoQuery,
        body: ConfirmTicketBody,
        headers: PurposeHeaders,
        response: { 200: TicketSchema, ...errorAnswers({ purpose: true, body: true, also: [404, 409] }) },
      },
      config: { access: { roles: TICKET_ROLES, purpose: 'optional', action: 'quality-ticket-confirm' } },
    },
    async (request) => {
      const { id } = request.params;
      const b = request.body;
      const v = request.viewer;
      const t = await ticketFor(app, request, id);
      // A rule-opened ticket is confirmed by an admin of the unit the rule opened it for.
      const reporter =
        t.openedBy === v.username ||
        (t.rule !== null && v.hasRole('admin') && isWithin(t.openedUnit, v.unitCode, v.units));
      if (!reporter)
        throw httpError('FORBIDDEN', { detail: `only ${t.openedBy}, who reported it, confirms ticket ${id}` });
      const event = {
        at: new Date().toISOString(),
        by: v.username,
        action: b.accept ? ('confirmed' as const) : ('reopened' as const),
        ...(b.note ? { note: b.note } : {}),
      };
      const next = b.accept
        ? await transitionTicket(app.graph, id, ['verified'], 'confirmed', event)
        : await transitionTicket(app.graph, id, ['verified', 'fixed_at_source'], 'reopened', event);
      if (!next)
        throw httpError('CONFLICT', {
          detail: b.accept
            ? `ticket ${id} is ${t.status}: it can be confirmed only once the corrected value has arrived (verified)`
            : `ticket ${id} is ${t.status} and cannot be reopened`,
        });
      request.resultCount = 1;
      return viewTicket(app.graph, next, v, catalog());
    },
  );
};
export default qualityRoutes;
