import { createHash } from 'node:crypto';
import { type Graph, readTx } from '@onemap/graph-schema/server';

/** Properties that record when something was written, not what: left out of fingerprints. */
const VOLATILE = new Set(['updatedAt', 'at', 'firstAt', 'receivedAt', 'batchId', 'seq', 'file', 'line']);

function stable(props: Record<string, unknown>): string {
  return JSON.stringify(
    Object.keys(props)
      .filter((k) => !VOLATILE.has(k))
      .sort()
      .map((k) => [k, props[k]]),
  );
}

/** Node counts by label and relationship counts by type. */
export async function graphCounts(graph: Graph): Promise<Record<string, number>> {
  return readTx(graph, async (tx) => {
    const out: Record<string, number> = {};
    const n = await tx.run('MATCH (n) WHERE NOT n:__OneMapMigration UNWIND labels(n) AS l RETURN l, count(*) AS c');
    for (const r of n.records) out[`node:${r.get('l')}`] = r.get('c') as number;
    const e = await tx.run('MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS c');
    for (const r of e.records) out[`rel:${r.get('t')}`] = r.get('c') as number;
    return out;
  });
}

/** A content hash of every entity, record and relationship (write times excluded). */
export async function graphContentHash(graph: Graph): Promise<string> {
  const h = createHash('sha256');
  for (const l of await graphContentLines(graph)) h.update(`${l}\n`);
  return h.digest('hex');
}

/** The lines the content hash is made of (sorted), to show what differs when hashes do. */
export async function graphContentLines(graph: Graph): Promise<string[]> {
  return readTx(graph, async (tx) => {
    const nodes = await tx.run('MATCH (n) WHERE n:Entity OR n:SourceRecord OR n:Identifier RETURN labels(n) AS l, properties(n) AS p');
    const lines = nodes.records.map((r) => `${(r.get('l') as string[]).sort().join(':')} ${stable(r.get('p'))}`).sort();
    const rels = await tx.run(
      'MATCH (a)-[r]->(b) RETURN type(r) AS t, coalesce(a.eid, a.rid, a.kind + a.value, a.batchId) AS a, coalesce(b.eid, b.rid, b.kind + b.value) AS b, properties(r) AS p',
    );
    lines.push(...rels.records.map((r) => `${r.get('t')} ${r.get('a')} ${r.get('b')} ${stable(r.get('p'))}`).sort());
    return lines;
  });
}

/** Entities as sets of source-record mention keys, independent of eids: `kind|rid:role,...` sorted. */
export async function entityPartition(graph: Graph): Promise<string[]> {
  return readTx(graph, async (tx) => {
    const r = await tx.run(
      `MATCH (s:SourceRecord)-[x:RESOLVED_TO]->(e:Entity)
       WITH e, collect(s.rid + '#' + x.role) AS keys
       RETURN [l IN labels(e) WHERE l <> 'Entity'][0] AS kind, keys`,
    );
    return r.records.map((x) => `${x.get('kind')}|${(x.get('keys') as string[]).sort().join(',')}`).sort();
  });
}

/**
 * Lines one graph's content has and the other's lacks (`graphContentLines`), `perKind` of each kind
 * of line (node labels, relationship type) at most, so one difference does not hide another.
 */
export function lineDifferences(got: readonly string[], want: readonly string[], perKind = 3): { missing: string[]; extra: string[] } {
  const few = (ls: string[]) => {
    const seen = new Map<string, number>();
    return ls.filter((l) => {
      const kind = l.slice(0, l.indexOf(' '));
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
      return seen.get(kind)! <= perKind;
    });
  };
  const has = (ls: readonly string[]) => new Set(ls);
  const gotSet = has(got);
  const wantSet = has(want);
  return { missing: few(want.filter((l) => !gotSet.has(l))), extra: few(got.filter((l) => !wantSet.has(l))) };
}
