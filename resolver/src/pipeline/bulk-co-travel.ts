import type { EntityKind } from '@onemap/graph-schema';
import { type CoOccurrence, type CoTravelScoreSettings, DEFAULT_COTRAVEL_SCORE, scoreCoTravel } from '../derive/co-travel-score.ts';
import type { CoTravelSettings } from '../derive/co-travel.ts';
import type { CoTravelEdgeRow } from '../graph/co-travel.ts';
import type { VisitRow } from '../graph/write-rows.ts';

interface Sighting {
  person: string;
  rid: string;
  source: string;
  at: string;
  t: number;
  until: number | null;
}

/**
 * The CO_TRAVELED edges of a bulk load, computed in memory from its VISITED rows before the
 * import, so they are written by neo4j-admin with the rest instead of being derived by queries
 * on the started database (the largest stage of a bulk load before). The co-occurrences are the
 * ones `findCoOccurrences` reads (every sighting of another person at the same place within the
 * tolerance, the crowd then with the pair included, `leftApart` for stays that ended more than
 * the tolerance apart), for every traveller at once, scored by the same `scoreCoTravel`; only
 * companions get an edge, from the smaller eid to the larger.
 * @param visits the load's VISITED rows
 * @param kindOf the kind of every entity (only Person → Place sightings count)
 * @param s the pipeline's co-travel settings
 * @returns the edges to write
 * @example bulkCoTravel(plan.graph.visits, kinds, { toleranceMinutes: 30, minCount: 2 })
 */
export function bulkCoTravel(visits: VisitRow[], kindOf: Map<string, EntityKind>, s: CoTravelSettings): CoTravelEdgeRow[] {
  const settings: CoTravelScoreSettings = { ...DEFAULT_COTRAVEL_SCORE, ...s.score, minOccasions: s.minCount };
  const tolMs = s.toleranceMinutes * 60_000;
  const byPlace = new Map<string, Sighting[]>();
  const travellers = new Set<string>();
  for (const v of visits) {
    if (kindOf.get(v.subject) !== 'Person') continue;
    travellers.add(v.subject);
    if (kindOf.get(v.place) !== 'Place') continue;
    const t = Date.parse(v.at);
    if (Number.isNaN(t)) continue;
    const until = v.until ? Date.parse(v.until) : Number.NaN;
    let list = byPlace.get(v.place);
    if (!list) byPlace.set(v.place, (list = []));
    list.push({ person: v.subject, rid: v.rid, source: v.source, at: v.at, t, until: Number.isNaN(until) ? null : until });
  }
  const rows: CoOccurrence[] = [];
  for (const [place, list] of byPlace) {
    list.sort((x, y) => x.t - y.t);
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < list.length; i++) {
      const a = list[i]!;
      while (list[lo]!.t < a.t - tolMs) lo++;
      while (hi < list.length && list[hi]!.t <= a.t + tolMs) hi++;
      if (hi - lo < 2) continue;
      const crowd = new Set<string>();
      for (let j = lo; j < hi; j++) crowd.add(list[j]!.person);
      if (crowd.size < 2) continue;
      for (let j = lo; j < hi; j++) {
        const b = list[j]!;
        if (b.person === a.person) continue;
        rows.push({
          a: a.person,
          b: b.person,
          place,
          day: a.at.slice(0, 10),
          at: a.at,
          ridA: a.rid,
          ridB: b.rid,
          sourceA: a.source,
          sourceB: b.source,
          crowd: crowd.size,
          leftApart: a.until !== null && b.until !== null && Math.trunc(Math.abs(a.until - b.until) / 1000) > s.toleranceMinutes * 60,
        });
      }
    }
  }
  return scoreCoTravel(rows, travellers.size, settings)
    .filter((p) => p.companions)
    .map((p) => ({ x: p.x, y: p.y, count: p.count, first: p.first, last: p.last, sources: p.sources, score: p.score, reasons: JSON.stringify(p.reasons) }));
}
