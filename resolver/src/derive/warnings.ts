/**
 * Early warning (预警): evaluates the active rules of the entities a batch touched, after the
 * batch's write committed, records each new hit and publishes it on the events channel, where the
 * server pushes it to the rule's unit (SSE) after checking every record that fired it against the
 * viewer. Kinds: a watched person/vehicle enters or leaves an area (a drawn polygon or a
 * jurisdiction); a watched vehicle passes a checkpoint; two watched persons meet (same place
 * within a window); N watched persons gather at one place (聚集); a watched person co-travels
 * with someone new (evaluated after co-travel derivation).
 */
import { coarseHomePosition, type GeoPolygon, pointInPolygon } from '@onemap/graph-schema';
import type { Graph } from '@onemap/graph-schema/server';
import type { Redis } from 'ioredis';
import {
  readActiveWarningRules,
  readCompanions,
  readFiredPairs,
  readSightings,
  readSightingsNear,
  type PlaceAt,
  type SightingRow,
  type WarningHitRow,
  type WarningRuleRow,
  writeWarningHits,
} from '../graph/warnings.ts';

/** Settings of the rule kinds that have one, by name. */
export const WARNING_DEFAULTS = {
  /** meet/gather: how close in time two sightings at one place must be. */
  windowMinutes: 30,
  /** gather: how many of the rule's persons make a gathering. */
  minCount: 3,
} as const;

/** The kinds a sighting fires (co-travel rules are evaluated after the co-travel derivation). */
const SIGHTING_KINDS: readonly WarningRuleRow['kind'][] = ['area', 'checkpoint', 'meet', 'gather'];

/** What the evaluator publishes for a new hit (the server's SSE route reads it). */
export interface WarningEvent {
  type: 'warning';
  hitId: string;
  ruleId: string;
  kind: WarningRuleRow['kind'];
  unitCode: string;
  /** the entities the hit is about; `eid` is the first */
  eids: string[];
  eid: string;
  placeEid: string | null;
  at: string;
  /** the source of every record that fired it: a viewer sees the alert only when it sees them all */
  sources: string[];
  source: string;
  rids: string[];
  rid: string;
}

/** A touched fact as the pipeline reports it (`GraphResolver` stats). */
export interface TouchedFact {
  eid: string;
  type: 'trace' | 'relation';
  at: string | null;
  source: string;
  rid: string;
}

export type Area = { polygon: GeoPolygon } | { prefix: string };

/**
 * Whether a sighting's place, as the rule's view knows it (`placeInView`), is in the area; a home
 * in that view (`isHomeForSourcesCypher`, not only a node whose kind says so) counts at its ~1 km
 * cell, where the view's answers show it (no polygon locates a home more finely).
 */
export function inArea(area: Area, p: { lon: number | null; lat: number | null; unitCode: string | null; home: boolean }): boolean {
  if ('prefix' in area) return typeof p.unitCode === 'string' && p.unitCode.startsWith(area.prefix);
  if (p.lon == null || p.lat == null) return false;
  const at = p.home ? coarseHomePosition(p.lon, p.lat) : { lon: p.lon, lat: p.lat };
  return pointInPolygon(at.lon, at.lat, area.polygon);
}

/**
 * The sources of what placed the sightings in or out of an area: the points' sources for a
 * polygon, the county codes' sources for a jurisdiction (a viewer sees the hit only when it sees
 * them all, as the answers show a point or a county only from a visible source).
 */
function areaSources(area: Area, places: readonly PlaceAt[]): string[] {
  const of = (p: PlaceAt) => ('polygon' in area ? p.pointSource : p.divisionSource);
  return places.map(of).filter((x): x is string => typeof x === 'string');
}

const uniq = <T>(xs: T[]) => [...new Set(xs)];

/** A sighting of another subject at the same place within the window (`readSightingsNear`, in the rule's view). */
export type NearSighting = { eid: string; rid: string; source: string; at: string };

/**
 * The hits a meet or gather rule makes of sighting `s` and the other subjects' sightings `near`
 * it (in the rule's view, ordered by time). A meeting is one hit per pair of sightings; a
 * gathering is keyed by its sightings (`s` and each other member's first one in the window), so
 * the same gathering evaluated again (another member's sighting of one batch, a batch delivered
 * twice) is one hit, and a gathering of the same persons on another day is another.
 */
export function togetherHits(rule: WarningRuleRow, s: Pick<SightingRow, 'eid' | 'rid' | 'source' | 'at' | 'placeEid'>, nearAll: readonly NearSighting[]): WarningHitRow[] {
  const base = { ruleId: rule.id, kind: rule.kind, unitCode: rule.unitCode, at: s.at, placeEid: s.placeEid };
  const minutes = rule.windowMinutes ?? WARNING_DEFAULTS.windowMinutes;
  const near = nearAll.filter((n) => n.rid !== s.rid && n.eid !== s.eid);
  if (rule.kind === 'meet') {
    return near.map((n) => {
      const pair = [s.eid, n.eid].sort();
      const rids = [s.rid, n.rid].sort();
      return {
        ...base,
        key: `${rule.id}|${pair.join('+')}|${rids.join('+')}`,
        eids: pair,
        sources: uniq([s.source, n.source]),
        rids,
        detail: `${minutes} min`,
      };
    });
  }
  const firstOf = new Map<string, NearSighting>();
  for (const n of near) if (!firstOf.has(n.eid)) firstOf.set(n.eid, n);
  const group = [s.eid, ...firstOf.keys()].sort();
  const min = rule.minCount ?? WARNING_DEFAULTS.minCount;
  if (group.length < min) return [];
  const members = [...firstOf.values()];
  const rids = [s.rid, ...members.map((m) => m.rid)];
  return [
    {
      ...base,
      key: `${rule.id}|${s.placeEid}|${[...rids].sort().join('+')}`,
      eids: group,
      sources: uniq([s.source, ...members.map((m) => m.source)]),
      rids,
      detail: `${group.length} ≥ ${min} within ${minutes} min`,
    },
  ];
}

/** The hits one rule makes of one sighting (queries only for meet/gather). */
async function hitsOf(graph: Graph, rule: WarningRuleRow, s: SightingRow): Promise<WarningHitRow[]> {
  const base = { ruleId: rule.id, kind: rule.kind, unitCode: rule.unitCode, at: s.at, placeEid: s.placeEid };
  switch (rule.kind) {
    case 'area': {
      const area = JSON.parse(rule.areaJson ?? 'null') as Area | null;
      if (!area) return [];
      const now = inArea(area, s);
      const before = s.prev ? inArea(area, s.prev) : false;
      const trigger = rule.trigger ?? 'both';
      const moved = now && !before ? 'enter' : !now && before ? 'leave' : null;
      if (!moved || (trigger !== 'both' && trigger !== moved)) return [];
      // A leave (and an enter from a known place) is fired by two records: both must be visible,
      // and the sources of what placed them in or out too (`areaSources`).
      const prev = s.prev ? [s.prev] : [];
      const points = areaSources(area, [s, ...prev]);
      return [
        {
          ...base,
          key: `${rule.id}|${s.rid}|${moved}`,
          eids: [s.eid],
          sources: uniq([s.source, ...prev.map((p) => p.source), ...points]),
          rids: [s.rid, ...prev.map((p) => p.rid)],
          detail: moved,
        },
      ];
    }
    case 'checkpoint': {
      if (s.placeKind !== 'checkpoint') return [];
      if (rule.placeEids?.length && !rule.placeEids.includes(s.placeEid)) return [];
      return [
        {
          ...base,
          key: `${rule.id}|${s.rid}`,
          eids: [s.eid],
          // the place's kind says it is a checkpoint: its source too
          sources: uniq([s.source, ...(s.kindSource ? [s.kindSource] : [])]),
          rids: [s.rid],
          detail: 'checkpoint',
        },
      ];
    }
    case 'meet':
    case 'gather': {
      const minutes = rule.windowMinutes ?? WARNING_DEFAULTS.windowMinutes;
      const others = rule.subjects.filter((e) => e !== s.eid);
      const near = await readSightingsNear(graph, { placeEid: s.placeEid, eids: others, at: s.at, minutes, vs: rule.viewSources });
      return togetherHits(rule, s, near);
    }
    default:
      return [];
  }
}

/** Publishes new hits, one message each, on the events channel. */
async function publish(redis: Redis, channel: string, hits: (WarningHitRow & { id: string })[]): Promise<void> {
  if (!hits.length) return;
  const p = redis.pipeline();
  for (const h of hits) {
    const e: WarningEvent = {
      type: 'warning',
      hitId: h.id,
      ruleId: h.ruleId,
      kind: h.kind as WarningEvent['kind'],
      unitCode: h.unitCode,
      eids: h.eids,
      eid: h.eids[0]!,
      placeEid: h.placeEid,
      at: h.at,
      sources: h.sources,
      source: h.sources[0]!,
      rids: h.rids,
      rid: h.rids[0] ?? '',
    };
    p.publish(channel, JSON.stringify(e));
  }
  await p.exec();
}

/**
 * Evaluates the rules of the entities a committed batch touched (their new sightings) and
 * publishes the new hits. Everything is compared by the eid each entity has now (a rule follows
 * its subjects through merges, `readActiveWarningRules`): the rule's subjects, the touched
 * sighting's subject (merged away since the write: its survivor), the others a meeting or
 * gathering looks for; a hit names those eids. Costs one indexed read when no rule follows a
 * touched entity.
 * @returns the number of new hits
 */
export async function evaluateWarnings(
  graph: Graph,
  redis: Redis,
  touched: readonly TouchedFact[],
  channel: string,
): Promise<number> {
  const touchedTraces = touched.filter((t) => t.type === 'trace');
  const active = await readActiveWarningRules(graph, uniq(touchedTraces.map((t) => t.eid)), SIGHTING_KINDS);
  const rules = active.rules;
  if (!rules.length) return 0;
  // each sighting once, under the eid its subject has now (its edge moved with a merge)
  const traces = [
    ...new Map(
      touchedTraces.map((t) => {
        const eid = active.current.get(t.eid) ?? t.eid;
        return [`${eid}|${t.rid}`, { ...t, eid }] as const;
      }),
    ).values(),
  ];
  // Each sighting is read once per view of the rules naming its subject (the sighting before it differs by view).
  const viewKey = (vs: string[] | null) => (vs === null ? '*' : [...vs].sort().join('\u0000'));
  const items = new Map<string, { eid: string; rid: string; vs: string[] | null }>();
  for (const t of traces)
    for (const r of rules)
      if (r.subjects.includes(t.eid)) items.set(`${t.eid}|${t.rid}|${viewKey(r.viewSources)}`, { eid: t.eid, rid: t.rid, vs: r.viewSources });
  const sightings = new Map((await readSightings(graph, [...items.values()])).map((s) => [`${s.eid}|${s.rid}|${viewKey(s.vs)}`, s]));
  const hits: WarningHitRow[] = [];
  for (const t of traces)
    for (const r of rules) {
      const s = r.subjects.includes(t.eid) ? sightings.get(`${t.eid}|${t.rid}|${viewKey(r.viewSources)}`) : undefined;
      if (s) hits.push(...(await hitsOf(graph, r, s)));
    }
  const fresh = await writeWarningHits(graph, hits);
  await publish(redis, channel, fresh);
  return fresh.length;
}

/**
 * Evaluates "co-travels with someone new" for persons whose co-travel was just recomputed: a
 * companion neither known when the rule was made nor fired before makes one hit. Subjects and
 * known companions are compared as the eids they have now (`readActiveWarningRules`), and so are
 * the pairs fired before (`readFiredPairs`): a known or fired companion merged into another entity
 * since is that entity, not new.
 * @returns the number of new hits
 */
export async function evaluateCoTravelWarnings(
  graph: Graph,
  redis: Redis,
  personEids: readonly string[],
  channel: string,
): Promise<number> {
  const { rules } = await readActiveWarningRules(graph, [...personEids], ['cotravel']);
  if (!rules.length) return 0;
  const subjects = uniq(rules.flatMap((r) => r.subjects));
  const companions = await readCompanions(graph, subjects);
  // fired before, by the eids the pair has now: a merge does not make a companion new again
  const fired = await readFiredPairs(graph, rules.map((r) => r.id));
  const hits: WarningHitRow[] = [];
  for (const r of rules) {
    const known = new Set(r.knownCompanions ?? []);
    for (const c of companions) {
      if (!r.subjects.includes(c.eid) || known.has(c.other) || fired.has(`${r.id}|${c.eid}+${c.other}`)) continue;
      // in the rule's view only: an edge derived from a source it does not see is not its companion
      // (yet: no hit is recorded, so the pair fires once the unit may see where it comes from)
      const view = r.viewSources;
      if (view !== null && !c.sources.every((src) => view.includes(src))) continue;
      hits.push({
        key: `${r.id}|${c.eid}+${c.other}`,
        ruleId: r.id,
        kind: 'cotravel',
        unitCode: r.unitCode,
        at: c.last ?? new Date().toISOString(),
        eids: [c.eid, c.other],
        placeEid: null,
        sources: c.sources.length ? c.sources : ['derived'],
        rids: [],
        detail: 'new companion',
      });
    }
  }
  const fresh = await writeWarningHits(graph, hits);
  await publish(redis, channel, fresh);
  return fresh.length;
}
