/**
 * The graph as neo4j-admin import CSV files (`neo4j-admin database import full`): one node file
 * per entity kind plus identifiers, source records, batches and the pipeline state; one
 * relationship file per kind of edge. The properties are exactly the ones the incremental
 * writes (`write-chunk.ts`) set, with the same types (numbers the driver sends are doubles).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ENTITY_LABELS, IDENTIFIER_VALUE_REVERSED, Label, mentionsHome, PLACE_HOME_WORD, placePointFact, placeRoleFact, Rel, reversedValue, statedPoint, VisitedProp } from '@onemap/graph-schema';
import { BlockFile, FILE_BLOCK } from '../intake/block-file.ts';
import type { BatchInfo } from './batches.ts';
import type { CoTravelEdgeRow } from './co-travel.ts';
import type { EntityRow, RelationRow, SourceRecordRow, VisitRow } from './write-rows.ts';

/** The point a record states for a place mention: role, lon, lat (`pointOfRoleAttrs`). */
export type StatedPoint = readonly [role: string, lon: string, lat: string];

/**
 * A source record's `attrs` and `mentions` JSON as a bulk load spilled them (UTF-8 bytes), written
 * into the CSV as they are, never decoded, and the point each of its place mentions states.
 */
export interface RecordCellBytes {
  attrs: Buffer;
  mentions: Buffer;
  points: readonly StatedPoint[];
}

/** A source record row whose JSON cells come apart, as bytes (`RecordCellBytes`). */
export type SpilledRecordRow = Omit<SourceRecordRow, 'attrs' | 'mentions'>;

/** Everything a bulk load writes. */
export interface BulkGraph {
  entities: EntityRow[];
  identifiers: { eid: string; kind: string; value: string; source: string; rid: string; rids: string[] }[];
  records: SourceRecordRow[];
  relations: (RelationRow & { rids: string[] })[];
  visits: VisitRow[];
  batches: (BatchInfo & { names: string[]; hash: string })[];
  /** CO_TRAVELED edges computed before the import, with the tolerance they were derived with */
  coTraveled?: { edges: CoTravelEdgeRow[]; toleranceMinutes: number };
  seq: number;
  /** ISO time written as updatedAt / at / firstAt (the incremental path's `datetime()`) */
  loadedAt: string;
}

export interface ImportFiles {
  dir: string;
  /** `--nodes=` arguments (file paths) */
  nodes: string[];
  /** `--relationships=` arguments */
  relationships: string[];
  /** some value spans lines: the import must run with --multiline-fields=true */
  multiline: boolean;
  nodeCount: number;
  relationshipCount: number;
}

const ARRAY_DELIMITER = ';';

/**
 * The quote of every string cell: U+0001, which JSON never holds raw (it writes `\u0001`) and
 * standardized text does not either, so a cell is written as it is — the `"` of every JSON cell
 * (a source record's `attrs` and `mentions`, two a record) was doubled before, a new string of
 * each, most of the CSV stage's garbage at a million records. A value holding it still has it
 * doubled (RFC 4180, with this quote). neo4j-admin reads it from the manifest (`--quote`).
 */
export const CSV_QUOTE = '\u0001';
const QUOTE = 0x01;
const DOUBLED_QUOTE = CSV_QUOTE + CSV_QUOTE;
const COMMA = 0x2c;
const NEWLINE = 0x0a;
const RETURN = 0x0d;
/** Cells up to this long are tried as plain ASCII first (`CsvFile.ascii`). */
const SHORT_CELL = 64;

/**
 * A CSV writer that encodes each cell straight into a 4 MiB block and hands the block to the
 * writer thread when it fills (`BlockFile`): no string per row or per quoted cell, no joined block
 * (at a million rows those strings were most of the stage's time and garbage), and no wait for
 * the disk while the next rows are made.
 */
export class CsvFile {
  private readonly out: BlockFile;
  rows = 0;
  multiline = false;

  constructor(
    readonly file: string,
    header: string[],
  ) {
    this.out = new BlockFile(file);
    this.text(`${header.join(',')}\n`);
  }

  /** Values: string (quoted), number, boolean, string[] (joined), bytes (a UTF-8 string, quoted), null/undefined (no property). */
  row(values: unknown[]) {
    for (let i = 0; i < values.length; i++) {
      if (i) this.byte(COMMA);
      this.cell(values[i]);
    }
    this.byte(NEWLINE);
    this.rows++;
  }

  private cell(v: unknown): void {
    if (v === null || v === undefined) return;
    if (typeof v === 'number') {
      if (Number.isFinite(v)) this.ascii(String(v), false);
      return;
    }
    if (typeof v === 'boolean') {
      this.text(v ? 'true' : 'false');
      return;
    }
    if (v instanceof Uint8Array) {
      // copied as they are unless they hold the quote (JSON never does raw)
      if (v.includes(QUOTE)) return this.cell(Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8'));
      if (!this.multiline && (v.includes(NEWLINE) || v.includes(RETURN))) this.multiline = true;
      this.byte(QUOTE);
      this.out.write(v);
      this.byte(QUOTE);
      return;
    }
    // an empty list is no property, as the incremental writes store it
    if (Array.isArray(v) && !v.length) return;
    const s = Array.isArray(v) ? v.join(ARRAY_DELIMITER) : String(v);
    if (s.length <= SHORT_CELL && this.ascii(s, true)) return;
    if (!this.multiline && (s.includes('\n') || s.includes('\r'))) this.multiline = true;
    this.byte(QUOTE);
    this.text(s.includes(CSV_QUOTE) ? s.replaceAll(CSV_QUOTE, DOUBLED_QUOTE) : s);
    this.byte(QUOTE);
  }

  /**
   * A short ASCII string with nothing to escape (ids, eids, roles, dates, numbers: most cells),
   * copied byte by byte in one pass that also checks it, quoted or not; false, nothing written,
   * for any other. One call into the runtime per cell (`Buffer.write`) and three scans cost more
   * than the copy.
   */
  private ascii(s: string, quoted: boolean): boolean {
    const out = this.out;
    if (out.pos + s.length + 2 > FILE_BLOCK) out.handOver();
    const buf = out.buf;
    let p = out.pos;
    if (quoted) buf[p++] = QUOTE;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80 || c === QUOTE || c === NEWLINE || c === RETURN) return false;
      buf[p++] = c;
    }
    if (quoted) buf[p++] = QUOTE;
    out.pos = p;
    return true;
  }

  private byte(b: number) {
    const out = this.out;
    if (out.pos === FILE_BLOCK) out.handOver();
    out.buf[out.pos++] = b;
  }

  private text(s: string) {
    const out = this.out;
    // at most 3 bytes per UTF-16 unit
    if (out.pos + s.length * 3 > FILE_BLOCK) {
      out.handOver();
      if (s.length * 3 > FILE_BLOCK) {
        out.write(Buffer.from(s, 'utf8'));
        return;
      }
    }
    out.pos += out.buf.write(s, out.pos, 'utf8');
  }

  close() {
    this.out.close();
  }
}

const RECORD_HEADER = [
  'rid:ID(SourceRecord)',
  ':LABEL',
  'source',
  'recordId',
  'receivedAt:datetime',
  'hash',
  'file',
  'line:double',
  'batchId',
  'seq:double',
  'attrs',
  'mentions',
  'flags:string[]',
];
const RESOLVED_TO_HEADER = [':START_ID(SourceRecord)', ':END_ID(Entity)', ':TYPE', 'role', 'score:double', 'decision', 'candidate', 'at:datetime'];
const VISITED_HEADER = [':START_ID(Entity)', ':END_ID(Entity)', ':TYPE', 'rid', 'kind', 'at:datetime', 'until:datetime', 'source', VisitedProp.place];
const BATCH_HEADER = [
  ':ID(Batch)',
  ':LABEL',
  'batchId',
  'source',
  'originalName',
  'way',
  'hash',
  'status',
  'receivedAt:datetime',
  'deliveries:long',
  'names:string[]',
  'rows:double',
  'written:double',
  'unchanged:double',
  'updated:double',
  'rejected:double',
  'flagged:double',
  'merges:double',
  'possibleMatches:double',
  'finishedAt',
  'rejectsFile',
  'error',
];
const CO_TRAVELED_HEADER = [
  ':START_ID(Entity)',
  ':END_ID(Entity)',
  ':TYPE',
  'count:double',
  'first:datetime',
  'last:datetime',
  'toleranceMinutes:double',
  'sources:string[]',
  'score:double',
  'reasons',
];

/** What is written once every record and visit has been: the entity-bounded rest of the graph. */
export type BulkGraphRest = Omit<BulkGraph, 'records' | 'visits' | 'seq' | 'loadedAt'>;

/**
 * The import CSVs written as the graph is produced: source records (with their RESOLVED_TO) and
 * VISITED rows as they come, one at a time, so a load never holds them all; entities,
 * identifiers, relations, batches and CO_TRAVELED at the end (`finish`). What an entity's node
 * needs from the records and edges that name it (`inSources`, a place's facts) is gathered on
 * the way, per entity. The files are the ones `writeImportCsv` writes for the same graph.
 */
export class ImportCsvWriter {
  private readonly files: CsvFile[] = [];
  private readonly nodes: string[] = [];
  private readonly relationships: string[] = [];
  private readonly recs: CsvFile;
  private readonly resolvedTo: CsvFile;
  private readonly visited: CsvFile;
  /** eid -> its sources, as `entitySources` lists them for the incremental writer (unsorted here) */
  private readonly sources = new Map<string, string[]>();
  /** place eid -> its `recordRoles`, `homeSources` and `pointStatements` so far (as `placeFactsOf` counts them) */
  private readonly placeFacts = new Map<string, { roles: string[]; homes: string[]; points: string[] }>();

  /**
   * @param dir emptied first
   * @param kindOf the kind of an entity a record resolves to (only places keep place facts)
   */
  constructor(
    readonly dir: string,
    private readonly at: { seq: number; loadedAt: string },
    private readonly kindOf: (eid: string) => string | undefined,
  ) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    this.recs = this.open('nodes-source-records.csv', RECORD_HEADER, 'node');
    this.resolvedTo = this.open('rels-resolved-to.csv', RESOLVED_TO_HEADER, 'rel');
    this.visited = this.open('rels-visited.csv', VISITED_HEADER, 'rel');
  }

  private open(name: string, header: string[], kind: 'node' | 'rel') {
    const f = new CsvFile(path.join(this.dir, name), header);
    this.files.push(f);
    (kind === 'node' ? this.nodes : this.relationships).push(f.file);
    return f;
  }

  private addSource(eid: string, source: string) {
    const list = this.sources.get(eid);
    if (!list) this.sources.set(eid, [source]);
    else if (!list.includes(source)) list.push(source);
  }

  /**
   * One source record (the last version of its rid) with its RESOLVED_TO edges.
   * @param points the point each place mention states (role, lon, lat), as `statedPoint` reads it
   *   from the record's attrs (which is done when they are not given)
   */
  record(r: SourceRecordRow, points?: readonly StatedPoint[]) {
    this.recordRow(r, r.attrs, r.mentions, () => mentionsHome(r.attrs), points ?? ((role) => statedPoint(r.attrs, role)));
  }

  /** `record` of a bulk load's spilled record: its JSON cells copied into the file as they are. */
  spilledRecord(r: SpilledRecordRow, cells: RecordCellBytes) {
    this.recordRow(r, cells.attrs, cells.mentions, () => cells.attrs.includes(PLACE_HOME_WORD), cells.points);
  }

  /**
   * @param home whether the record's attrs mention a home (`mentionsHome`), asked once it resolved to a place
   * @param points the stated points (role, lon, lat), or how to read a role's from the attrs
   */
  private recordRow(
    r: SpilledRecordRow,
    attrs: string | Uint8Array,
    mentions: string | Uint8Array,
    home: () => boolean,
    points: readonly StatedPoint[] | ((role: string) => { lon: string; lat: string } | null),
  ) {
    this.recs.row([r.rid, Label.SourceRecord, r.source, r.recordId, r.receivedAt, r.hash, r.file, r.line, r.batchId, this.at.seq, attrs, mentions, r.flags]);
    let isHome: boolean | undefined;
    for (const x of r.resolved) {
      // `at` only on a possible match's edge, as the incremental writer keeps it (RESOLVED_AT)
      this.resolvedTo.row([r.rid, x.eid, Rel.ResolvedTo, x.role, x.score, x.decision, (x as { candidate?: string }).candidate, x.decision === 'possible_match' ? this.at.loadedAt : undefined]);
      this.addSource(x.eid, r.source);
      if (this.kindOf(x.eid) !== Label.Place) continue;
      let f = this.placeFacts.get(x.eid);
      if (!f) this.placeFacts.set(x.eid, (f = { roles: [], homes: [], points: [] }));
      const role = placeRoleFact(r.source, x.role);
      if (!f.roles.includes(role)) f.roles.push(role);
      isHome ??= home();
      if (isHome && !f.homes.includes(r.source)) f.homes.push(r.source);
      let p: { lon: string; lat: string } | null;
      if (typeof points === 'function') p = points(x.role);
      else {
        const given = points.find((s) => s[0] === x.role);
        p = given ? { lon: given[1], lat: given[2] } : null;
      }
      const point = p && placePointFact(r.source, p.lon, p.lat);
      if (point && !f.points.includes(point)) f.points.push(point);
    }
  }

  /** One VISITED edge. */
  visit(v: VisitRow) {
    this.visited.row([v.subject, v.place, Rel.Visited, v.rid, v.kind, v.at, v.until, v.source, v.place]);
    this.addSource(v.subject, v.source);
    this.addSource(v.place, v.source);
  }

  /** Writes the rest of the graph and closes every file. */
  finish(g: BulkGraphRest): ImportFiles {
    const idOf = (kind: string, value: string) => `${kind}|${value}`;
    for (const i of g.identifiers) this.addSource(i.eid, i.source);
    for (const r of g.relations) {
      this.addSource(r.from, r.source);
      this.addSource(r.to, r.source);
    }
    this.entityFiles(g.entities);
    const ids = this.open('nodes-identifiers.csv', [':ID(Identifier)', ':LABEL', 'kind', 'value', IDENTIFIER_VALUE_REVERSED], 'node');
    const seenIds = new Set<string>();
    for (const i of g.identifiers) {
      const k = idOf(i.kind, i.value);
      if (seenIds.has(k)) continue;
      seenIds.add(k);
      ids.row([k, Label.Identifier, i.kind, i.value, reversedValue(i.value)]);
    }
    seenIds.clear();
    const batches = this.open('nodes-batches.csv', BATCH_HEADER, 'node');
    for (const b of g.batches) {
      batches.row([
        b.batchId,
        'Batch',
        b.batchId,
        b.source,
        b.originalName,
        b.way,
        b.hash,
        b.status,
        b.receivedAt,
        b.deliveries ?? 1,
        b.names,
        b.rows,
        b.written,
        b.unchanged,
        b.updated,
        b.rejected,
        b.flagged,
        b.merges,
        b.possibleMatches,
        b.finishedAt,
        b.rejectsFile,
        b.error,
      ]);
    }
    const state = this.open('nodes-pipeline-state.csv', [':ID(PipelineState)', ':LABEL', 'id', 'seq:double'], 'node');
    state.row(['main', 'PipelineState', 'main', this.at.seq]);
    const hasId = this.open('rels-has-identifier.csv', [':START_ID(Entity)', ':END_ID(Identifier)', ':TYPE', 'source', 'rid', 'rids:string[]'], 'rel');
    for (const i of g.identifiers) hasId.row([i.eid, idOf(i.kind, i.value), Rel.HasIdentifier, i.source, i.rid, i.rids]);
    const rels = this.open('rels-relations.csv', [':START_ID(Entity)', ':END_ID(Entity)', ':TYPE', 'source', 'rid', 'rids:string[]', 'role', 'firstAt:datetime'], 'rel');
    for (const r of g.relations) rels.row([r.from, r.to, r.type, r.source, r.rid, r.rids, r.role, this.at.loadedAt]);
    if (g.coTraveled?.edges.length) {
      const co = this.open('rels-co-traveled.csv', CO_TRAVELED_HEADER, 'rel');
      const tol = g.coTraveled.toleranceMinutes;
      for (const e of g.coTraveled.edges)
        co.row([e.x < e.y ? e.x : e.y, e.x < e.y ? e.y : e.x, Rel.CoTraveled, e.count, e.first, e.last, tol, e.sources, e.score, e.reasons]);
    }
    for (const f of this.files) f.close();
    const count = (xs: string[]) => this.files.filter((f) => xs.includes(f.file)).reduce((a, f) => a + f.rows, 0);
    return {
      dir: this.dir,
      nodes: this.nodes,
      relationships: this.relationships,
      multiline: this.files.some((f) => f.multiline),
      nodeCount: count(this.nodes),
      relationshipCount: count(this.relationships),
    };
  }

  /** One node file per entity kind, columns = the properties that kind's rows carry. */
  private entityFiles(entities: EntityRow[]) {
    for (const kind of ENTITY_LABELS) {
      const rows = entities.filter((e) => e.kind === kind);
      if (!rows.length) continue;
      const names = new Set<string>();
      for (const r of rows) for (const p in r.props) names.add(p);
      const props = [...names].sort();
      const hasLocation = rows.some((r) => r.lon !== null && r.lat !== null);
      const f = this.open(
        `nodes-${kind}.csv`,
        [
          'eid:ID(Entity)',
          ':LABEL',
          ...props,
          'provenance',
          'searchText',
          'updatedAt:datetime',
          'inSources:string[]',
          ...(kind === Label.Place ? ['recordRoles:string[]', 'homeSources:string[]', 'pointStatements:string[]'] : []),
          ...(hasLocation ? ['location:point{crs:WGS-84}'] : []),
        ],
        'node',
      );
      for (const r of rows) {
        const facts = kind === Label.Place ? this.placeFacts.get(r.eid) : undefined;
        f.row([
          r.eid,
          [Label.Entity, kind],
          ...props.map((p) => r.props[p]),
          r.provenance,
          r.searchText,
          this.at.loadedAt,
          [...(this.sources.get(r.eid) ?? [])].sort(),
          ...(kind === Label.Place ? [[...(facts?.roles ?? [])].sort(), [...(facts?.homes ?? [])].sort(), [...(facts?.points ?? [])].sort()] : []),
          ...(hasLocation ? [r.lon !== null && r.lat !== null ? `{longitude:${r.lon},latitude:${r.lat}}` : null] : []),
        ]);
      }
    }
  }
}

/** Writes the import CSVs of `g` (held whole in memory) into `dir` (emptied first). */
export function writeImportCsv(g: BulkGraph, dir: string): ImportFiles {
  const kinds = new Map<string, string>(g.entities.map((e) => [e.eid, e.kind]));
  const w = new ImportCsvWriter(dir, g, (eid) => kinds.get(eid));
  for (const r of g.records) w.record(r);
  for (const v of g.visits) w.visit(v);
  return w.finish(g);
}
