/**
 * Conflicts with the authoritative source (一数一源): a source states a value for an entity that
 * differs from the value the authority for that attribute holds. Pure: the caller supplies the
 * authority's values (an in-memory index in the benchmark, golden values from the graph in the
 * scheduled job).
 */
import type { SourceCatalogEntry } from '@onemap/graph-schema';
import type { BatchRecord } from '../intake/read-batch.ts';
import { columnOf } from './batch-rules.ts';
import { sameNameSpelling } from './same-name-spelling.ts';
import { type QualityFinding, type RuleOutput, scoreOf } from './types.ts';

/** Person attributes compared with the authority, and the standardized key each compares on. */
export const COMPARED: Record<string, string> = {
  address: 'addressKey',
  name: 'name',
  sex: 'sex',
  birthDate: 'birthDate',
};

export interface AuthorityValue {
  value: string;
  /** the comparison key (e.g. `addressKey`), falls back to value */
  key?: string;
  source: string;
  rid: string;
}

/** Looks up the authority's value of `Person.<attribute>` for a resident id. */
export type AuthorityLookup = (attribute: string, residentId: string) => AuthorityValue | undefined;

/** Finds values in `records` (of a non-authoritative source) that differ from the authority's. */
export function authorityConflictRule(
  entry: SourceCatalogEntry,
  records: BatchRecord[],
  lookup: AuthorityLookup,
): RuleOutput {
  const findings: QualityFinding[] = [];
  let checked = 0;
  for (const rec of records) {
    let relevant = false;
    for (const m of rec.mentions) {
      if (m.kind !== 'Person' || !m.attrs.residentId) continue;
      for (const [attr, keyAttr] of Object.entries(COMPARED)) {
        if (entry.authorityFor.includes(`Person.${attr}`)) continue;
        const mine = m.attrs[keyAttr] ?? m.attrs[attr];
        if (!mine) continue;
        const auth = lookup(attr, m.attrs.residentId);
        if (!auth || auth.source === entry.id) continue;
        relevant = true;
        if ((auth.key ?? auth.value) === mine) continue;
        // a Pinyin-only or traditional spelling of the authority's name is not a conflict
        if (attr === 'name' && sameNameSpelling(mine, auth.value)) continue;
        findings.push({
          rule: 'authority_conflict',
          source: entry.id,
          rid: rec.rid,
          field: columnOf(entry, m.role, attr),
          severity: 'warning',
          detail: `${m.role}.${attr} differs from ${auth.source} (authority, ${auth.rid})`,
          value: m.attrs[attr] ?? mine,
          attribute: attr,
        });
      }
    }
    if (relevant) checked++;
  }
  return {
    score: scoreOf('authority_conflict', 'authority', checked, new Set(findings.map((f) => f.rid)).size),
    findings,
  };
}

/**
 * Stale authority records: the authority delivers a new value for the same person; the earlier
 * record carried a value that was already out of date (a late update, 更新不及时).
 * @returns a finding on the earlier record, or undefined
 */
export function staleAuthorityFinding(
  entry: SourceCatalogEntry,
  rec: BatchRecord,
  attr: string,
  previous: AuthorityValue | undefined,
): QualityFinding | undefined {
  const m = rec.mentions.find((x) => x.kind === 'Person' && x.attrs.residentId);
  if (!m || !previous || previous.source !== entry.id || previous.rid === rec.rid) return undefined;
  const keyAttr = COMPARED[attr] ?? attr;
  const now = m.attrs[keyAttr] ?? m.attrs[attr];
  if (!now || now === (previous.key ?? previous.value)) return undefined;
  return {
    rule: 'stale_authority',
    source: entry.id,
    rid: previous.rid,
    field: columnOf(entry, m.role, attr),
    severity: 'warning',
    detail: `${attr} superseded by ${rec.rid}: the earlier record was out of date`,
    value: previous.value,
    attribute: attr,
  };
}
