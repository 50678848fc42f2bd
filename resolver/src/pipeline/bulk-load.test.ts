import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCatalog } from '@onemap/datasets';
import { afterAll, describe, expect, it } from 'vitest';
import { hotelRecord } from '../../../test/helpers/hotel-records.ts';
import { planBulkLoad, RowsByEntity } from './bulk-load.ts';

/** The key of the entity ids these tests mint (one per file, as one graph has one). */
const eidKey = randomBytes(32);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-bulk-plan-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, rows: Record<string, string | number>[]) {
  const p = path.join(dir, name);
  fs.writeFileSync(p, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return { source: 'hotel', path: p };
}
const guestOf = (r: Record<string, string | number>) => ({
  guest_name: r.guest_name!,
  sex: r.sex!,
  birth_date: r.birth_date!,
  id_number: r.id_number!,
  address: r.address!,
});

describe('bulk plan of a corrected re-delivery (the same graph the incremental pipeline writes)', () => {
  it('resolves the corrected record again and writes only its last version', async () => {
    const a = hotelRecord(1);
    const b = hotelRecord(2);
    const c = hotelRecord(3);
    const files = [
      file('day1.jsonl', [a, b, c]),
      file('day2.jsonl', [
        { ...a, ...guestOf(b) },
        { ...c, hotel_code: 'HT0040', hotel_name: '测试宾馆40号店' },
      ]),
    ];
    const plan = await planBulkLoad(files, {
      catalog: loadCatalog(),
      eidKey,
      stagingDir: path.join(dir, 'staging'),
      rejectsDir: path.join(dir, 'rejects'),
      spillFile: path.join(dir, 'spill.jsonl'),
    });
    const { graph } = plan;
    const rec = (i: number) => graph.records.filter((r) => r.recordId === `T-HOTEL-00000${i}`);
    const eidOf = (i: number, role: string) => rec(i)[0]!.resolved.find((x) => x.role === role)!.eid;
    expect(rec(1)).toHaveLength(1);
    // a's stay is b's now, and a's first person is gone (it had no other record)
    expect(eidOf(1, 'guest')).toBe(eidOf(2, 'guest'));
    expect(graph.entities.filter((e) => e.kind === 'Person')).toHaveLength(2);
    expect(graph.visits.filter((v) => v.rid === rec(1)[0]!.rid).map((v) => v.subject)).toEqual([eidOf(2, 'guest')]);
    expect(graph.identifiers.filter((i) => i.value === a.id_number)).toEqual([]);
    // c's stay moved to the corrected hotel; the hotel it named first has no record left
    const places = graph.entities.filter((e) => e.kind === 'Place').map((e) => e.props.placeCode);
    expect(places.sort()).toEqual(['HT0001', 'HT0002', 'HT0040']);
    expect(graph.visits.filter((v) => v.rid === rec(3)[0]!.rid).map((v) => v.place)).toEqual([eidOf(3, 'hotel')]);
  });
});

describe('RowsByEntity (identifiers and relations deduplicated per entity)', () => {
  it('finds every row it was given, by its entity and what identifies it, listed or past the list; keeps the order of adding', () => {
    type Id = { kind: string; value: string };
    const rows = new RowsByEntity<Id, Id & { eid: string; n: number }>(
      (x) => `${x.kind}|${x.value}`,
      (r, x) => r.value === x.value && r.kind === x.kind,
    );
    const added: (Id & { eid: string; n: number })[] = [];
    // one entity with far more rows than a list holds (a hub), others with one or two; values that only a separator would tell apart
    for (let i = 0; i < 200; i++) {
      const eid = i % 3 === 0 ? `E-${i}` : 'E-hub';
      const x = { kind: i % 2 ? 'phone' : 'phone|x', value: i % 2 ? `x|${i}` : `${i}`, eid, n: i };
      expect(rows.find(eid, x)).toBeUndefined();
      rows.add(eid, x);
      added.push(x);
    }
    for (const x of added) {
      expect(rows.find(x.eid, { kind: x.kind, value: x.value })).toBe(x);
      expect(rows.find(x.eid === 'E-hub' ? 'E-0' : 'E-hub', { kind: x.kind, value: x.value })?.n).not.toBe(x.n);
    }
    expect(rows.find('E-hub', { kind: 'phone', value: 'x|0' })).toBeUndefined();
    expect(rows.all).toEqual(added);
  });
});
