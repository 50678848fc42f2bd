/**
 * One record as a bulk load's first pass spills it (one line of the spill file), and read back by
 * the second pass. Most of the line does not depend on how the record resolved, so it is made
 * where the record is read (`spillParts`, on a read-ahead worker): the source record's `attrs` and
 * `mentions` JSON (the node's properties, `mentionsToJson`, written as they are: the second pass
 * neither parses nor stringifies them again), and the record's fixed facts (ids, each mention's
 * key, role, kind, identifiers and flags, relations, visits). The resolving loop adds only what
 * it decided (`spillLine`). Fields are separated by tabs, which JSON never leaves unescaped.
 */
import { type EntityKind, pointOfRoleAttrs } from '@onemap/graph-schema';
import type { RecordCellBytes, StatedPoint } from '../graph/bulk-import-csv.ts';
import { mentionsToJson } from '../graph/load-index.ts';
import type { BatchRecord } from '../intake/read-batch.ts';
import type { Mention } from '../types.ts';
import type { RecordFacts } from './record-facts.ts';
import type { MentionOutcome } from './record-resolver.ts';

/** The parts of a record's spill line that are known before it resolves. */
export interface SpillParts {
  attrs: string;
  mentions: string;
  /** JSON of `FixedFacts` */
  fixed: string;
}

/** What the rows need of a mention (not its attributes: they are in the `attrs` JSON). */
export type SpilledMention = Pick<Mention, 'key' | 'role' | 'kind' | 'identifiers' | 'flags'>;

type FixedFacts = [
  string,
  string,
  number,
  string,
  [string, string, EntityKind, Mention['identifiers'], string[]][],
  RecordFacts['relations'],
  RecordFacts['visits'],
  StatedPoints,
];

/** The point each place mention of a record states (`pointOfRoleAttrs`): role, lon, lat. */
export type StatedPoints = StatedPoint[];

export function spillParts(
  rec: Pick<BatchRecord, 'rid' | 'recordId' | 'line' | 'hash'>,
  facts: RecordFacts,
): SpillParts {
  const json = mentionsToJson(facts.mentions);
  // what a place's `pointStatements` takes from the record, from the mentions' attrs (the second
  // pass would parse the record's whole attrs JSON again for each place it resolved)
  const points: StatedPoints = [];
  for (const m of facts.mentions) {
    const p = m.kind === 'Place' ? pointOfRoleAttrs(m.attrs) : null;
    if (p) points.push([m.role, p.lon, p.lat]);
  }
  const fixed: FixedFacts = [
    rec.rid,
    rec.recordId,
    rec.line,
    rec.hash,
    facts.mentions.map((m) => [m.key, m.role, m.kind, m.identifiers, m.flags]),
    facts.relations,
    facts.visits,
    points,
  ];
  return { attrs: json.attrs, mentions: json.mentions, fixed: JSON.stringify(fixed) };
}

/** The spill line of a record that resolved (without its newline). */
export function spillLine(
  parts: SpillParts,
  origin: number,
  source: string,
  resolved: MentionOutcome[],
  updated: boolean,
): string {
  return `${parts.attrs}\t${parts.mentions}\t${parts.fixed}\t${JSON.stringify([origin, source, updated ? 1 : 0, resolved])}`;
}

/** A spilled record read back. */
export interface SpilledRecord {
  origin: number;
  source: string;
  rec: Pick<BatchRecord, 'rid' | 'recordId' | 'line' | 'hash'>;
  /** the `attrs` and `mentions` JSON as spilled (views into the spill's read block, valid until the next line is read) and the stated points */
  cells: RecordCellBytes;
  mentions: SpilledMention[];
  relations: RecordFacts['relations'];
  visits: RecordFacts['visits'];
  resolved: MentionOutcome[];
  updated: boolean;
}

const TAB = 0x09;

/** A spill line (`readSpillLineBytes`) read back: only what follows the two JSON cells is decoded. */
export function parseSpillLine(line: Buffer): SpilledRecord {
  const a = line.indexOf(TAB);
  const b = line.indexOf(TAB, a + 1);
  const rest = line.toString('utf8', b + 1);
  const c = rest.indexOf('\t');
  const [rid, recordId, n, hash, ms, relations, visits, points] = JSON.parse(rest.slice(0, c)) as FixedFacts;
  const [origin, source, updated, resolved] = JSON.parse(rest.slice(c + 1)) as [
    number,
    string,
    0 | 1,
    MentionOutcome[],
  ];
  return {
    origin,
    source,
    rec: { rid, recordId, line: n, hash },
    cells: { attrs: line.subarray(0, a), mentions: line.subarray(a + 1, b), points },
    mentions: ms.map(([key, role, kind, identifiers, flags]) => ({ key, role, kind, identifiers, flags })),
    relations,
    visits,
    resolved,
    updated: updated === 1,
  };
}
