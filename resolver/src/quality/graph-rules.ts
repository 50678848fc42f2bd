/**
 * Graph-level quality rules, run by the scheduled report job over what the pipeline wrote:
 * conflicts with the authoritative source's golden values, vehicles without an owner, and
 * timeliness of deliveries against the declared frequency. Bounded reads through graph/quality-reads.ts.
 */
import type { SourceCatalogEntry } from '@onemap/graph-schema';
import type { Graph } from '@onemap/graph-schema/server';
import {
  readAuthorityHistories,
  readDeliveryStats,
  readPersonRecordsWithProvenance,
  readRecordAttrs,
  readRoleEntitiesOwned,
} from '../graph/quality-reads.ts';
import { COMPARED } from './authority-rule.ts';
import { columnOf } from './batch-rules.ts';
import { sameNameSpelling } from './same-name-spelling.ts';
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
  const rows = await readPersonRecordsWithProvenance(graph, entry.id, limit);
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
    for (const [rid, attrs] of await readRecordAttrs(graph, authRids)) authAttrs.set(rid, JSON.parse(attrs));
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
      // a Pinyin-only or traditional spelling of the authority's name is not a conflict
      if (attr === 'name' && sameNameSpelling(ours, theirs)) continue;
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
  const rows = await readRoleEntitiesOwned(graph, entry.id, owns.to, limit);
  const findings: QualityFinding[] = [];
  for (const r of rows) {
    if (r.owned) continue;
    findings.push({
      rule: 'owner_exists',
      source: entry.id,
      rid: r.rid,
      field: columnOf(entry, owns.from, 'residentId'),
      severity: 'error',
      detail: `${owns.to} ${r.eid} has no owner in the graph`,
    });
  }
  return { score: scoreOf('owner_exists', 'consistency', rows.length, findings.length), findings };
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
  const row = await readDeliveryStats(graph, entry.id);
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

/**
 * Stale authority records (更新不及时), as a graph rule: for an authoritative source, a person's
 * later record of that source states another value of an attribute it is the authority for, so
 * the earlier record carried a value that was already out of date. The finding is on the earlier
 * record. Replaces scanning the records in memory with a lookup index.
 */
export async function graphStaleAuthority(graph: Graph, entry: SourceCatalogEntry, limit = GRAPH_RULE_LIMIT): Promise<RuleOutput> {
  const attrs = Object.keys(COMPARED).filter((a) => entry.authorityFor.includes(`Person.${a}`));
  const findings: QualityFinding[] = [];
  let checked = 0;
  if (attrs.length) {
    for (const person of await readAuthorityHistories(graph, entry.id, limit)) {
      const recs = person.records.map((r) => ({ ...r, stated: (JSON.parse(r.attrs) as StoredAttrs)[r.role] ?? {} }));
      for (const attr of attrs) {
        const keyAttr = COMPARED[attr] ?? attr;
        const stating = recs.filter((r) => r.stated[keyAttr] ?? r.stated[attr]);
        checked += Math.max(0, stating.length - 1);
        for (let i = 1; i < stating.length; i++) {
          const before = stating[i - 1]!;
          const now = stating[i]!;
          if ((before.stated[keyAttr] ?? before.stated[attr]) === (now.stated[keyAttr] ?? now.stated[attr])) continue;
          findings.push({
            rule: 'stale_authority',
            source: entry.id,
            rid: before.rid,
            field: columnOf(entry, before.role, attr),
            severity: 'warning',
            detail: `${attr} superseded by ${now.rid}: the earlier record was out of date`,
            value: before.stated[attr] ?? before.stated[keyAttr] ?? '',
            attribute: attr,
          });
        }
      }
    }
  }
  return { score: scoreOf('stale_authority', 'timeliness', checked, new Set(findings.map((f) => f.rid)).size), findings };
}
