import { type Graph, readTx, writeTx } from '../neo4j/driver.ts';
import type { UnitLevel } from '../universal/graph-model.ts';

export interface UnitRow {
  code: string;
  name: string;
  level: UnitLevel;
  parent: string | null;
}

/** Creates units that must be new; an existing code fails with ONEMAP_ERR_UNIQUE_VIOLATION. */
export async function createUnits(graph: Graph, units: UnitRow[]): Promise<number> {
  return writeTx(graph, async (tx) => {
    const r = await tx.run(
      `UNWIND $units AS u
       CREATE (n:Unit {code: u.code, name: u.name, level: u.level, parent: u.parent})
       RETURN count(n) AS n`,
      { units },
    );
    return r.records[0]?.get('n') as number;
  });
}

/** Creates or updates units and their PARENT edges (idempotent). */
export async function upsertUnits(graph: Graph, units: UnitRow[]): Promise<void> {
  await writeTx(graph, async (tx) => {
    await tx.run(
      `UNWIND $units AS u
       MERGE (n:Unit {code: u.code}) SET n.name = u.name, n.level = u.level, n.parent = u.parent
       WITH n, u
       OPTIONAL MATCH (n)-[old:PARENT]->(p:Unit) WHERE u.parent IS NULL OR p.code <> u.parent
       DELETE old`,
      { units },
    );
    await tx.run(
      `UNWIND $units AS u
       WITH u WHERE u.parent IS NOT NULL
       MATCH (c:Unit {code: u.code}), (p:Unit {code: u.parent})
       MERGE (c)-[:PARENT]->(p)`,
      { units },
    );
  });
}

/** Reads one unit by code, or null. */
export async function findUnit(graph: Graph, code: string): Promise<UnitRow | null> {
  return readTx(graph, async (tx) => {
    const r = await tx.run('MATCH (n:Unit {code: $code}) RETURN n {.code, .name, .level, .parent} AS u', { code });
    return (r.records[0]?.get('u') as UnitRow | undefined) ?? null;
  });
}
