/**
 * What a bulk load's read-ahead worker (`bulk-read-worker.ts`) tells the parent, and how a chunk of
 * records travels: each record's facts with its mentions packed (`packed-mentions.ts`: one
 * integer array moved, each distinct string sent once) instead of one object graph per mention.
 */
import type { SourceCatalogEntry } from '@onemap/graph-schema';
import type { ErrorCode, ErrorLocation } from '../errors.ts';
import type { StringInterner } from '../intake/intern-mentions.ts';
import { type PackedMentions, unpackMentions } from '../intake/packed-mentions.ts';
import type { StagedBatch } from '../intake/staged-batch.ts';
import type { FieldProblem } from '../types.ts';
import type { SpillParts } from './bulk-spill-record.ts';
import type { RecordFacts } from './record-facts.ts';

/** Slots of the shared control array: the next file to claim, a stop flag, then one per worker (its records not yet resolved). */
export const CTL_NEXT = 0;
export const CTL_STOP = 1;
export const CTL_WORKERS = 2;

export interface ReadJob {
  files: { source: string; path: string }[];
  catalog: SourceCatalogEntry[];
  stagingDir: string;
  /** SharedArrayBuffer of the control array */
  control: SharedArrayBuffer;
  /** this worker's slot in the control array */
  slot: number;
  chunkRecords: number;
  maxRecordsAhead: number;
}

/** A record as the first pass resolves it: what its rows need, and its facts. */
export interface BulkReadRecord {
  rid: string;
  recordId: string;
  line: number;
  hash: string;
  facts: RecordFacts;
  /** its spill line but what resolving decides (`bulk-spill-record.ts`) */
  spill: SpillParts;
}

/**
 * A record's facts but its mentions: [rid, recordId, line, hash, mentions, relations, visits,
 * dropped, and its spill parts: attrs, mentions, fixed].
 */
export type RecordTail = [
  string,
  string,
  number,
  string,
  number,
  RecordFacts['relations'],
  RecordFacts['visits'],
  string[],
  string,
  string,
  string,
];

export interface PackedRecords {
  tails: RecordTail[];
  /** the records' mentions, in order */
  mentions: PackedMentions;
}

export function packRecords(tails: RecordTail[], mentions: PackedMentions): PackedRecords {
  return { tails, mentions };
}

export function unpackRecords(p: PackedRecords, interner: StringInterner): BulkReadRecord[] {
  const ms = unpackMentions(p.mentions, interner);
  const out = new Array<BulkReadRecord>(p.tails.length);
  let o = 0;
  for (let i = 0; i < p.tails.length; i++) {
    const [rid, recordId, line, hash, n, relations, visits, dropped, attrs, mentions, fixed] = p.tails[i]!;
    out[i] = {
      rid,
      recordId,
      line,
      hash,
      facts: { mentions: ms.slice(o, o + n), relations, visits, dropped },
      spill: { attrs, mentions, fixed },
    };
    o += n;
  }
  return out;
}

/** One event of one file, in order: `staged`, then `fault` or `records`… `done`; `fatal` ends the load. */
export type ReadEvent =
  | { index: number; type: 'staged'; batch: StagedBatch }
  | { index: number; type: 'fault'; code: ErrorCode; message: string; location: ErrorLocation }
  | { index: number; type: 'records'; packed: PackedRecords }
  | { index: number; type: 'done'; rows: number; rejects: FieldProblem[]; flagged: number }
  | { index: number; type: 'fatal'; message: string };
