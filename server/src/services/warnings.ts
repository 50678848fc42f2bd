import type { Graph } from '@onemap/graph-schema/server';
import { maskIdentifiersInText } from '../access/mask-text.ts';
import { storedPurposeFor } from '../access/purpose.ts';
import type { Viewer } from '../access/viewer.ts';
import { httpError } from '../errors.ts';
import { withRead } from '../repositories/reader.ts';
import {
  createWarningRule,
  listWarningHits,
  listWarningRules,
  readCompanionEids,
  readWarningRule,
  type WarningRuleRow,
} from '../repositories/warnings.ts';
import type { EntitySummary } from '../schemas/common.ts';
import { WARNING_RULE_LIMITS, type WarningRule, type WarningRuleBody } from '../schemas/warnings.ts';
import { requireVisibleJurisdiction } from './areas.ts';
import { requireVisibleEntity, summaries } from './entity-view.ts';

/** Which subject kinds each rule kind watches, and how many it needs. */
const KIND_RULES: Record<WarningRuleBody['kind'], { kinds: string[]; min: number }> = {
  area: { kinds: ['Person', 'Vehicle'], min: 1 },
  checkpoint: { kinds: ['Vehicle'], min: 1 },
  meet: { kinds: ['Person'], min: 2 },
  gather: { kinds: ['Person'], min: 2 },
  cotravel: { kinds: ['Person'], min: 1 },
};

const uniq = <T>(xs: readonly T[]) => [...new Set(xs)];
const bad = (detail: string) => httpError('BAD_WARNING_RULE', { detail });

/** Checks a rule's fields against its kind, collecting every problem (400 ONEMAP_ERR_BAD_WARNING_RULE). */
function checkShape(b: WarningRuleBody): void {
  const problems: string[] = [];
  const need = KIND_RULES[b.kind];
  if (b.subjects.length < need.min) problems.push(`a ${b.kind} rule watches at least ${need.min} subjects`);
  const areas = [b.polygon, b.jurisdiction].filter((x) => x !== undefined).length;
  if (b.kind === 'area' && areas !== 1) problems.push('an area rule names exactly one of polygon or jurisdiction');
  if (b.kind !== 'area' && (areas || b.trigger))
    problems.push(`polygon, jurisdiction and trigger belong to area rules, not ${b.kind}`);
  if (b.kind !== 'checkpoint' && b.placeEids) problems.push('placeEids belong to checkpoint rules');
  if (b.kind !== 'meet' && b.kind !== 'gather' && b.windowMinutes !== undefined)
    problems.push('windowMinutes belongs to meet and gather rules');
  if (b.kind !== 'gather' && b.minCount !== undefined) problems.push('minCount belongs to gather rules');
  if (b.kind === 'gather' && (b.minCount ?? 3) > b.subjects.length)
    problems.push(`a gathering of ${b.minCount ?? 3} needs at least that many subjects`);
  if (Date.parse(b.expiresAt) - Date.now() > WARNING_RULE_LIMITS.maxDays * 86_400_000)
    problems.push(`a rule expires within ${WARNING_RULE_LIMITS.maxDays} days`);
  if (problems.length) throw bad(problems.join('; '));
}

function toRule(r: WarningRuleRow): WarningRule {
  const area = r.areaJson ? (JSON.parse(r.areaJson) as { polygon?: unknown }) : null;
  const { areaJson: _a, ...rest } = r;
  return {
    ...rest,
    kind: r.kind as WarningRule['kind'],
    trigger: r.trigger as WarningRule['trigger'],
    polygon: area?.polygon ?? null,
    hits: Number(r.hits),
  };
}

/**
 * Creates an early-warning rule for the viewer's unit: every subject (and checkpoint) must be an
 * entity the viewer sees, of the kind the rule watches; a jurisdiction one the viewer may name.
 */
export async function createRule(graph: Graph, viewer: Viewer, b: WarningRuleBody): Promise<WarningRule> {
  checkShape(b);
  const prepared = await withRead(graph, async (r) => {
    const subjects: string[] = [];
    for (const eid of b.subjects) {
      const { row } = await requireVisibleEntity(r, eid, viewer, { records: 0 });
      if (!KIND_RULES[b.kind].kinds.includes(row.kind))
        throw bad(`a ${b.kind} rule watches ${KIND_RULES[b.kind].kinds.join(' or ')}; ${eid} is a ${row.kind}`);
      subjects.push(row.eid);
    }
    const places: string[] = [];
    for (const eid of b.placeEids ?? []) {
      const { row } = await requireVisibleEntity(r, eid, viewer, { records: 0 });
      if (row.kind !== 'Place') throw bad(`${eid} is not a place`);
      places.push(row.eid);
    }
    let areaJson: string | null = null;
    if (b.jurisdiction) areaJson = JSON.stringify({ prefix: requireVisibleJurisdiction(viewer, b.jurisdiction) });
    else if (b.polygon) areaJson = JSON.stringify({ polygon: b.polygon });
    const knownCompanions = b.kind === 'cotravel' ? await readCompanionEids(r, subjects, viewer.visibleSources) : [];
    return { subjects: [...new Set(subjects)], places, areaJson, knownCompanions };
  });
  const row = await createWarningRule(graph, {
    name: b.name,
    kind: b.kind,
    unitCode: viewer.unitCode,
    createdBy: viewer.username,
    purposeJson: JSON.stringify(viewer.purpose),
    expiresAt: new Date(Date.parse(b.expiresAt)).toISOString(),
    subjects: prepared.subjects,
    areaJson: prepared.areaJson,
    jurisdiction: b.jurisdiction ?? null,
    trigger: b.kind === 'area' ? (b.trigger ?? 'both') : null,
    placeEids: prepared.places,
    windowMinutes: b.kind === 'meet' || b.kind === 'gather' ? (b.windowMinutes ?? 30) : null,
    minCount: b.kind === 'gather' ? (b.minCount ?? 3) : null,
    knownCompanions: prepared.knownCompanions,
    viewSources: [...viewer.visibleSources],
  });
  return toRule(row);
}

/** The viewer's unit's rules naming only entities the viewer sees, with the hits the viewer may see. */
export async function listRules(graph: Graph, viewer: Viewer): Promise<WarningRule[]> {
  // another's rule: its case, not its purpose text; identifiers in its name masked (as a decision's reason)
  return (await listWarningRules(graph, viewer.unitCode, viewer.visibleSources)).map((r) =>
    toRule({
      ...r,
      name: r.createdBy === viewer.username ? r.name : maskIdentifiersInText(r.name),
      purposeJson: storedPurposeFor(r.purposeJson, r.createdBy, viewer),
    }),
  );
}

/**
 * Whether the viewer may read a hit: the viewer sees every source that fired it and may know of
 * its rule (`readWarningRule`: the viewer's unit's, every entity it names visible) — the one test
 * of the hits list and the watch stream, so an alert is never pushed to whom its rule is hidden.
 */
export async function hitVisibleTo(graph: Graph, viewer: Viewer, hit: { ruleId: string; sources: readonly string[] }): Promise<boolean> {
  if (!hit.sources.every((s) => viewer.visibleSources.includes(s))) return false;
  return withRead(graph, async (r) => (await readWarningRule(r, hit.ruleId, viewer.unitCode, viewer.visibleSources)) !== null);
}

/** A rule's hits the viewer may see, each entity as the viewer may see it; another unit's rule is a 404. */
export async function listHits(graph: Graph, viewer: Viewer, ruleId: string, limit: number) {
  return withRead(graph, async (r) => {
    if (!(await readWarningRule(r, ruleId, viewer.unitCode, viewer.visibleSources)))
      throw httpError('NOT_FOUND', { what: `warning rule ${ruleId}` });
    const rows = await listWarningHits(r, ruleId, viewer.visibleSources, limit);
    const kept = rows.slice(0, limit);
    // each entity as it is now: a hit on an entity merged away since shows its survivor
    const sums = await summaries(
      r,
      kept.flatMap((h) => h.currentEids),
      viewer,
    );
    return {
      items: kept.map((h) => ({
        ...h,
        kind: h.kind as WarningRule['kind'],
        entities: uniq(h.currentEids).map((e) => sums.get(e)).filter((s): s is EntitySummary => Boolean(s)),
      })),
      truncated: rows.length > limit,
    };
  });
}
