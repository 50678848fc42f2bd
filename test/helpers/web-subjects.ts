/** Picks, from the loaded sample, the entities the web tests look at (by query, never by hard-coded id). */
import { type Graph, readTx } from '@onemap/graph-schema/server';

/**
 * The person with the most sightings at located places. Tests search for them by resident ID
 * (search matches identifiers from visible sources).
 */
export async function busiestTraveller(graph: Graph): Promise<{ eid: string; name: string; residentId: string; sightings: number }> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (p:Person)-[v:VISITED]->(pl:Place) WHERE pl.location IS NOT NULL AND p.name IS NOT NULL AND p.residentId IS NOT NULL
       WITH p, count(v) AS n, count(DISTINCT pl) AS places WHERE places >= 3
       RETURN p.eid AS eid, p.name AS name, p.residentId AS residentId, n ORDER BY n DESC, eid LIMIT 1`,
    );
    const row = r.records[0];
    if (!row) throw new Error('no traveller in the sample: is it loaded?');
    return { eid: row.get('eid'), name: row.get('name'), residentId: row.get('residentId'), sightings: Number(row.get('n')) };
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

/** Two located places the entity visited (first sightings), for a collision that must find it. */
export async function twoPlacesOf(graph: Graph, eid: string): Promise<{ lon: number; lat: number; at: string; name: string }[]> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (:Entity {eid: $eid})-[v:VISITED]->(pl:Place) WHERE pl.location IS NOT NULL
       WITH pl, min(v.at) AS at ORDER BY at
       RETURN pl.location.x AS lon, pl.location.y AS lat, toString(at) AS at, pl.name AS name LIMIT 2`,
      { eid },
    );
    return r.records.map((x) => ({ lon: x.get('lon'), lat: x.get('lat'), at: x.get('at'), name: x.get('name') }));
  });
}

/** A person with a stay that has its own end (a hotel night), so the trajectory shows a stay with a start and an end. */
export async function hotelGuest(graph: Graph): Promise<{ eid: string; name: string; residentId: string }> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (p:Person)-[v:VISITED]->(pl:Place) WHERE v.until IS NOT NULL AND pl.location IS NOT NULL AND p.name IS NOT NULL AND p.residentId IS NOT NULL
       RETURN p.eid AS eid, p.name AS name, p.residentId AS residentId ORDER BY eid LIMIT 1`,
    );
    const row = r.records[0];
    if (!row) throw new Error('no hotel stay with an end in the sample');
    return { eid: row.get('eid'), name: row.get('name'), residentId: row.get('residentId') };
  });
}

/** Two persons with resident IDs sharing a phone (picked by search for them in the review screen). */
export async function phoneSharers(graph: Graph): Promise<{ a: { eid: string; residentId: string }; b: { eid: string; residentId: string } }> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (a:Person)-[:HAS_PHONE]->(:Phone)<-[:HAS_PHONE]-(b:Person) WHERE a.residentId IS NOT NULL AND b.residentId IS NOT NULL AND a.eid < b.eid
       RETURN a.eid AS a, a.residentId AS ra, b.eid AS b, b.residentId AS rb ORDER BY a.eid LIMIT 1`,
    );
    const row = r.records[0];
    if (!row) throw new Error('no two persons with resident IDs share a phone in the sample');
    return { a: { eid: row.get('a'), residentId: row.get('ra') }, b: { eid: row.get('b'), residentId: row.get('rb') } };
  });
}

/** How many possible matches the pipeline left between these two entities (either way round). */
export async function possibleMatchesBetween(graph: Graph, x: string, y: string): Promise<number> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (:SourceRecord)-[rt:RESOLVED_TO {decision: 'possible_match'}]->(e:Entity)
       WHERE (e.eid = $x AND rt.candidate = $y) OR (e.eid = $y AND rt.candidate = $x)
       RETURN count(*) AS n`,
      { x, y },
    );
    return Number(r.records[0]?.get('n') ?? 0);
  });
}

/** The audit entries of one route with a given case number in their purpose. */
export async function auditedWithCase(graph: Graph, route: string, caseNumber: string): Promise<{ route: string; outcome: string; purposeJson: string }[]> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (a:AuditEntry) WHERE a.route = $route AND a.purposeJson CONTAINS $caseNumber
       RETURN a.route AS route, a.outcome AS outcome, a.purposeJson AS purposeJson ORDER BY a.seq`,
      { route, caseNumber },
    );
    return r.records.map((x) => ({ route: x.get('route'), outcome: x.get('outcome'), purposeJson: x.get('purposeJson') }));
  });
}

/** Whether `eid` now redirects to another entity (merged away). */
export async function redirectOf(graph: Graph, eid: string): Promise<string | null> {
  return readTx(graph, async (tx) => {
    const r = await tx.run('MATCH (x:EidRedirect {eid: $eid}) RETURN x.to AS to', { eid });
    return (r.records[0]?.get('to') as string | undefined) ?? null;
  });
}
