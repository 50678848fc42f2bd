/**
 * Resolution of what real sources send and our generator does not: masked resident ids (a hotel
 * system's 620102********5012) and a relative's id that is not a typo of this one.
 */
import { residentIdCheckChar, type SourceMapping } from '@onemap/graph-schema';
import { describe, expect, it } from 'vitest';
import { explainPair } from '../explain/explain-pair.ts';
import { defaultPersonModel } from '../scoring/default-person-model.ts';
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

  it('keeps apart members of one household: a shared phone and address, a twin birth date, and another given name', () => {
    const addr = '甘肃省兰州市城关区张掖路街道酒泉路123号2单元301室';
    // a twin with an id, the other in a record without one
    expect(
      groupsOf([
        { name: '王子豪', residentId: validId('62010220010506001'), address: addr, phone: '13919001234' },
        { name: '王子轩', birthDate: '2001-05-06', address: addr, phone: '13919001234' },
      ]),
    ).toEqual([0, 1]);
    // a father with an id, his son in a record with the family's phone and address
    expect(
      groupsOf([
        { name: '张建国', residentId: validId('62010219650312003'), phone: '13919001235', address: addr },
        { name: '张伟', phone: '13919001235', address: addr },
      ]),
    ).toEqual([0, 1]);
  });

  it('says why in the explanation of the pair: the weight capped, a possible match at most', () => {
    const addr = '甘肃省兰州市城关区张掖路街道酒泉路123号2单元301室';
    const [father, son] = mentionsOf([
      { name: '张建国', residentId: validId('62010219650312003'), phone: '13919001235', address: addr },
      { name: '张伟', phone: '13919001235', address: addr },
    ]);
    const e = explainPair(father!, son!, defaultPersonModel());
    expect(e.waterfall.at(-1)?.label).toMatch(/another given name and no identifier agreeing/);
    expect(e.decision).not.toBe('match');
  });

  it('still joins one person whose given name is written differently when an identifier agrees', () => {
    const id = validId('62010219850302001');
    expect(
      groupsOf([
        { name: '张伟', residentId: id, phone: '13919001236' },
        { name: '张大伟', residentId: id, phone: '13919001236' },
      ]),
    ).toEqual([0, 0]);
  });
});
