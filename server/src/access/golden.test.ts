import { describe, expect, it } from 'vitest';
import { goldenValues, type VisibleRecord } from './golden.ts';
import { officerOf, unconditionalSource } from '../../../test/helpers/unit-viewer.ts';

// a birth date graded plain by the hotel, next to a resident ID graded 4: the birth date is masked
// whenever the ID is (it would complete the masked ID)
const HOTEL = unconditionalSource('hotel', '620000', 3, {
  'guest.residentId': 4,
  'guest.birthDate': 1,
  'guest.name': 2,
  'guest.phone': 4,
});
const RAIL = unconditionalSource('rail', '620200', 2, { 'passenger.name': 1 });
const viewer = (unitCode: string) => officerOf(unitCode, [HOTEL, RAIL]);

const rec = (
  rid: string,
  source: string,
  role: string,
  receivedAt: string,
  attrs: Record<string, unknown>,
): VisibleRecord => ({ rid, source, role, receivedAt, attrs: JSON.stringify({ [role]: attrs }) });
const RECORDS: VisibleRecord[] = [
  rec('h1', 'hotel', 'guest', '2026-10-01T08:00:00Z', {
    name: '张伟',
    residentId: '620102199003071234',
    birthDate: '1990-03-07',
    phone: '13800000001',
    nameKey: 'zhangwei',
  }),
  rec('h2', 'hotel', 'guest', '2026-10-03T08:00:00Z', { name: '张 伟', birthDate: '1990-03-07' }),
  rec('r1', 'rail', 'passenger', '2026-10-02T08:00:00Z', { name: '张伟', plate: '甘A12345' }),
  rec('r2', 'rail', 'passenger', '2026-10-04T08:00:00Z', {
    name: '张为',
    caseType: '盗窃',
    caseNumber: 'A6201022026110001',
  }),
];
const ATTRIBUTES = ['name', 'residentId', 'birthDate', 'phone', 'plate', 'caseType', 'caseNumber', 'nameKey'];

describe('goldenValues with `only` (what a summary reads)', () => {
  for (const unit of ['620000', '620200']) {
    for (const kind of ['Person', 'Vehicle', 'Case']) {
      it(`gives each asked attribute exactly as the full choice does (viewer of ${unit}, ${kind})`, () => {
        const v = viewer(unit);
        const full = goldenValues(kind, RECORDS, v);
        for (const a of ATTRIBUTES) expect(goldenValues(kind, RECORDS, v, [a])[a], a).toEqual(full[a]);
        const two = goldenValues(kind, RECORDS, v, ['caseType', 'caseNumber']);
        expect([two.caseType, two.caseNumber]).toEqual([full.caseType, full.caseNumber]);
      });
    }
  }
  it('masks a birth date asked alone when the resident ID it would complete is masked', () => {
    const other = viewer('620200');
    expect(goldenValues('Person', RECORDS, other).residentId?.masked).toBe(true);
    expect(goldenValues('Person', RECORDS, other, ['birthDate']).birthDate).toMatchObject({ masked: true });
    // the owner sees both plain
    expect(goldenValues('Person', RECORDS, viewer('620000'), ['birthDate']).birthDate).toMatchObject({
      masked: false,
      value: '1990-03-07',
    });
  });
  it('chooses nothing it was not asked for but those completions', () => {
    expect(Object.keys(goldenValues('Person', RECORDS, viewer('620000'), ['name'])).sort()).toEqual(['name']);
    expect(Object.keys(goldenValues('Person', RECORDS, viewer('620000'), ['birthDate'])).sort()).toEqual([
      'birthDate',
      'residentId',
    ]);
  });
});
