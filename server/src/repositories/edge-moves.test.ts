import { describe, expect, it } from 'vitest';
import { edgeRids, planEdgeMoves } from './edge-moves.ts';

const row = (id: string, type: string, props: Record<string, unknown>, start = 'from', end = 'other') => ({ id, type, start, end, props });

describe('planEdgeMoves', () => {
  it('moves an edge whole when all its records go, re-pointed at the other entity, with the new mark on top of the earlier one', () => {
    const p = planEdgeMoves(
      [row('r1', 'HAS_PHONE', { source: 's', rid: 'a', rids: ['a'], movedBy: 'D-old', movedFrom: 'X', movedRids: ['old'] }, 'from', 'phone')],
      [{ id: 'r1', rids: null }],
      'from',
      'to',
      { movedBy: 'D-1', movedFrom: 'P' },
    );
    expect(p.whole).toEqual(['r1']);
    expect(p.kept).toEqual([]);
    expect(p.moved.get('HAS_PHONE')).toEqual([{ start: 'to', end: 'phone', props: { source: 's', rid: 'a', rids: ['a'], movedBy: 'D-1', movedFrom: 'P', movedRids: ['a'], movedStack: [JSON.stringify({ movedBy: 'D-old', movedFrom: 'X', movedRids: ['old'] })] }, rids: ['a'] }]);
  });

  it('a marked move lists only the records that go (movedRids); an undo of another decision carries no marks at all', () => {
    const edge = row('r1', 'HAS_IDENTIFIER', { source: 's1', rid: 'a', rids: ['a', 'b'], movedBy: 'D-1', movedFrom: 'P', movedRids: ['a', 'b'] }, 'from', 'id');
    const marked = planEdgeMoves([edge], [{ id: 'r1', rids: ['b'] }], 'from', 'to', { movedBy: 'D-2', movedFrom: 'Q' });
    expect(marked.moved.get('HAS_IDENTIFIER')?.[0]?.props).toMatchObject({ rids: ['b'], movedBy: 'D-2', movedRids: ['b'] });
    const undo = planEdgeMoves([edge], [{ id: 'r1', rids: null }], 'from', 'to', { undoing: 'D-9' });
    const props = undo.moved.get('HAS_IDENTIFIER')?.[0]?.props ?? {};
    expect(['movedBy', 'movedFrom', 'movedRids'].filter((k) => k in props)).toEqual([]);
  });

  it('merges in a chain undo last first: each undo restores the mark below it, and the first undo finds its own edges again', () => {
    const onA = row('r1', 'HAS_PHONE', { source: 's', rid: 'a', rids: ['a'] }, 'A', 'phone');
    const first = planEdgeMoves([onA], [{ id: 'r1', rids: null }], 'A', 'B', { movedBy: 'D-1', movedFrom: 'A' });
    const onB = row('r2', 'HAS_PHONE', first.moved.get('HAS_PHONE')?.[0]?.props ?? {}, 'B', 'phone');
    const second = planEdgeMoves([onB], [{ id: 'r2', rids: null }], 'B', 'C', { movedBy: 'D-2', movedFrom: 'B' });
    const onC = row('r3', 'HAS_PHONE', second.moved.get('HAS_PHONE')?.[0]?.props ?? {}, 'C', 'phone');
    expect(onC.props).toMatchObject({ movedBy: 'D-2', movedFrom: 'B' });
    // An undo of D-1 while D-2 is on top is not its own: no marks travel.
    const wrongOrder = planEdgeMoves([onC], [{ id: 'r3', rids: null }], 'C', 'B', { undoing: 'D-1' });
    expect(Object.keys(wrongOrder.moved.get('HAS_PHONE')?.[0]?.props ?? {}).filter((k) => k.startsWith('moved'))).toEqual([]);
    const undo2 = planEdgeMoves([onC], [{ id: 'r3', rids: null }], 'C', 'B', { undoing: 'D-2' });
    const back = undo2.moved.get('HAS_PHONE')?.[0];
    expect(back).toMatchObject({ start: 'B', props: { movedBy: 'D-1', movedFrom: 'A', movedRids: ['a'] } });
    expect(back?.props).not.toHaveProperty('movedStack');
    const undo1 = planEdgeMoves([row('r4', 'HAS_PHONE', back?.props ?? {}, 'B', 'phone')], [{ id: 'r4', rids: null }], 'B', 'A', { undoing: 'D-1' });
    expect(undo1.moved.get('HAS_PHONE')?.[0]).toEqual({ start: 'A', end: 'phone', props: { source: 's', rid: 'a', rids: ['a'] }, rids: ['a'] });
  });

  it('splits an edge by its records: the part going is stamped by its first record, the rest stays listed', () => {
    const p = planEdgeMoves([row('r1', 'HAS_IDENTIFIER', { source: 's1', rid: 'a', rids: ['a', 'b', 'c'] }, 'from', 'id')], [{ id: 'r1', rids: ['b', 'z'] }], 'from', 'to', { undoing: 'D-9' });
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
      { undoing: 'D-9' },
    );
    expect(p.whole).toEqual(['r2']);
    expect(p.moved.get('WORKS_FOR')).toEqual([{ start: 'other', end: 'to', props: { source: 's', rid: 'b' }, rids: ['b'] }]);
  });

  it('moves an edge that lists no records (a record link, a derived edge) only whole', () => {
    const p = planEdgeMoves([row('r1', 'RESOLVED_TO', { role: 'person' }, 'rec', 'from'), row('r2', 'CO_TRAVELED', { count: 3 })], [{ id: 'r1', rids: null }, { id: 'r2', rids: ['a'] }], 'from', 'to', { undoing: 'D-9' });
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
