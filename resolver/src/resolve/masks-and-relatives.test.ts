/**
 * Resolution of what real sources send and our generator does not: masked resident ids (a hotel
 * system's 620102********5012) and a relative's id that is not a typo of this one.
 */
import { residentIdCheckChar, type SourceMapping } from '@onemap/graph-schema';
import { describe, expect, it } from 'vitest';
import { standardizeRecord } from '../standardize/standardize-record.ts';
import type { Mention } from '../types.ts';
import { resolveBatch } from './resolve-batch.ts';

const FIELDS = ['name', 'residentId', 'birthDate', 'phone', 'address'];
const mapping = {
  recordIdColumn: 'id',
  entities: [{ role: 'p', kind: 'Person' }],
  fields: FIELDS.map((a) => ({ column: a, target: `p.${a}`, meaning: a, sensitivity: 1 })),
} as SourceMapping;

const validId = (body: string) => body + residentIdCheckChar(body);

let source = 0;
function mentionsOf(rows: Array<Record<string, string>>): Mention[] {
  const src = `s${source++}`;
  return rows.flatMap((r, i) => {
    const s = standardizeRecord({ id: String(i + 1), ...r }, mapping, { source: src });
    if (!s.ok) throw new Error(`rejected: ${JSON.stringify(s)}`);
    return s.mentions;
  });
}

/** Which of `rows` resolve together: [0, 0, 1] = the first two are one person. */
function groupsOf(rows: Array<Record<string, string>>): number[] {
  const ms = mentionsOf(rows);
  const r = resolveBatch(ms);
  const label = new Map<string, number>();
  return ms.map((m) => {
    const e = r.entityOf.get(m.key)!;
    if (!label.has(e)) label.set(e, label.size);
    return label.get(e)!;
  });
}

describe('masked resident ids', () => {
  it('keeps a masked id for reading, never as a raw id to compare', () => {
    const [m] = mentionsOf([{ name: '陈志强', residentId: '620102********5012' }]);
    expect(m!.attrs.residentIdMasked).toBe('620102********5012');
    expect(m!.attrs.residentIdRaw).toBeUndefined();
    expect(m!.identifiers).toEqual([]);
  });

  it('joins a masked id to the full one it may be (it contradicted it as a typo)', () => {
    const id = validId('62010219780101501');
    expect(
      groupsOf([
        { name: '陈志强', residentId: id, phone: '13919001239' },
        { name: '陈志强', residentId: '620102********5012', phone: '13919001239' },
        { name: '陈志强', residentId: '6201021978******01', phone: '13919001239', birthDate: '1978-01-01' },
      ]),
    ).toEqual([0, 0, 0]);
  });
});

describe('a relative’s id', () => {
  it('keeps apart a twin whose id, mistyped, is two characters from the other’s (sequence and check)', () => {
    const addr = '甘肃省兰州市城关区张掖路街道酒泉路123号2单元301室';
    const a = validId('62010220010506001');
    const b = validId('62010220010506003');
    const bTyped = b.slice(0, 17) + (b[17] === '0' ? '1' : '0');
    expect(
      groupsOf([
        { name: '王子豪', residentId: a, address: addr },
        { name: '王子轩', residentId: bTyped, address: addr },
      ]),
    ).toEqual([0, 1]);
  });

  it('still joins an id with one typo to the valid one', () => {
    const a = validId('62010219800215123');
    const typo = `${a.slice(0, 15)}${a[15] === '9' ? '8' : '9'}${a.slice(16)}`;
    expect(
      groupsOf([
        { name: '李明', residentId: a, phone: '13919001240' },
        { name: '李明', residentId: typo, phone: '13919001240' },
      ]),
    ).toEqual([0, 0]);
  });
});
