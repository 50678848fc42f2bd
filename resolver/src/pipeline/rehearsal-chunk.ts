import { ENTITY_LABELS, type EntityKind, Label, RECORD_RELATION_TYPES } from '@onemap/graph-schema';
import type { ChunkRows, EntityRow, SourceRecordRow } from '../graph/write-rows.ts';

/** The prefix of every id in a rehearsal chunk: no entity, record or batch the pipeline makes has it. */
export const REHEARSAL_ID = 'onemap-rehearsal:';

/** The source a rehearsal chunk's records name (no catalog source has it). */
export const REHEARSAL_SOURCE = 'onemap-rehearsal';

/**
 * A made-up chunk that runs every statement of a group write (`rehearseChunk`, rolled back): an
 * entity of each kind created and one changed, a merge, a record delivered for the first time and
 * one corrected (its old facts withdrawn), an identifier, a relation of each type a record states,
 * a visit and the place facts it brings. Its ids cannot be any real one's (`REHEARSAL_ID`), so a
 * statement that matches by them finds only what the chunk itself created.
 */
export function rehearsalChunk(source: string): ChunkRows {
  const id = (x: string) => `${REHEARSAL_ID}${x}`;
  const entity = (kind: EntityKind, isNew: boolean): EntityRow => ({
    eid: id(`${kind}-${isNew ? 'new' : 'changed'}`),
    kind,
    props: { name: `${REHEARSAL_ID}${kind}` },
    provenance: '{}',
    searchText: '',
    lon: kind === Label.Place ? 103.8 : null,
    lat: kind === Label.Place ? 36.06 : null,
    isNew,
  });
  const entities = ENTITY_LABELS.flatMap((kind) => [entity(kind, true), entity(kind, false)]);
  const person = id(`${Label.Person}-new`);
  const place = id(`${Label.Place}-new`);
  const other = id(`${Label.Organization}-new`);
  const record = (name: string, isNew: boolean): SourceRecordRow => ({
    rid: `${source}:${id(name)}`,
    source,
    recordId: id(name),
    receivedAt: new Date(0).toISOString(),
    hash: id(name),
    file: id(name),
    line: 1,
    batchId: id('batch'),
    attrs: '{}',
    mentions: '{}',
    flags: [],
    resolved: [
      { eid: person, role: 'subject', score: 1, decision: 'match' },
      { eid: place, role: 'place', score: 1, decision: 'match' },
    ],
    isNew,
  });
  const rid = `${source}:${id('record')}`;
  const kinds = new Map<string, EntityKind>(entities.map((e) => [e.eid, e.kind]));
  return {
    seq: 0,
    merges: [{ from: id(`${Label.Person}-changed`), into: person, reason: 'rehearsal' }],
    entities,
    identifiers: [{ eid: person, kind: 'resident_id', value: id('id'), source, rid }],
    records: [record('record', true), record('corrected', false)],
    relations: RECORD_RELATION_TYPES.map((type) => ({ type, from: person, to: other, source, rid, role: null })),
    visits: [{ subject: person, place, at: new Date(0).toISOString(), until: null, kind: 'stay', source, rid }],
    kinds,
  };
}
