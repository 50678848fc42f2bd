/**
 * Data-quality benchmark: `tsx scripts/bench-quality.ts [--input datasets/sample]` (or
 * `npm run bench quality`). Replays the sample day by day (authoritative sources first, re-delivered
 * files included), runs every per-batch rule plus the authority rules with an in-memory authority
 * index, and prints per rule: findings, and recall / precision against the planted noise
 * (`truth/noise.csv`) of the kinds that rule targets. No database needed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadCatalog, SAMPLE_DIR, SOURCE_ORDER } from '@onemap/datasets';
import { readBatch, stageFile } from '@onemap/resolver/intake';
import {
  type AuthorityValue,
  authorityConflictRule,
  COMPARED,
  type QualityFinding,
  RULE_TARGETS,
  runBatchRules,
  staleAuthorityFinding,
} from '@onemap/resolver/quality';

const { values } = parseArgs({ options: { input: { type: 'string', default: SAMPLE_DIR } } });
const input = path.resolve(values.input!);
const catalog = loadCatalog();
const byId = new Map(catalog.map((c) => [c.id, c]));
const ORDER = SOURCE_ORDER;
const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-bq-'));

// Files grouped by day, authorities first, a re-delivery right after its original.
const files: { day: string; source: string; file: string }[] = [];
for (const source of ORDER) {
  const dir = path.join(input, source);
  if (!fs.existsSync(dir)) continue;
  for (const f of fs.readdirSync(dir).sort()) files.push({ day: f.slice(0, 10), source, file: path.join(dir, f) });
}
files.sort(
  (a, b) =>
    a.day.localeCompare(b.day) || ORDER.indexOf(a.source) - ORDER.indexOf(b.source) || a.file.localeCompare(b.file),
);

const findings: QualityFinding[] = [];
const priorHashes = new Map<string, string>();
// Authority index: Person.<attr> by resident id, as the authoritative source last stated it.
const authority = new Map<string, AuthorityValue>();
const t0 = performance.now();
let records = 0;
let rulesMs = 0;
for (const { day, source, file } of files) {
  const entry = byId.get(source)!;
  const batch = stageFile(staging, source, file, entry.file);
  const read = readBatch(batch, entry);
  records += read.records.length;
  const arrivedAt = new Date(Date.parse(`${day}T00:00:00+08:00`) + 86_400_000).toISOString();
  const tr = performance.now();
  const r = runBatchRules({
    source,
    entry,
    records: read.records,
    rejects: read.rejects,
    flagged: read.flagged,
    arrivedAt,
    priorHashes,
  });
  rulesMs += performance.now() - tr;
  findings.push(...r.findings);
  const lookup = (attr: string, id: string) => authority.get(`${attr}|${id}`);
  findings.push(...authorityConflictRule(entry, read.records, lookup).findings);
  for (const rec of read.records) {
    priorHashes.set(rec.rid, rec.hash);
    for (const m of rec.mentions) {
      if (m.kind !== 'Person' || !m.attrs.residentId) continue;
      for (const [attr, keyAttr] of Object.entries(COMPARED)) {
        if (!entry.authorityFor.includes(`Person.${attr}`) || !m.attrs[attr]) continue;
        const k = `${attr}|${m.attrs.residentId}`;
        const stale = staleAuthorityFinding(entry, rec, attr, authority.get(k));
        if (stale) findings.push(stale);
        authority.set(k, { value: m.attrs[attr]!, key: m.attrs[keyAttr] ?? m.attrs[attr]!, source, rid: rec.rid });
      }
    }
  }
}
const ms = performance.now() - t0;
fs.rmSync(staging, { recursive: true, force: true });

// Ground truth: source,record_id,field,noise_kind
const truth = fs
  .readFileSync(path.join(input, 'truth', 'noise.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => {
    const [source = '', recordId = '', field = '', kind = ''] = l.split(',');
    return { rid: `${source}:${recordId}`, field, kind };
  });
const planted = (kinds: string[]) => truth.filter((t) => kinds.includes(t.kind));
const matches = (f: QualityFinding, t: { rid: string; field: string }) =>
  f.rid === t.rid && (!t.field || !f.field || f.field === t.field);

// Authority conflicts are scored per attribute: an address differs for other reasons than a name.
for (const f of findings) if (f.rule === 'authority_conflict') f.rule = `authority_conflict[${f.attribute}]`;
// A conflict whose authority record is itself a planted late update is explained (the authority was stale).
const lateRids = new Set(truth.filter((t) => t.kind === 'late_update').map((t) => t.rid));
const explained = (f: QualityFinding) => lateRids.has(/authority, ([^)]+)\)/.exec(f.detail)?.[1] ?? '');
const rows: string[][] = [];
const rules = [...new Set(findings.map((f) => f.rule)), ...Object.keys(RULE_TARGETS)]
  .filter((v, i, a) => a.indexOf(v) === i)
  .sort();
for (const rule of rules) {
  const mine = findings.filter((f) => f.rule === rule);
  const uniq = [...new Map(mine.map((f) => [`${f.rid}|${f.field}`, f])).values()];
  const kinds = RULE_TARGETS[rule] ?? [];
  const target = planted(kinds);
  const found = target.filter((t) => uniq.some((f) => matches(f, t))).length;
  const anyNoise = truth;
  const truePos = uniq.filter(
    (f) => target.some((t) => matches(f, t)) || (rule.startsWith('authority_conflict') && explained(f)),
  ).length;
  const plantedAny = uniq.filter((f) => anyNoise.some((t) => matches(f, t))).length;
  rows.push([
    rule,
    kinds.join(' ') || '—',
    String(uniq.length),
    target.length ? `${found}/${target.length} = ${(found / target.length).toFixed(3)}` : '—',
    uniq.length && kinds.length ? `${truePos}/${uniq.length} = ${(truePos / uniq.length).toFixed(3)}` : '—',
    uniq.length ? (plantedAny / uniq.length).toFixed(3) : '—',
  ]);
}
const head = ['rule', 'targets (noise kinds)', 'flagged', 'recall', 'precision', 'any-noise prec.'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => [...r[i]!].length)));
const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
console.log(
  `quality rules on ${input}: ${files.length} files, ${records} records, ${Math.round(ms)} ms (${Math.round((records / ms) * 1000)} records/s; the per-batch rules alone ${Math.round(rulesMs)} ms)`,
);
console.log(line(head));
for (const r of rows) console.log(line(r));
const untargeted = [...new Set(truth.map((t) => t.kind))].filter(
  (k) => !Object.values(RULE_TARGETS).flat().includes(k),
);
console.log(`noise kinds no rule targets (variation the resolver absorbs, not defects): ${untargeted.join(', ')}`);
if (process.env.QDEBUG) {
  const ac = findings.filter((f) => f.rule === process.env.QDEBUG);
  const by = new Map<string, number>();
  for (const f of ac) {
    const t =
      truth
        .filter((x) => matches(f, x))
        .map((x) => x.kind)
        .join('+') || 'NONE';
    const k = `${f.source} ${f.field} ${t}`;
    by.set(k, (by.get(k) ?? 0) + 1);
  }
  console.log([...by].sort((a, b) => b[1] - a[1]));
  console.log(ac.filter((f) => !truth.some((x) => matches(f, x))).slice(0, 8));
}
