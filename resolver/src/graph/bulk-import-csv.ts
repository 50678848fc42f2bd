/**
 * The graph as neo4j-admin import CSV files (`neo4j-admin database import full`): one node file
 * per entity kind plus identifiers, source records, batches and the pipeline state; one
 * relationship file per kind of edge. The properties are exactly the ones the incremental
 * writes (`write-chunk.ts`) set, with the same types (numbers the driver sends are doubles).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ENTITY_LABELS, Label, Rel } from '@onemap/graph-schema';
import type { BatchInfo } from './batches.ts';
import type { CoTravelEdgeRow } from './co-travel.ts';
import { entitySources } from './write-chunk.ts';
import { recordPlaceFacts } from './place-facts.ts';
import type { EntityRow, RelationRow, SourceRecordRow, VisitRow } from './write-rows.ts';

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

const QUOTE = 0x22;
const COMMA = 0x2c;
const NEWLINE = 0x0a;
const BLOCK = 4 << 20;

/**
 * A CSV writer that encodes each cell straight into a 4 MiB block and writes the block when it
 * fills: no string per row or per quoted cell, no joined block (at a million rows those strings
 * were most of the stage's time and garbage).
 */
export class CsvFile {
  private readonly buf = Buffer.allocUnsafe(BLOCK);
  private pos = 0;
  private readonly fd: number;
  rows = 0;
  multiline = false;

  constructor(
    readonly file: string,
    header: string[],
  ) {
    this.fd = fs.openSync(file, 'w');
    this.text(`${header.join(',')}\n`);
  }

  /** Values: string (quoted), number, boolean, string[] (joined), null/undefined (no property). */
  row(values: unknown[]) {
    for (let i = 0; i < values.length; i++) {
      if (i) this.byte(COMMA);
      this.cell(values[i]);
    }
    this.byte(NEWLINE);
    this.rows++;
  }

  private cell(v: unknown) {
    if (v === null || v === undefined) return;
    if (typeof v === 'number') {
      if (Number.isFinite(v)) this.text(String(v));
      return;
    }
    if (typeof v === 'boolean') {
      this.text(v ? 'true' : 'false');
      return;
    }
    // an empty list is no property, as the incremental writes store it
    if (Array.isArray(v) && !v.length) return;
    const s = Array.isArray(v) ? v.join(ARRAY_DELIMITER) : String(v);
    if (!this.multiline && (s.includes('\n') || s.includes('\r'))) this.multiline = true;
    this.byte(QUOTE);
    this.text(s.includes('"') ? s.replaceAll('"', '""') : s);
    this.byte(QUOTE);
  }

  private byte(b: number) {
    if (this.pos === BLOCK) this.flush();
    this.buf[this.pos++] = b;
  }

  private text(s: string) {
    // at most 3 bytes per UTF-16 unit
    if (this.pos + s.length * 3 > BLOCK) {
      this.flush();
      if (s.length * 3 > BLOCK) {
        fs.writeSync(this.fd, s);
        return;
      }
    }
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  flush() {
    if (this.pos) fs.writeSync(this.fd, this.buf, 0, this.pos);
    this.pos = 0;
  }

  close() {
    this.flush();
    fs.closeSync(this.fd);
  }
}

/** Writes the import CSVs of `g` into `dir` (emptied first). */
export function writeImportCsv(g: BulkGraph, dir: string): ImportFiles {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const files: CsvFile[] = [];
  const nodes: string[] = [];
  const relationships: string[] = [];
  const open = (name: string, header: string[], kind: 'node' | 'rel') => {
    const f = new CsvFile(path.join(dir, name), header);
    files.push(f);
    (kind === 'node' ? nodes : relationships).push(f.file);
    return f;
  };

  // Visibility as a property: each entity's sources, as the incremental writer keeps them.
  const inSources = new Map(entitySources({ ...g, merges: [] }).map((x) => [x.eid, x.sources]));
  // Place facts (what a place's records say in brief), as the incremental writer keeps them.
  const placeFacts = new Map(recordPlaceFacts(g.records).map((x) => [x.eid, x]));
  // Entities: one file per kind, columns = the properties that kind's rows carry.
  for (const kind of ENTITY_LABELS) {
    const rows = g.entities.filter((e) => e.kind === kind);
    if (!rows.length) continue;
    const props = [...new Set(rows.flatMap((r) => Object.keys(r.props)))].sort();
    const hasLocation = rows.some((r) => r.lon !== null && r.lat !== null);
    const f = open(
      `nodes-${kind}.csv`,
      [
        'eid:ID(Entity)',
        ':LABEL',
        ...props,
        'provenance',
        'searchText',
        'updatedAt:datetime',
        'inSources:string[]',
        ...(kind === Label.Place ? ['recordRoles:string[]', 'homeSources:string[]'] : []),
        ...(hasLocation ? ['location:point{crs:WGS-84}'] : []),
      ],
      'node',
    );
    for (const r of rows) {
      f.row([
        r.eid,
        [Label.Entity, kind],
        ...props.map((p) => r.props[p]),
        r.provenance,
        r.searchText,
        g.loadedAt,
        inSources.get(r.eid) ?? [],
        ...(kind === Label.Place ? [placeFacts.get(r.eid)?.recordRoles ?? [], placeFacts.get(r.eid)?.homeSources ?? []] : []),
        ...(hasLocation ? [r.lon !== null && r.lat !== null ? `{longitude:${r.lon},latitude:${r.lat}}` : null] : []),
      ]);
    }
  }
  const idOf = (kind: string, value: string) => `${kind}|${value}`;
  const ids = open('nodes-identifiers.csv', [':ID(Identifier)', ':LABEL', 'kind', 'value'], 'node');
  const seenIds = new Set<string>();
  for (const i of g.identifiers) {
    const k = idOf(i.kind, i.value);
    if (seenIds.has(k)) continue;
    seenIds.add(k);
    ids.row([k, Label.Identifier, i.kind, i.value]);
  }
  const recs = open(
    'nodes-source-records.csv',
    [
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
    ],
    'node',
  );
  for (const r of g.records) {
    recs.row([
      r.rid,
      Label.SourceRecord,
      r.source,
      r.recordId,
      r.receivedAt,
      r.hash,
      r.file,
      r.line,
      r.batchId,
      g.seq,
      r.attrs,
      r.mentions,
      r.flags,
    ]);
  }
  const batches = open(
    'nodes-batches.csv',
    [
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
    ],
    'node',
  );
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
  const state = open('nodes-pipeline-state.csv', [':ID(PipelineState)', ':LABEL', 'id', 'seq:double'], 'node');
  state.row(['main', 'PipelineState', 'main', g.seq]);

  const resolvedTo = open(
    'rels-resolved-to.csv',
    [
      ':START_ID(SourceRecord)',
      ':END_ID(Entity)',
      ':TYPE',
      'role',
      'score:double',
      'decision',
      'candidate',
      'at:datetime',
    ],
    'rel',
  );
  for (const r of g.records)
    for (const x of r.resolved)
      resolvedTo.row([
        r.rid,
        x.eid,
        Rel.ResolvedTo,
        x.role,
        x.score,
        x.decision,
        (x as { candidate?: string }).candidate,
        g.loadedAt,
      ]);
  const hasId = open(
    'rels-has-identifier.csv',
    [':START_ID(Entity)', ':END_ID(Identifier)', ':TYPE', 'source', 'rid', 'rids:string[]'],
    'rel',
  );
  for (const i of g.identifiers) hasId.row([i.eid, idOf(i.kind, i.value), Rel.HasIdentifier, i.source, i.rid, i.rids]);
  const rels = open(
    'rels-relations.csv',
    [':START_ID(Entity)', ':END_ID(Entity)', ':TYPE', 'source', 'rid', 'rids:string[]', 'role', 'firstAt:datetime'],
    'rel',
  );
  for (const r of g.relations) rels.row([r.from, r.to, r.type, r.source, r.rid, r.rids, r.role, g.loadedAt]);
  const visited = open(
    'rels-visited.csv',
    [':START_ID(Entity)', ':END_ID(Entity)', ':TYPE', 'rid', 'kind', 'at:datetime', 'until:datetime', 'source'],
    'rel',
  );
  for (const v of g.visits) visited.row([v.subject, v.place, Rel.Visited, v.rid, v.kind, v.at, v.until, v.source]);
  if (g.coTraveled?.edges.length) {
    const co = open(
      'rels-co-traveled.csv',
      [
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
      ],
      'rel',
    );
    const tol = g.coTraveled.toleranceMinutes;
    for (const e of g.coTraveled.edges)
      co.row([
        e.x < e.y ? e.x : e.y,
        e.x < e.y ? e.y : e.x,
        Rel.CoTraveled,
        e.count,
        e.first,
        e.last,
        tol,
        e.sources,
        e.score,
        e.reasons,
      ]);
  }

  for (const f of files) f.close();
  const count = (xs: string[]) => files.filter((f) => xs.includes(f.file)).reduce((a, f) => a + f.rows, 0);
  return {
    dir,
    nodes,
    relationships,
    multiline: files.some((f) => f.multiline),
    nodeCount: count(nodes),
    relationshipCount: count(relationships),
  };
}
