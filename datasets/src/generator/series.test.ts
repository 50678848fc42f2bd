import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateProvince, type Summary } from './generate-province.ts';
import { seriesInBlock } from './series.ts';

let dir: string;
let summary: Summary;
let truth: { sid: string; eid: string; kind: string; offenders: string[] }[];
/** case eid → its incident rows, by the truth records file */
const rowsByCase = new Map<string, Record<string, string>[]>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'onemap-series-'));
  summary = await generateProvince({ persons: 2000, seed: 'series-test', days: 10, outDir: dir });
  truth = readFileSync(join(dir, 'truth/series.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => {
      const [sid, eid, kind, offenders] = l.split(',');
      return { sid: sid as string, eid: eid as string, kind: kind as string, offenders: (offenders ?? '').split(' ') };
    });
  const caseOf = new Map<string, string>();
  for (const l of readFileSync(join(dir, 'truth/records.csv'), 'utf8').trim().split('\n').slice(1)) {
    const [source, rid, role, , eid] = l.split(',');
    if (source === 'incident' && role === 'case') caseOf.set(rid as string, eid as string);
  }
  for (const f of readdirSync(join(dir, 'incident')).filter((x) => !x.includes('redelivered'))) {
    for (const line of readFileSync(join(dir, 'incident', f), 'utf8')
      .split('\n')
      .filter(Boolean)) {
      const row = JSON.parse(line) as Record<string, string>;
      const eid = caseOf.get(row.record_id as string);
      if (eid) rowsByCase.set(eid, [...(rowsByCase.get(eid) ?? []), row]);
    }
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('planted case series (类案串并)', () => {
  it('plants the configured number of series, each 3–5 cases, with look-alikes, and says so in the manifest', () => {
    const series = new Map<string, number>();
    for (const t of truth.filter((x) => x.kind === 'series')) series.set(t.sid, (series.get(t.sid) ?? 0) + 1);
    expect(series.size).toBe(seriesInBlock({ perTenThousand: 20, lookalikes: 3 }, 0, 1000) * 2);
    for (const n of series.values()) expect(n).toBeGreaterThanOrEqual(2);
    expect(summary.planted.series).toBe(series.size);
    expect(summary.planted.lookalikeCases).toBe(truth.filter((x) => x.kind === 'lookalike').length);
  });

  it('writes every planted case to the incident source; a series is one type, its look-alikes the same type', () => {
    const typeOf = (eid: string) => rowsByCase.get(eid)?.[0]?.case_type;
    for (const t of truth) expect(rowsByCase.has(t.eid), t.eid).toBe(true);
    const bySeries = new Map<string, Set<string>>();
    for (const t of truth.filter((x) => x.kind === 'series'))
      bySeries.set(t.sid, (bySeries.get(t.sid) ?? new Set()).add(typeOf(t.eid) as string));
    for (const types of bySeries.values()) expect(types.size).toBe(1);
    // look-alike `L<block><series><j>` copies the type of series `S<block><series>`
    for (const t of truth.filter((x) => x.kind === 'lookalike')) {
      const of = bySeries.get(`S${t.sid.slice(1, -1)}`);
      if (of) expect(of.has(typeOf(t.eid) as string)).toBe(true);
    }
  });

  it('words the cases of one series differently, and names the offender as suspect in some of them', () => {
    const series = new Map<string, string[]>();
    for (const t of truth.filter((x) => x.kind === 'series')) series.set(t.sid, [...(series.get(t.sid) ?? []), t.eid]);
    let named = 0;
    let varied = 0;
    for (const [sid, eids] of series) {
      const texts = new Set(eids.map((e) => rowsByCase.get(e)?.[0]?.description));
      if (texts.size > 1) varied++;
      const offenderRows = eids.flatMap((e) => rowsByCase.get(e) ?? []).filter((r) => r.person_role === '嫌疑人');
      if (offenderRows.length > 0) named++;
      expect(sid).toMatch(/^S/);
    }
    expect(varied).toBe(series.size);
    expect(named).toBeGreaterThan(0);
  });
});
