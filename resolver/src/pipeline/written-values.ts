import { hash } from 'node:crypto';
import type { EntityChanges, EntityRow } from '../graph/write-rows.ts';

/**
 * What this worker last wrote of each entity, field by field, as short hashes: a row whose fields
 * all match is not written again (hubs — hotels, stations — are touched by every group), and one
 * that changed sends only its changed fields (`EntityRow.changes`). A person seen again at a hotel
 * moves the provenance of the attributes that record states, rarely a value: the whole row
 * (~2 KB: names, Pinyin keys, search text, provenance) was re-sent and re-set for it, half of the
 * real-time leader's bytes to Neo4j (docs/ingestion.md, "Real time: where a record's time goes").
 *
 * Fields: every golden property, `provenance`, `searchText`, the point (`lon,lat`). A property
 * written before and absent now is sent as null (removed from the node). Hashes are the first 60
 * bits of SHA-1 (native, ~0.5 µs a field), so a changed field passes for unchanged once in ~10^18
 * comparisons. A row's hashes are computed once, for `changes` and `note` both.
 */
export class WrittenValues {
  /**
   * eid -> what was written, one flat one-byte string: the row's shape (`shapes`, base 36) and
   * `:`, then each field's 10-character hash in the shape's order, then the point (`lon,lat`).
   * ~230 bytes for a person's ~20 fields, where `field\u0001hash` entries joined took ~480: these
   * entries live until the entity is written again, so they are most of what the real-time leader
   * promotes to the old generation (docs/ingestion.md, "What the young generation promotes").
   */
  private readonly byEid = new Map<string, string>();

  /**
   * The fields of `row` that differ from what this worker wrote last: null when none does,
   * undefined when it never wrote the entity (the whole row is written).
   */
  changes(row: EntityRow): EntityChanges | null | undefined {
    const had = this.byEid.get(row.eid);
    if (had === undefined) return undefined;
    const now = writtenOf(row);
    const colon = had.indexOf(':');
    if (had.startsWith(now.shape) && colon === now.shape.length - 1) return sameShapeChanges(row, had, now);
    // another set of properties than last time (one came or went): field by field, by name
    const before = fieldsOf(had);
    const after = fieldsOf(now.entry);
    const props: Record<string, string | null> = {};
    let changed = false;
    for (const [field, hash] of after) {
      if (field === POINT || before.get(field) === hash) continue;
      changed = true;
      props[nameOf(field)] = propOf(row, field);
    }
    for (const field of before.keys()) {
      if (after.has(field)) continue;
      changed = true;
      if (field.startsWith(PROP)) props[nameOf(field)] = null;
    }
    const point = before.get(POINT) !== after.get(POINT);
    if (!changed && !point) return null;
    return { props, point };
  }

  /** Whether this worker knows what the graph holds of the entity. */
  has(eid: string): boolean {
    return this.byEid.has(eid);
  }

  /** Notes a row as written (its whole values, whether it was sent whole or as changes). */
  note(row: EntityRow): void {
    this.byEid.set(row.eid, writtenOf(row).entry);
  }

  delete(eid: string): void {
    this.byEid.delete(eid);
  }

  clear(): void {
    this.byEid.clear();
  }
}

/** The fields of an entry taken apart (`fieldsOf`): a golden property is `p:<name>`, never one of the others. */
const PROP = 'p:';
const PROVENANCE = 'provenance';
const SEARCH_TEXT = 'searchText';
const POINT = 'point';
const HASH_LENGTH = 10;

/**
 * The rows' shapes: each distinct sorted list of golden property names, numbered in the order
 * first seen (a kind's entities share a handful). Shared by every `WrittenValues` of the process
 * (a number means the same list everywhere).
 */
const shapes = { byKey: new Map<string, string>(), names: new Map<string, string[]>() };

/** A row's shape prefix (`<n>:`) and its property names in that shape's order. */
function shapeOf(props: Record<string, string>): { shape: string; names: string[] } {
  const names = Object.keys(props).sort();
  const key = names.join('\u0001');
  let shape = shapes.byKey.get(key);
  if (shape === undefined) {
    shape = `${shapes.byKey.size.toString(36)}:`;
    shapes.byKey.set(key, shape);
    shapes.names.set(shape, names);
  }
  return { shape, names: shapes.names.get(shape)! };
}

/** What a row's entry is made of (computed once per row object, for `changes` and `note` both). */
interface Written {
  shape: string;
  names: string[];
  /** the shape's field hashes then provenance's and searchText's, HASH_LENGTH characters each */
  hashes: string;
  point: string;
  entry: string;
}

const writtenByRow = new WeakMap<EntityRow, Written>();

function writtenOf(row: EntityRow): Written {
  let w = writtenByRow.get(row);
  if (w) return w;
  const { shape, names } = shapeOf(row.props);
  const parts: string[] = [];
  for (const k of names) parts.push(shortHash(row.props[k]!));
  parts.push(shortHash(row.provenance), shortHash(row.searchText));
  // joined, not concatenated: one flat string (a concatenation is a tree of its ~20 pieces, kept whole)
  const hashes = parts.join('');
  const point = `${row.lon},${row.lat}`;
  w = { shape, names, hashes, point, entry: [shape, hashes, point].join('') };
  writtenByRow.set(row, w);
  return w;
}

/** `changes` when the row has the shape it had: its hashes compared in place, nothing split. */
function sameShapeChanges(row: EntityRow, had: string, now: Written): EntityChanges | null {
  const base = now.shape.length;
  const fields = now.names.length + 2;
  let props: Record<string, string | null> | null = null;
  for (let f = 0; f < fields; f++) {
    const at = f * HASH_LENGTH;
    let same = true;
    for (let i = 0; i < HASH_LENGTH; i++) {
      if (had.charCodeAt(base + at + i) !== now.hashes.charCodeAt(at + i)) {
        same = false;
        break;
      }
    }
    if (same) continue;
    props ??= {};
    if (f < now.names.length) props[now.names[f]!] = row.props[now.names[f]!]!;
    else if (f === now.names.length) props.provenance = row.provenance;
    else props.searchText = row.searchText;
  }
  const end = base + fields * HASH_LENGTH;
  const point = had.length - end !== now.point.length || !had.endsWith(now.point);
  if (!props && !point) return null;
  return { props: props ?? {}, point };
}

/** A field's value in the row (`provenance`, `searchText` or a golden property, `p:<name>` or its name). */
function propOf(row: EntityRow, field: string): string {
  return field === PROVENANCE ? row.provenance : field === SEARCH_TEXT ? row.searchText : row.props[nameOf(field)]!;
}

/** The property a field sets: a golden property's name without `p:`. */
function nameOf(field: string): string {
  return field.startsWith(PROP) ? field.slice(PROP.length) : field;
}

/** An entry taken apart: field -> hash, and the point under `POINT`. */
function fieldsOf(entry: string): Map<string, string> {
  const colon = entry.indexOf(':');
  const names = shapes.names.get(entry.slice(0, colon + 1))!;
  const out = new Map<string, string>();
  const all = [...names.map((n) => PROP + n), PROVENANCE, SEARCH_TEXT];
  let at = colon + 1;
  for (const field of all) {
    out.set(field, entry.slice(at, at + HASH_LENGTH));
    at += HASH_LENGTH;
  }
  out.set(POINT, entry.slice(at));
  return out;
}

/** The first 60 bits of a string's SHA-1, in base64 (10 characters). */
export function shortHash(s: string): string {
  return hash('sha1', s, 'base64').slice(0, 10);
}
