import { coarseHomeLocationCypher, HOME_GRID_DEGREES } from '@onemap/graph-schema';
import type { VisibleRecord } from '../access/golden.ts';
import { type Reader, read } from './reader.ts';
import { IS_HOME, VISIBLE_DIVISION, VISIBLE_POINT } from './cypher.ts';

export interface LayerFilter {
  from: string;
  to: string;
  traceKinds: string[] | null;
  vs: readonly string[];
  bbox: { minLon: number; minLat: number; maxLon: number; maxLat: number } | null;
}

const TRACE_WHERE = `v.source IN $vs AND v.at >= datetime($from) AND v.at < datetime($to) AND ($traceKinds IS NULL OR v.kind IN $traceKinds)`;
/**
 * Cypher predicate: point `pt` lies in `$bbox` widened by `widen` degrees (always true without a
 * box). A box is tested on the point a layer counts a place at — a home's ~1 km cell, never its
 * own point (ninth review, N2: a box whose edge passed a home's door counted it or not in the
 * hexagon of its cell) — and only pre-filtered on the place's point, widened by a home cell.
 */
const inBox = (pt: string, widen = 0) =>
  `($bbox IS NULL OR (${pt}.x >= $bbox.minLon - ${widen} AND ${pt}.x <= $bbox.maxLon + ${widen} AND ${pt}.y >= $bbox.minLat - ${widen} AND ${pt}.y <= $bbox.maxLat + ${widen}))`;

function params(f: LayerFilter) {
  return { from: f.from, to: f.to, traceKinds: f.traceKinds, vs: f.vs, bbox: f.bbox };
}

/**
 * Whether a place is a home for SOME source: `IS_HOME` with its residence test bound once per
 * answer — the place among `residencePlaces`, looked up through the `visited_kind` index
 * (`RESIDENCE_PLACES`), not by walking each place's visits.
 */
const HOME_ANY = (v: string) => IS_HOME(v, `${v}.eid IN residencePlaces`);

/** `CALL` that binds `residencePlaces`: the eids of places with a residence trace of any source (index seek on `VISITED.kind`). */
const RESIDENCE_PLACES = `CALL () {
         OPTIONAL MATCH ()-[hv:VISITED]->(hp) USING INDEX hv:VISITED(kind) WHERE hv.kind = 'residence'
         RETURN collect(DISTINCT hp.eid) AS residencePlaces
       }`;

/** Cypher: distinct subjects and persons over `lists` (each place's distinct subjects, collected per unit or day): a person seen at two places counts once. */
const DISTINCT_OF_LISTS = `CALL (lists) {
         UNWIND lists AS l
         UNWIND l AS s
         RETURN count(DISTINCT s) AS subjects, count(DISTINCT CASE WHEN s:Person THEN s END) AS persons
       }`;

/**
 * Cypher: of the county cells in `lists` (each cell's places' subject lists, grouped by `keys`,
 * with its `traces`), only those k-anonymity keeps — at least `$k` distinct subjects and, if it
 * counts persons at all, at least `$k` persons (the rule of `keep` in services/layers.ts) — each
 * with its distinct `members`. A city cell, and a day of the trend, is the union of its kept
 * county cells: a county under k, left out of the county layer, must not be counted in the
 * coarser cell either, or the coarser count minus the published counties gives it back (eighth
 * review, R2).
 */
const KEPT_COUNTY_CELLS = (keys: string) => `CALL (lists) {
         UNWIND lists AS l
         UNWIND l AS s
         WITH DISTINCT s
         RETURN collect(s) AS members, count(s) AS cellSubjects, count(CASE WHEN s:Person THEN s END) AS cellPersons
       }
       WITH ${keys}, traces, members, cellSubjects, cellPersons
       WHERE cellSubjects >= $k AND (cellPersons = 0 OR cellPersons >= $k)`;

/**
 * Distinct subjects and traces per county (or city: first four digits + 00) of the visited place,
 * over the kept county cells only (`KEPT_COUNTY_CELLS`). The visits are grouped per place first, so
 * the county code's provenance (`VISIBLE_DIVISION`) is read once per place, not once per visit.
 */
export async function countByJurisdiction(graph: Reader, f: LayerFilter, level: 'city' | 'county', k: number) {
  return read(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (s:Entity)-[v:VISITED]->(p:Place)
       WHERE ${TRACE_WHERE}
       WITH p, collect(DISTINCT s) AS subs, count(v) AS traces
       WHERE ${VISIBLE_DIVISION('p')}
       WITH substring(p.unitCode, 0, 6) AS county, subs, traces
       WITH county, sum(traces) AS traces, collect(subs) AS lists
       ${KEPT_COUNTY_CELLS('county')}
       WITH CASE $level WHEN 'city' THEN substring(county, 0, 4) + '00' ELSE county END AS unit, sum(traces) AS traces, collect(members) AS lists
       ${DISTINCT_OF_LISTS}
       RETURN unit, persons, subjects, traces ORDER BY unit`,
      { ...params(f), level, k },
    );
    return r.records.map((x) => x.toObject() as { unit: string; persons: number; subjects: number; traces: number });
  });
}

/**
 * Places with at least one visible trace in the window and a point the viewer may place them by,
 * with distinct subjects and trace counts; `home` says whether any source calls it a home, and a
 * home counts at its ~1 km cell (a fine hexbin must not place it closer). The visits are grouped
 * per place before the place's point, box and home are tested (`HOME_ANY`: no edge scans).
 */
export async function countByPlace(graph: Reader, f: LayerFilter) {
  return read(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (s:Entity)-[v:VISITED]->(p:Place)
       WHERE ${TRACE_WHERE}
       WITH p, collect(DISTINCT s) AS subs, count(v) AS traces
       WHERE ${VISIBLE_POINT('p')} AND ${inBox('p.location', HOME_GRID_DEGREES)}
       WITH collect({p: p, subs: subs, traces: traces}) AS rows
       ${RESIDENCE_PLACES}
       UNWIND rows AS row
       WITH row.p AS p, row.subs AS subs, row.traces AS traces, residencePlaces
       WITH p, subs, traces, ${HOME_ANY('p')} AS home
       WITH p, subs, traces, home, ${coarseHomeLocationCypher('p', 'home')} AS at
       WHERE ${inBox('at')}
       RETURN p.eid AS eid, at.x AS lon, at.y AS lat, [s IN subs | s.eid] AS subjects, [s IN subs WHERE s:Person | s.eid] AS persons, traces, home`,
      params(f),
    );
    return r.records.map(
      (x) =>
        x.toObject() as {
          eid: string;
          lon: number;
          lat: number;
          subjects: string[];
          persons: string[];
          traces: number;
          home: boolean;
        },
    );
  });
}

/**
 * Distinct subjects and traces per day, over the kept (county, day) cells (`KEPT_COUNTY_CELLS`; the
 * places without a county the viewer may know form one more cell per day, counted only without
 * `unitCode`); the county code's visibility is tested per place and day, not per visit.
 */
export async function countByDay(graph: Reader, f: LayerFilter, unitCode: string | null, k: number) {
  return read(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (s:Entity)-[v:VISITED]->(p:Place)
       WHERE ${TRACE_WHERE}
       WITH p, toString(date(v.at)) AS day, collect(DISTINCT s) AS subs, count(v) AS traces
       WITH day, subs, traces, CASE WHEN ${VISIBLE_DIVISION('p')} THEN substring(p.unitCode, 0, 6) END AS county
       WHERE $unit IS NULL OR county STARTS WITH $unitPrefix
       WITH day, county, sum(traces) AS traces, collect(subs) AS lists
       ${KEPT_COUNTY_CELLS('day, county')}
       WITH day, sum(traces) AS traces, collect(members) AS lists
       ${DISTINCT_OF_LISTS}
       RETURN day, subjects, persons, traces ORDER BY day`,
      { ...params(f), unit: unitCode, unitPrefix: unitCode ? unitCode.replace(/0+$/, '') : '', k },
    );
    return r.records.map((x) => x.toObject() as { day: string; subjects: number; persons: number; traces: number });
  });
}

/**
 * Places that no source calls a home, with a record of a visible source, and the attributes those
 * visible records state (the node's `placeKind` and `name` are merged over every source).
 */
export async function readFacilities(graph: Reader, f: Pick<LayerFilter, 'vs' | 'bbox'>, limit: number) {
  return read(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (p:Place)
       WHERE ${VISIBLE_POINT('p')} AND ${inBox('p.location')}
         AND EXISTS { MATCH (p)<-[:RESOLVED_TO]-(sr:SourceRecord) WHERE sr.source IN $vs }
         AND NOT ${IS_HOME('p')}
       WITH p LIMIT toInteger($limit)
       CALL (p) {
         MATCH (p)<-[rt:RESOLVED_TO]-(sr:SourceRecord) WHERE sr.source IN $vs
         WITH rt, sr ORDER BY sr.receivedAt DESC LIMIT 20
         RETURN collect({rid: sr.rid, source: sr.source, receivedAt: toString(sr.receivedAt), role: rt.role, attrs: sr.attrs}) AS recs
       }
       RETURN p.eid AS eid, CASE WHEN ${VISIBLE_DIVISION('p')} THEN p.unitCode END AS unitCode, p.location.x AS lon, p.location.y AS lat, recs`,
      { vs: f.vs, bbox: f.bbox, limit },
    );
    return r.records.map(
      (x) => x.toObject() as { eid: string; unitCode: string | null; lon: number; lat: number; recs: VisibleRecord[] },
    );
  });
}

/**
 * First and last sighting time visible through `$vs` (the data's time extent), read from the
 * VISITED.at range index in order — no scan of every trace, unlike a trend over all time.
 */
export async function readTraceExtent(
  graph: Reader,
  vs: readonly string[],
): Promise<{ from: string | null; to: string | null }> {
  return read(graph, async (tx) => {
    const r = await tx.run(
      `CALL () { MATCH ()-[v:VISITED]->() WHERE v.at IS NOT NULL AND v.source IN $vs RETURN v.at AS first ORDER BY v.at ASC LIMIT 1 }
       CALL () { MATCH ()-[v:VISITED]->() WHERE v.at IS NOT NULL AND v.source IN $vs RETURN v.at AS last ORDER BY v.at DESC LIMIT 1 }
       RETURN toString(first) AS from, toString(last) AS to`,
      { vs: [...vs] },
    );
    const row = r.records[0];
    return { from: (row?.get('from') as string | null) ?? null, to: (row?.get('to') as string | null) ?? null };
  });
}
