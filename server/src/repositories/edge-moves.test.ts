import { describe, expect, it } from 'vitest';
import { edgeRids, planEdgeMoves } from './edge-moves.ts';

const row = (id: string, type: string, props: Record<string, unknown>, start = 'from', end = 'other') => ({ id, type, start, end, props });

describe('planEdgeMoves', () => {
  it('moves an edge whole when all its records go, re-pointed at the other entity, with the new mark and without an earlier one', () => {
    const p = planEdgeMoves(
      [row('r1', 'HAS_PHONE', { source: 's', rid: 'a', rids: ['a'], movedBy: 'D-old', movedFrom: 'X', movedRids: ['old'] }, 'from', 'phone')],
      [{ id: 'r1', rids: null }],
      'from',
      'to',
      { movedBy: 'D-1', movedFrom: 'P' },
    );
    expect(p.whole).toEqual(['r1']);
    expect(p.kept).toEqual([]);
    expect(p.moved.get('HAS_PHONE')).toEqual([{ start: 'to', end: 'phone', props: { source: 's', rid: 'a', rids: ['a'], movedBy: 'D-1', movedFrom: 'P', movedRids: ['a'] }, rids: ['a'] }]);
  });

  it('a marked move lists only the records that go (movedRids); an unmarked move (an undo) carries no marks at all', () => {
    const edge = row('r1', 'HAS_IDENTIFIER', { source: 's1', rid: 'a', rids: ['a', 'b'], movedBy: 'D-1', movedFrom: 'P', movedRids: ['a', 'b'] }, 'from', 'id');
    const marked = planEdgeMoves([edge], [{ id: 'r1', rids: ['b'] }], 'from', 'to', { movedBy: 'D-2', movedFrom: 'Q' });
    expect(marked.moved.get('HAS_IDENTIFIER')?.[0]?.props).toMatchObject({ rids: ['b'], movedBy: 'D-2', movedRids: ['b'] });
    const undo = planEdgeMoves([edge], [{ id: 'r1', rids: null }], 'from', 'to', null);
    const props = undo.moved.get('HAS_IDENTIFIER')?.[0]?.props ?? {};
    expect(['movedBy', 'movedFrom', 'movedRids'].filter((k) => k in props)).toEqual([]);
  });

  it('splits an edge by its records: the part going is stamped by its first record, the rest stays listed', () => {
    const p = planEdgeMoves([row('r1', 'HAS_IDENTIFIER', { source: 's1', rid: 'a', rids: ['a', 'b', 'c'] }, 'from', 'id')], [{ id: 'r1', rids: ['b', 'z'] }], 'from', 'to', null);
    expect(p.whole).toEqual([]);
    expect(p.kept).toEqual([{ id: 'r1', rids: ['a', 'c'] }]);
    expect(p.moved.get('HAS_IDENTIFIER')?.[0]).toMatchObject({ start: 'to', props: { rid: 'b', rids: ['b'] }, rids: ['b'] });
  });

  it('leaves an edge none of whose records go, and moves an edge with all its records named whole', () => {
    const p = planEdgeMoves(
      [row('r1', 'WORKS_FOR', { source: 's', rid: 'a', rids: ['a'] }), row('r2', 'WORKS_FOR', { source: 's', rid: 'b' }, 'other', 'from')],
      [
        { id: 'r1', rids: ['x'] },
        { id: 'r2', rids: ['b'] },
      ],
      'from',
      'to',
      null,
    );
    expect(p.whole).toEqual(['r2']);
    expect(p.moved.get('WORKS_FOR')).toEqual([{ start: 'other', end: 'to', props: { source: 's', rid: 'b' }, rids: ['b'] }]);
  });

  it('moves an edge that lists no records (a record link, a derived edge) only whole', () => {
    const p = planEdgeMoves([row('r1', 'RESOLVED_TO', { role: 'person' }, 'rec', 'from'), row('r2', 'CO_TRAVELED', { count: 3 })], [{ id: 'r1', rids: null }, { id: 'r2', rids: ['a'] }], 'from', 'to', null);
    expect(p.whole).toEqual(['r1']);
    expect(p.moved.get('RESOLVED_TO')).toEqual([{ start: 'rec', end: 'to', props: { role: 'person' }, rids: null }]);
    expect(p.moved.has('CO_TRAVELED')).toBe(false);
  });

  it('reads the records an edge lists, or its stamp alone on older edges', () => {
    expect(edgeRids({ rid: 'a', rids: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(edgeRids({ rid: 'a' })).toEqual(['a']);
    expect(edgeRids({})).toEqual([]);
  });
});
