/** Early-warning rules (预警) and their hits as the server's API keeps and shows them (the pipeline's evaluator writes hits). */
import { randomUUID } from 'node:crypto';
import { Label, toBeijingIso } from '@onemap/graph-schema';
import { currentEidCypher, currentEidsCypher, type Graph, writeTx } from '@onemap/graph-schema/server';
import { visibleEdge, visibleEntity } from './cypher.ts';
import { type Reader, read } from './reader.ts';

export interface NewWarningRule {
  name: string;
  kind: string;
  unitCode: string;
  createdBy: string;
  purposeJson: string;
  expiresAt: string;
  subjects: string[];
  areaJson: string | null;
  jurisdiction: string | null;
  trigger: string | null;
  placeEids: string[];
  windowMinutes: number | null;
  minCount: number | null;
  knownCompanions: string[];
  /** The sources the rule is evaluated in the view of (its creator's, under the rule's purpose): no hidden sighting or companion decides a hit. */
  viewSources: string[];
}

const RULE_FIELDS = `w.id AS id, w.name AS name, w.kind AS kind, w.unitCode AS unitCode, w.createdBy AS createdBy, w.purposeJson AS purposeJson,
  toString(w.createdAt) AS createdAt, toString(w.expiresAt) AS expiresAt, (w.active AND w.expiresAt > datetime()) AS active, w.subjects AS subjects,
  w.areaJson AS areaJson, w.jurisdiction AS jurisdiction, w.trigger AS trigger, coalesce(w.placeEids, []) AS placeEids,
  w.windowMinutes AS windowMinutes, w.minCount AS minCount,
  ${currentEidsCypher('w.subjects')} AS currentSubjects, ${currentEidsCypher('coalesce(w.placeEids, [])')} AS currentPlaceEids`;

/**
 * A rule the viewer may know of: every entity it names — subjects and checkpoints, each as it is
 * now, through every merge since (`currentEidCypher`, as the watch list decides) — is visible
 * through `$vs`; a colleague who may not see its subject learns neither the rule, its name nor its
 * subject.
 */
const RULE_SEEN = `all(named IN coalesce(w.subjects, []) + coalesce(w.placeEids, []) WHERE EXISTS {
  MATCH (e:Entity) WHERE e.eid = ${currentEidCypher('named')} AND ${visibleEntity('e')}
})`;

/** A visible hit: every source that fired it is one the viewer sees. */
const VISIBLE_HIT = 'all(s IN h.sources WHERE s IN $vs)';

export interface WarningRuleRow {
  id: string;
  name: string;
  kind: string;
  unitCode: string;
  createdBy: string;
  purposeJson: string;
  createdAt: string;
  expiresAt: string;
  active: boolean;
  /** the eids the rule was made on */
  subjects: string[];
  /** each subject's eid now: itself, or after a merge its survivor's (chains followed; an undo brings the subject back) */
  currentSubjects: string[];
  areaJson: string | null;
  jurisdiction: string | null;
  trigger: string | null;
  placeEids: string[];
  /** each checkpoint's eid now, as `currentSubjects` */
  currentPlaceEids: string[];
  windowMinutes: number | null;
  minCount: number | null;
  hits: number;
  lastHitAt: string | null;
}

function toRow(o: Record<string, unknown>): WarningRuleRow {
  const r = o as unknown as WarningRuleRow;
  return {
    ...r,
    createdAt: toBeijingIso(r.createdAt),
    expiresAt: toBeijingIso(r.expiresAt),
    lastHitAt: r.lastHitAt ? toBeijingIso(r.lastHitAt) : null,
  };
}

/** Creates a rule for a unit; returns it as listed. */
export async function createWarningRule(graph: Graph, w: NewWarningRule): Promise<WarningRuleRow> {
  const id = `R-${randomUUID()}`;
  return writeTx(graph, async (tx) => {
    const r = await tx.run(
      `CREATE (w:WarningRule {id: $id, active: true, createdAt: datetime()})
       SET w += $props, w.expiresAt = datetime($expiresAt)
       RETURN ${RULE_FIELDS}, 0 AS hits, null AS lastHitAt`,
      { id, expiresAt: w.expiresAt, props: { ...w, expiresAt: null } },
    );
    return toRow(r.records[0]!.toObject());
  });
}

/**
 * The unit's rules whose every named entity `vs` sees (`RULE_SEEN`), newest first, with the hits
 * `vs` may see (summed from the rule's `WarningHitTally` per set of sources: a few nodes, however
 * long the rule has fired) and the eids their subjects and checkpoints have now (`currentSubjects`,
 * `currentPlaceEids`: one seek each when none was merged away).
 */
export async function listWarningRules(
  graph: Reader,
  unitCode: string,
  vs: readonly string[],
): Promise<WarningRuleRow[]> {
  return read(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (w:WarningRule {unitCode: $unitCode}) WHERE ${RULE_SEEN}
       CALL (w) {
         OPTIONAL MATCH (t:${Label.WarningHitTally} {ruleId: w.id}) WHERE all(s IN t.sources WHERE s IN $vs)
         RETURN coalesce(sum(t.hits), 0) AS hits, max(t.lastAt) AS last
       }
       RETURN ${RULE_FIELDS}, hits, toString(last) AS lastHitAt
       ORDER BY w.createdAt DESC LIMIT 500`,
      { unitCode, vs },
    );
    return r.records.map((x) => toRow(x.toObject()));
  });
}

/** One rule of the unit that `vs` may know of, or null (another unit's rule, or one naming an entity `vs` does not see, answers like a missing one). */
export async function readWarningRule(graph: Reader, id: string, unitCode: string, vs: readonly string[]): Promise<{ id: string } | null> {
  return read(graph, async (tx) => {
    const r = await tx.run(`MATCH (w:WarningRule {id: $id, unitCode: $unitCode}) WHERE ${RULE_SEEN} RETURN w.id AS id`, { id, unitCode, vs: [...vs] });
    return (r.records[0]?.toObject() as { id: string } | undefined) ?? null;
  });
}

export interface WarningHitRow {
  id: string;
  ruleId: string;
  kind: string;
  at: string;
  firedAt: string;
  /** the entities as they were when it fired */
  eids: string[];
  /** each of `eids` as it is now (through merges since) */
  currentEids: string[];
  placeEid: string | null;
  detail: string;
  sources: string[];
}

/** A rule's hits the viewer may see, newest first; `limit + 1` read so the caller can say truncated. */
export async function listWarningHits(
  graph: Reader,
  ruleId: string,
  vs: readonly string[],
  limit: number,
): Promise<WarningHitRow[]> {
  return read(graph, async (tx) => {
    const r = await tx.run(
      // newest first in the order of index warning_hit_rule (ruleId, at), stopped at the page: a
      // standing rule keeps firing, and sorting all its hits for each page grew with them
      `MATCH (h:WarningHit {ruleId: $ruleId}) WHERE h.at IS NOT NULL AND ${VISIBLE_HIT}
       WITH h ORDER BY h.ruleId DESC, h.at DESC, h.id LIMIT toInteger($limit) + 1
       RETURN h.id AS id, h.ruleId AS ruleId, h.kind AS kind, toString(h.at) AS at, toString(h.firedAt) AS firedAt, h.eids AS eids,
              ${currentEidsCypher('h.eids')} AS currentEids,
              h.placeEid AS placeEid, coalesce(h.detail, '') AS detail, h.sources AS sources
       ORDER BY h.at DESC, h.id`,
      { ruleId, vs, limit },
    );
    return r.records.map((x) => {
      const o = x.toObject() as WarningHitRow;
      return { ...o, at: toBeijingIso(o.at), firedAt: toBeijingIso(o.firedAt) };
    });
  });
}

/** Ends a unit's rule now (it expires); false when the unit has no such active rule. */
/** Ends a rule of the unit that `by` made or `vs` may know of (`RULE_SEEN`); false when there is none. */
export async function endWarningRule(graph: Graph, id: string, unitCode: string, by: string, vs: readonly string[]): Promise<boolean> {
  return writeTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (w:WarningRule {id: $id, unitCode: $unitCode}) WHERE w.active AND (w.createdBy = $by OR ${RULE_SEEN}) SET w.active = false, w.endedBy = $by, w.endedAt = datetime() RETURN count(w) AS n`,
      { id, unitCode, by, vs: [...vs] },
    );
    return Number(r.records[0]?.get('n') ?? 0) > 0;
  });
}

/** Everyone already a companion of these persons by a CO_TRAVELED edge `vs` sees: not "new" for a co-travel rule (a companion known only by a hidden edge is new to the rule's unit). */
export async function readCompanionEids(graph: Reader, eids: readonly string[], vs: readonly string[]): Promise<string[]> {
  return read(graph, async (tx) => {
    const r = await tx.run(
      `UNWIND $eids AS eid MATCH (:Person {eid: eid})-[c:CO_TRAVELED]-(b:Person) WHERE ${visibleEdge('c')} RETURN collect(DISTINCT b.eid) AS known`,
      { eids, vs: [...vs] },
    );
    return (r.records[0]?.get('known') as string[] | undefined) ?? [];
  });
}
