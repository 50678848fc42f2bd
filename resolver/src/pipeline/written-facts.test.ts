import { describe, expect, it } from 'vitest';
import { listRows } from '../graph/write-chunk.ts';
import { type ChunkRows, emptyChunk, type SourceRecordRow } from '../graph/write-rows.ts';
import { WrittenFacts } from './written-facts.ts';

const record = (rid: string, over: Partial<SourceRecordRow> = {}): SourceRecordRow => ({
  rid,
  source: 'hotel',
  recordId: rid,
  receivedAt: '2026-12-01T00:00:00Z',
  hash: 'h',
  file: 'f',
  line: 1,
  batchId: 'b',
  attrs: '{}',
  mentions: '{}',
  flags: [],
  resolved: [
    { eid: 'P-1', role: 'guest', score: 1, decision: 'match' },
    { eid: 'L-1', role: 'place', score: 1, decision: 'anchor' },
  ],
  isNew: true,
  ...over,
});

const chunk = (records: SourceRecordRow[], over: Partial<ChunkRows> = {}): ChunkRows => ({
  ...emptyChunk(1),
  records,
  kinds: new Map([
    ['P-1', 'Person'],
    ['L-1', 'Place'],
  ]),
  ...over,
});

describe('listRows (the inSources and place-facts rows a chunk sends)', () => {
  it('sends place facts for places only, when the kinds are known', () => {
    const { sources, places } = listRows(chunk([record('hotel:1')]), new Set());
    expect(sources.map((s) => s.eid)).toEqual(['L-1', 'P-1']);
    expect(places.map((p) => p.eid)).toEqual(['L-1']);
  });

  it('without kinds, sends every entity (the statement skips what is no place)', () => {
    const { places } = listRows(chunk([record('hotel:1')], { kinds: undefined }), new Set());
    expect(places.map((p) => p.eid)).toEqual(['L-1', 'P-1']);
  });
});

describe('WrittenFacts (rows that add nothing are not sent)', () => {
  it('skips a hub whose lists this writer wrote already, and sends it again for a new source or role', () => {
    const facts = new WrittenFacts();
    const first = chunk([record('hotel:1')]);
    expect(listRows(first, new Set(), facts.covered(first)).sources).toHaveLength(2);
    facts.note(first);
    const again = chunk([record('hotel:2')]);
    expect(listRows(again, new Set(), facts.covered(again))).toEqual({ sources: [], places: [] });
    const other = chunk([record('netcafe:1', { source: 'netcafe' })]);
    const rows = listRows(other, new Set(), facts.covered(other));
    expect(rows.sources).toEqual([
      { eid: 'L-1', sources: ['netcafe'] },
      { eid: 'P-1', sources: ['netcafe'] },
    ]);
    expect(rows.places).toEqual([{ eid: 'L-1', recordRoles: ['netcafe:place'], homeSources: [], pointStatements: [] }]);
  });

  it('the answer is taken when a group is resolved: a group noted later never makes it skip its own rows', () => {
    const facts = new WrittenFacts();
    const n = chunk([record('hotel:1')]);
    const known = facts.covered(n);
    facts.note(n); // group N counted as written at its resolve (pipelined), before its write
    facts.note(chunk([record('hotel:2')])); // group N+1 resolved while N writes
    expect(listRows(n, new Set(), known).sources).toHaveLength(2);
  });

  it('always sends the entities the chunk merges into or withdrew from (their lists may have been unset)', () => {
    const facts = new WrittenFacts();
    const first = chunk([record('hotel:1')]);
    facts.note(first);
    const again = chunk([record('hotel:2')]);
    const rows = listRows(again, new Set(['L-1']), facts.covered(again));
    expect(rows.sources.map((s) => s.eid)).toEqual(['L-1']);
    expect(rows.places.map((p) => p.eid)).toEqual(['L-1']);
  });

  it('forgets everything on a chunk with a corrected record (its withdrawal can take entries away)', () => {
    const facts = new WrittenFacts();
    facts.note(chunk([record('hotel:1')]));
    facts.note(
      chunk([
        record('hotel:1', { isNew: false, resolved: [{ eid: 'P-2', role: 'guest', score: 1, decision: 'match' }] }),
      ]),
    );
    const again = chunk([record('hotel:2')]);
    expect(listRows(again, new Set(), facts.covered(again)).sources).toHaveLength(2);
  });

  it('forgets the two entities of a merge, and only them: the survivor is sent again, the hub is not', () => {
    const facts = new WrittenFacts();
    facts.note(chunk([record('hotel:1')]));
    // P-3 merged into P-1 (their lists unioned or left unknown) by a chunk naming neither the hotel nor P-1
    facts.note(chunk([], { merges: [{ from: 'P-3', into: 'P-1', reason: 'x' }] }));
    const again = chunk([record('hotel:2')]);
    const rows = listRows(again, new Set(), facts.covered(again));
    expect(rows.sources).toEqual([{ eid: 'P-1', sources: ['hotel'] }]);
    expect(rows.places).toEqual([]);
    // the merged-away entity is forgotten too: a chunk naming it (a writer behind the merge) sends it
    facts.note(chunk([record('hotel:3', { resolved: [{ eid: 'P-4', role: 'guest', score: 1, decision: 'match' }] })]));
    facts.note(chunk([], { merges: [{ from: 'P-4', into: 'P-5', reason: 'x' }] }));
    const behind = chunk([record('hotel:4', { resolved: [{ eid: 'P-4', role: 'guest', score: 1, decision: 'match' }] })]);
    expect(listRows(behind, new Set(), facts.covered(behind)).sources).toEqual([{ eid: 'P-4', sources: ['hotel'] }]);
  });
});
