/** Picks, from the loaded sample, the entities the web tests look at (by query, never by hard-coded id). */
import { type Graph, readTx } from '@onemap/graph-schema/server';

/** The person with the most sightings at located places. */
export async function busiestTraveller(graph: Graph): Promise<{ eid: string; name: string; sightings: number }> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (p:Person)-[v:VISITED]->(pl:Place) WHERE pl.location IS NOT NULL AND p.name IS NOT NULL
       WITH p, count(v) AS n, count(DISTINCT pl) AS places WHERE places >= 3
       RETURN p.eid AS eid, p.name AS name, n ORDER BY n DESC, eid LIMIT 1`,
    );
    const row = r.records[0];
    if (!row) throw new Error('no traveller in the sample: is it loaded?');
    return { eid: row.get('eid'), name: row.get('name'), sightings: Number(row.get('n')) };
  });
}

/** Two persons sharing a phone: expanding the phone from the first brings in the second. */
export async function sharedPhone(graph: Graph): Promise<{ a: { eid: string; name: string }; phone: string; b: string }> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (a:Person)-[:HAS_PHONE]->(ph:Phone)<-[:HAS_PHONE]-(b:Person) WHERE a.name IS NOT NULL AND a <> b
       RETURN a.eid AS a, a.name AS name, ph.eid AS phone, b.eid AS b ORDER BY a.eid LIMIT 1`,
    );
    const row = r.records[0];
    if (!row) throw new Error('no shared phone in the sample');
    return { a: { eid: row.get('a'), name: row.get('name') }, phone: row.get('phone'), b: row.get('b') };
  });
}
