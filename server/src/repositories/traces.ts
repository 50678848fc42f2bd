import { read, type Reader } from './reader.ts';
import type { TraceRow } from './entities.ts';

/** Visible sightings of one subject in `[from, to)`, oldest first. */
export async function readTrajectory(graph: Reader, eid: string, from: string, to: string, vs: readonly string[], limit: number): Promise<TraceRow[]> {
  return read(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (e:Entity {eid: $eid})-[v:VISITED]->(p:Place)
       WHERE v.source IN $vs AND v.at >= datetime($from) AND v.at < datetime($to)
       WITH v, p ORDER BY v.at LIMIT toInteger($limit)
       RETURN toString(v.at) AS at, toString(v.until) AS until, v.kind AS kind, v.source AS source, v.rid AS rid,
              p.eid AS placeEid, p.name AS placeName, p.placeKind AS placeKind, p.location.x AS lon, p.location.y AS lat`,
      { eid, from, to, vs, limit },
    );
    return r.records.map((x) => x.toObject() as TraceRow);
  });
}
