/**
 * Graph-level quality rules, run by the scheduled report job over what the pipeline wrote:
 * conflicts with the authoritative source's golden values, vehicles without an owner, and
 * timeliness of deliveries against the declared frequency. Parameterized Cypher, bounded reads.
 */
import type { SourceCatalogEntry } from '@onemap/graph-schema';
import { type Graph, readTx, toPlain } from '@onemap/graph-schema/server';
import neo4j from 'neo4j-driver';
import { COMPARED } from './authority-rule.ts';
import { columnOf } from './batch-rules.ts';
import { type QualityFinding, type RuleOutput, scoreOf } from './types.ts';

/** Records examined per source per run by the record-level graph rules. */
export const GRAPH_RULE_LIMIT = 5_000;

/** `SourceRecord.attrs`: standardized attributes by role. */
type StoredAttrs = Record<string, Record<string, string>>;

/**
 * Authority conflicts: a record of `entry` resolved to a person whose golden value of an attribute
 * comes from the authoritative source, and the record states something else.
 */
export async function graphAuthorityConflicts(
  graph: Graph,
  entry: SourceCatalogEntry,
  limit = GRAPH_RULE_LIMIT,
): Promise<RuleOutput> {
  const rows = await readTx(graph, async (tx) => {
    const res = await tx.run(
      `MATCH (r:SourceRecord {source: $source})-[x:RESOLVED_TO]->(e:Person)
       WHERE e.provenance IS NOT NULL
       RETURN r.rid AS rid, r.attrs AS attrs, x.role AS role, e.provenance AS provenance LIMIT $limit`,
      { source: entry.id, limit: neo4j.int(limit) },
    );
    return res.records.map((r) => ({
      rid: String(r.get('rid')),
      attrs: String(r.get('attrs') ?? '{}'),
      role: String(r.get('role')),
      provenance: String(r.get('provenance') ?? '{}'),
    }));
  });
  // The authority records the golden values came from, fetched once.
  const parsed = rows.map((r) => ({
    ...r,
    prov: JSON.parse(r.provenance) as Record<string, { source: string; rid: string }>,
  }));
  const authRids = [
    ...new Set(
      parsed.flatMap((r) =>
        Object.entries(r.prov)
          .filter(([a, p]) => a in COMPARED && p.source !== entry.id)
          .map(([, p]) => p.rid),
      ),
    ),
  ];
  const authAttrs = new Map<string, StoredAttrs>();
  if (authRids.length) {
    const res = await readTx(graph, (tx) =>
      tx.run('UNWIND $rids AS rid MATCH (r:SourceRecord {rid: rid}) RETURN r.rid AS rid, r.attrs AS attrs', {
        rids: authRids,
      }),
    );
    for (const r of res.records) authAttrs.set(String(r.get('rid')), JSON.parse(String(r.get('attrs') ?? '{}')));
  }
  const findings: QualityFinding[] = [];
  let checked = 0;
  for (const r of parsed) {
    const mine = (JSON.parse(r.attrs) as StoredAttrs)[r.role];
    if (!mine) continue;
    let relevant = false;
    for (const [attr, keyAttr] of Object.entries(COMPARED)) {
      const p = r.prov[attr];
      if (!p || p.source === entry.id || entry.authorityFor.includes(`Person.${attr}`)) continue;
      // the authority record's role that is this person: same resident id, else the first stating the attribute
      const roles = Object.values(authAttrs.get(p.rid) ?? {});
      const authRole =
        roles.find((x) => mine.residentId && x.residentId === mine.residentId) ??
        roles.find((x) => x[keyAttr] ?? x[attr]);
      const theirs = authRole?.[keyAttr] ?? authRole?.[attr];
      const ours = mine[keyAttr] ?? mine[attr];
      if (!theirs || !ours) continue;
      relevant = true;
      if (theirs === ours) continue;
      findings.push({
        rule: 'authority_conflict',
        source: entry.id,
        rid: r.rid,
        field: columnOf(entry, r.role, attr),
        severity: 'warning',
        detail: `${r.role}.${attr} differs from ${p.source} (authority, ${p.rid})`,
        value: mine[attr] ?? ours,
        attribute: attr,
      });
    }
    if (relevant) checked++;
  }
  return {
    score: scoreOf('authority_conflict', 'authority', checked, new Set(findings.map((f) => f.rid)).size),
    findings,
  };
}

/** Consistency: a source that maps an OWNS relation delivered vehicles (or things) that no person owns in the graph. */
export async function graphOwnerExists(
  graph: Graph,
  entry: SourceCatalogEntry,
  limit = GRAPH_RULE_LIMIT,
): Promise<RuleOutput | null> {
  const owns = entry.relations?.find((r) => r.type === 'OWNS');
  if (!owns) return null;
  const res = await readTx(graph, (tx) =>
    tx.run(
      `MATCH (r:SourceRecord {source: $source})-[:RESOLVED_TO {role: $role}]->(v:Entity)
       WITH r, v LIMIT $limit
       RETURN r.rid AS rid, v.eid AS eid, EXISTS { MATCH (:Entity)-[o:OWNS]->(v) } AS owned`,
      { source: entry.id, role: owns.to, limit: neo4j.int(limit) },
    ),
  );
  const findings: QualityFinding[] = [];
  for (const r of res.records) {
    if (r.get('owned')) continue;
    findings.push({
      rule: 'owner_exists',
      source: entry.id,
      rid: String(r.get('rid')),
      field: columnOf(entry, owns.from, 'residentId'),
      severity: 'error',
      detail: `${owns.to} ${String(r.get('eid'))} has no owner in the graph`,
    });
  }
  return { score: scoreOf('owner_exists', 'consistency', res.records.length, findings.length), findings };
}

/** ISO 8601 duration (`PT1M`, `P1D`, `P1W`) in milliseconds; NaN when unreadable. */
export function durationMs(iso: string): number {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(iso);
  if (!m || iso === 'P' || iso === 'PT') return NaN;
  const [, w, d, h, min, s] = m;
  return ((+(w ?? 0) * 7 + +(d ?? 0)) * 86_400 + +(h ?? 0) * 3600 + +(min ?? 0) * 60 + +(s ?? 0)) * 1000;
}

/**
 * Timeliness: time since the last delivery against the declared frequency (late when more than
 * `tolerance` periods have passed, at least an hour), and files delivered more than once.
 */
export async function graphDeliveryTimeliness(
  graph: Graph,
  entry: SourceCatalogEntry,
  now: Date,
  tolerance = 2,
): Promise<RuleOutput> {
  const res = await readTx(graph, (tx) =>
    tx.run(
      `MATCH (b:Batch {source: $source})
       RETURN toString(max(b.receivedAt)) AS last, count(b) AS batches, sum(CASE WHEN coalesce(b.deliveries, 1) > 1 THEN 1 ELSE 0 END) AS redelivered`,
      { source: entry.id },
    ),
  );
  const row = toPlain(res.records[0]?.toObject() ?? {}) as {
    last?: string | null;
    batches?: number;
    redelivered?: number;
  };
  const findings: QualityFinding[] = [];
  const period = Math.max(durationMs(entry.frequency), 3_600_000 / tolerance);
  const last = row.last ? Date.parse(row.last) : NaN;
  const late = !Number.isFinite(last) || now.getTime() - last > tolerance * period;
  if (late) {
    findings.push({
      rule: 'delivery_timeliness',
      source: entry.id,
      rid: `${entry.id}:*`,
      field: '',
      severity: 'warning',
      detail: row.last ? `last delivery ${row.last}; expected every ${entry.frequency}` : 'no delivery yet',
    });
  }
  if ((row.redelivered ?? 0) > 0) {
    findings.push({
      rule: 'delivery_timeliness',
      source: entry.id,
      rid: `${entry.id}:*`,
      field: '',
      severity: 'info',
      detail: `${row.redelivered} of ${row.batches} files were delivered more than once`,
    });
  }
  return { score: scoreOf('delivery_timeliness', 'timeliness', 1, late ? 1 : 0), findings };
}
