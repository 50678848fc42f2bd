import { describe, expect, it } from 'vitest';
import { identifierEdges, relationEdges } from './write-chunk.ts';

const row = (
  rid: string,
  over: Partial<{ type: string; from: string; to: string; source: string; role: string | null }> = {},
) => ({
  type: 'HAS_PHONE',
  from: 'P-1',
  to: 'T-1',
  source: 'hotel',
  rid,
  role: null,
  ...over,
});

describe('relationEdges (one MERGE per edge of a chunk)', () => {
  it('a guest stated in several records of a group is one edge row with every rid once, in order', () => {
    expect(relationEdges([row('hotel:1'), row('hotel:2'), row('hotel:1'), row('hotel:3')])).toEqual([
      {
        type: 'HAS_PHONE',
        from: 'P-1',
        to: 'T-1',
        source: 'hotel',
        rids: ['hotel:1', 'hotel:2', 'hotel:3'],
        role: null,
      },
    ]);
  });

  it('keeps edges of another type, pair or source apart, and the last role stated wins as it did row by row', () => {
    const edges = relationEdges([
      row('a:1', { type: 'WORKS_FOR', role: 'clerk' }),
      row('a:2', { type: 'WORKS_FOR', role: null }),
      row('a:3', { type: 'WORKS_FOR', role: 'manager' }),
      row('a:4', { to: 'T-2' }),
      row('b:1', { source: 'telecom' }),
    ]);
    expect(edges.map((e) => [e.type, e.to, e.source, e.rids, e.role])).toEqual([
      ['WORKS_FOR', 'T-1', 'hotel', ['a:1', 'a:2', 'a:3'], 'manager'],
      ['HAS_PHONE', 'T-2', 'hotel', ['a:4'], null],
      ['HAS_PHONE', 'T-1', 'telecom', ['b:1'], null],
    ]);
  });
});

describe('identifierEdges (one MERGE per entity and identifier of a chunk)', () => {
  it('lists every record that states the identifier, in order, and is stamped by the first', () => {
    const id = (rid: string, over: Partial<{ eid: string; value: string; source: string }> = {}) => ({
      eid: 'P-1',
      kind: 'resident_id',
      value: 'X',
      source: 'hotel',
      rid,
      ...over,
    });
    expect(
      identifierEdges([
        id('hotel:1'),
        id('hotel:2'),
        id('hotel:1'),
        id('rail:9', { source: 'rail' }),
        id('hotel:3', { value: 'Y' }),
      ]),
    ).toEqual([
      { eid: 'P-1', kind: 'resident_id', value: 'X', source: 'hotel', rids: ['hotel:1', 'hotel:2', 'rail:9'] },
      { eid: 'P-1', kind: 'resident_id', value: 'Y', source: 'hotel', rids: ['hotel:3'] },
    ]);
  });
});
