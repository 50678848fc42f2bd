import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { httpError } from '../../errors.ts';
import { storedPurposeFor } from '../../access/purpose.ts';
import { maskIdentifiersInText } from '../../access/mask-text.ts';
import type { Viewer } from '../../access/viewer.ts';
import { subtreeOf } from '../../access/admin-scope.ts';
import { confirmPair, type DecisionRow, decisionVisible, firstPartlyHidden, listDecisions, mergeEntities, readDecision, splitEntity, UndoConflict, undoDecision } from '../../repositories/resolution.ts';
import { errorAnswers, PurposeHeaders, NoQuery } from '../../schemas/common.ts';
import { CandidateList, CandidatesQuery, ConfirmBody, Decision, DecisionList, DecisionParams, DecisionsQuery, MergeBody, SplitAnswer, SplitBody } from '../../schemas/resolution.ts';
import { requireVisibleEntity } from '../../services/entity-view.ts';
import { reviewQueue } from '../../services/review-queue.ts';

const rule = (action: string) => ({ access: { roles: ['analyst'] as const, purpose: true, action } });

/**
 * Manual merge, split and confirm (analyst + purpose); each is a ResolutionDecision, audited and
 * reversible. Listing and undoing a decision need every record it touches to be visible.
 */
const resolutionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const common = { tags: ['resolution'], security: [{ bearer: [] }], headers: PurposeHeaders };
  /** A decision just written; its absence would be a bug, not a client error. */
  const written = async (id: string) => {
    const d = await readDecision(app.graph, id);
    if (!d) throw new Error(`decision ${id} was written but cannot be read back`);
    return d;
  };
  /**
   * Entities a decision will touch must be seen whole; one that is not answers like a missing one.
   * Always the LAST check before writing: a request the analyst could not make on what they see
   * (a record not theirs, nothing left, a pair that is one entity) answers 400/409 alike for an
   * entity seen whole and one a hidden source also knows — checked first, the 404 would be a free,
   * write-nothing test of "does a hidden source hold this person". What stays (docs/security.md,
   * known channels): a decision that would be carried out answers 404 or 201.
   */
  const requireWhole = async (eids: readonly string[], viewer: Viewer) => {
    const hidden = await firstPartlyHidden(app.graph, eids, viewer.visibleSources);
    if (hidden) throw httpError('NOT_FOUND', { what: `entity ${hidden}` });
  };
  /** Another analyst's decision: its case, not its purpose text; identifiers in its reason masked. */
  /** Made in the viewer's unit or a unit below it: a unit reverses its own and its units' decisions, never a sibling's or a superior's. */
  const decidedWithin = (d: DecisionRow, viewer: Viewer): boolean => subtreeOf(viewer.unitCode, viewer.units).has(d.unit);
  const asSeenBy = <D extends DecisionRow>(d: D, viewer: Viewer): D =>
    d.by === viewer.username ? d : { ...d, purpose: storedPurposeFor(d.purpose, d.by, viewer), reason: maskIdentifiersInText(d.reason) };
  const actor = (request: { viewer: { username: string; unitCode: string; purpose: unknown } }, reason: string) => ({
    by: request.viewer.username,
    unit: request.viewer.unitCode,
    purpose: JSON.stringify(request.viewer.purpose),
    reason,
  });

  app.post(
    '/merge',
    { schema: { ...common, summary: 'Merge entities into a survivor (leaves EidRedirects)', querystring: NoQuery, body: MergeBody, response: { 201: Decision, ...errorAnswers({ purpose: true, body: true, also: [404, 409] }) } }, config: rule('merge') },
    async (request, reply) => {
      const b = request.body;
      const s = await requireVisibleEntity(app.graph, b.survivor, request.viewer);
      const named = new Set([s.row.eid]);
      for (const m of b.merged) {
        const r = await requireVisibleEntity(app.graph, m, request.viewer);
        if (r.redirectedFrom) throw httpError('CONFLICT', { detail: `${m} was already merged into ${r.row.eid}` });
        if (named.has(r.row.eid)) throw httpError('CONFLICT', { detail: `${m} is ${r.row.eid === s.row.eid ? 'the survivor' : 'named twice'} (after following merges)` });
        named.add(r.row.eid);
        if (r.row.kind !== s.row.kind) throw httpError('CONFLICT', { detail: `${m} is a ${r.row.kind}, ${b.survivor} a ${s.row.kind}` });
      }
      await requireWhole([s.row.eid, ...b.merged], request.viewer);
      const id = await mergeEntities(app.graph, s.row.eid, b.merged, actor(request, b.reason));
      request.resultCount = b.merged.length;
      return reply.status(201).send(await written(id));
    },
  );

  app.post(
    '/split',
    { schema: { ...common, summary: 'Split records off an entity into a new entity', querystring: NoQuery, body: SplitBody, response: { 201: SplitAnswer, ...errorAnswers({ purpose: true, body: true, also: [404, 409] }) } }, config: rule('split') },
    async (request, reply) => {
      const b = request.body;
      const { row } = await requireVisibleEntity(app.graph, b.eid, request.viewer);
      const mine = new Set(row.records.map((r) => r.rid));
      const unknown = b.rids.filter((r) => !mine.has(r));
      if (unknown.length) throw httpError('VALIDATION', { detail: `records ${unknown.slice(0, 5).join(', ')} are not records of ${b.eid} you may see` });
      if (b.rids.length >= mine.size) throw httpError('VALIDATION', { detail: 'a split must leave at least one record on the entity' });
      await requireWhole([row.eid], request.viewer);
      const { id, newEid } = await splitEntity(app.graph, row.eid, b.rids, actor(request, b.reason));
      request.resultCount = b.rids.length;
      return reply.status(201).send({ decision: await written(id), newEid });
    },
  );

  app.post(
    '/confirm',
    { schema: { ...common, summary: 'Confirm two entities are the same (match) or different (non-match)', querystring: NoQuery, body: ConfirmBody, response: { 201: Decision, ...errorAnswers({ purpose: true, body: true, also: [404, 409] }) } }, config: rule('confirm') },
    async (request, reply) => {
      const b = request.body;
      const current: string[] = [];
      for (const e of b.eids) current.push((await requireVisibleEntity(app.graph, e, request.viewer)).row.eid);
      const [left = '', right = ''] = current; // the schema holds exactly two; current eids, after following merges
      if (left === right) throw httpError('CONFLICT', { detail: `${b.eids.join(' and ')} are one entity (after following merges)` });
      await requireWhole(current, request.viewer);
      const id = await confirmPair(app.graph, b.match ? 'confirm_match' : 'confirm_non_match', [left, right], actor(request, b.reason));
      request.resultCount = 1;
      return reply.status(201).send(await written(id));
    },
  );

  app.post(
    '/decisions/:id/undo',
    { schema: { ...common, summary: 'Reverse a merge, split or confirmation', querystring: NoQuery, params: DecisionParams, response: { 200: Decision, ...errorAnswers({ purpose: true, also: [404, 409] }) } }, config: rule('undo') },
    async (request) => {
      const { id } = request.params;
      const d = await readDecision(app.graph, id);
      // A decision the viewer may not list answers like a missing one; one they may list but whose
      // entities a hidden source has joined since (an undo would move its records) cannot be undone by them.
      const seen = d ? await decisionVisible(app.graph, id, request.viewer.visibleSources) : null;
      if (!d || !seen?.listed) throw httpError('NOT_FOUND', { what: `decision ${id}` });
      if (d.undone) throw httpError('CONFLICT', { detail: `decision ${id} was already undone` });
      if (!seen.whole) throw httpError('CONFLICT', { detail: `decision ${id} cannot be undone by you now: what it names has changed since it was made, and an undo would move records you may not see` });
      // listed to whoever sees what it touched, but reversed only by the unit that made it or one above it
      if (!decidedWithin(d, request.viewer)) throw httpError('FORBIDDEN', { detail: `decision ${id} was made by unit ${d.unit}: only that unit or one above it may undo it` });
      try {
        await undoDecision(app.graph, d, request.viewer.username);
      } catch (e) {
        if (e instanceof UndoConflict) throw httpError('CONFLICT', { detail: e.message });
        throw e;
      }
      request.resultCount = 1;
      return asSeenBy(await written(id), request.viewer);
    },
  );

  app.get(
    '/candidates',
    { schema: { ...common, summary: 'The review queue: the pipeline\'s possible matches the viewer may see, most uncertain first, each explained (waterfall)', querystring: CandidatesQuery, response: { 200: CandidateList, ...errorAnswers({ purpose: true }) } }, config: rule('candidates') },
    async (request) => {
      const q = request.query;
      const answer = await reviewQueue(app.graph, request.viewer, { source: q.source ?? null, unit: q.unit ?? null }, q.limit);
      request.resultCount = answer.items.length;
      return answer;
    },
  );

  app.get(
    '/decisions',
    { schema: { ...common, summary: 'Manual decisions, newest first (the pipeline reads them as must-link / cannot-link)', querystring: DecisionsQuery, response: { 200: DecisionList, ...errorAnswers({ purpose: true }) } }, config: rule('decisions') },
    async (request) => {
      const q = request.query;
      const decisions = (await listDecisions(app.graph, q.eid ?? null, q.limit, request.viewer.visibleSources)).map((d) => asSeenBy(d, request.viewer));
      request.resultCount = decisions.length;
      return { items: decisions };
    },
  );
};
export default resolutionRoutes;
