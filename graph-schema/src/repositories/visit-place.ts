/**
 * The place a visit is at: `VISITED.place` (`VisitedProp.place`), the eid of the edge's end, and
 * the composite range index `visited_place_at` on `(place, at)` (migration V052) that finds a
 * place's visits within a time window without expanding the place's every visit. A station with
 * tens of thousands of visits was read whole for each sighting there: a query's cost now follows
 * the visits in its window. Every writer and mover of a `VISITED` edge sets the property with
 * `setVisitPlaceCypher`; every "who was here then" reader seeks it with `visitsAtPlaceCypher`.
 */
import { Prop, Rel, VisitedProp } from '../universal/graph-model.ts';

/** Name of the composite range index on `VISITED(place, at)`. */
export const VISITED_PLACE_AT_INDEX = 'visited_place_at';

/**
 * Cypher SET item: visit edge `visit` is at place node `place` (its eid).
 * @example `SET ${setVisitPlaceCypher('v', 'p')}` // SET v.place = p.eid
 */
export function setVisitPlaceCypher(visit: string, place: string): string {
  return `${visit}.${VisitedProp.place} = ${place}.${Prop.eid}`;
}

/**
 * Cypher MATCH of the visits `visit` by `subject` (a node pattern such as `o:Person`) at the place
 * whose eid is the expression `placeEid`, with `at` from `from` (inclusive) to `to` inclusive — a
 * ±N minutes tolerance — or up to `before` exclusive — a window [`from`, `before`) as a query's
 * `from`/`to` parameters give it (Cypher expressions) — by a seek of the `(place, at)` index; the
 * caller may go on with `AND …`.
 * @example visitsAtPlaceCypher({ subject: 'o:Person', visit: 'w', placeEid: 'p.eid', from: 'v.at - d', to: 'v.at + d' })
 * @example visitsAtPlaceCypher({ subject: 'o:Entity', visit: 'v', placeEid: 'q.eid', from: 'datetime($from)', before: 'datetime($to)' })
 */
export function visitsAtPlaceCypher(
  p: { subject: string; visit: string; placeEid: string; from: string } & ({ to: string } | { before: string }),
): string {
  const { subject, visit, placeEid, from } = p;
  const upTo = 'to' in p ? `<= ${p.to}` : `< ${p.before}`;
  return `MATCH (${subject})-[${visit}:${Rel.Visited}]->() USING INDEX SEEK ${visit}:${Rel.Visited}(${VisitedProp.place}, ${Prop.at})
       WHERE ${visit}.${VisitedProp.place} = ${placeEid} AND ${visit}.${Prop.at} >= ${from} AND ${visit}.${Prop.at} ${upTo}`;
}
