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
 * Fields: every golden property (`p:<name>`), `provenance`, `searchText`, `point`. A property
 * written before and absent now is sent as null (removed from the node). Hashes are the first 60
 * bits of SHA-1 (native, ~0.5 µs a field), so a changed field passes for unchanged once in ~10^18
 * comparisons. A row's hashes are computed once, for `changes` and `note` both.
 */
export class WrittenValues {
  /** eid -> `field\u0001hash` entries joined by `\u0002` */
  private readonly byEid = new Map<string, string>();

  /**
   * The fields of `row` that differ from what this worker wrote last: null when none does,
   * undefined when it never wrote the entity (the whole row is written).
   */
  changes(row: EntityRow): EntityChanges | null | undefined {
    const had = this.byEid.get(row.eid);
    if (had === undefined) return undefined;
    const before = new Map<string, string>();
    for (const e of had.split('\u0002')) {
      const i = e.indexOf('\u0001');
      before.set(e.slice(0, i), e.slice(i + 1));
    }
    const props: Record<string, string | null> = {};
    let changed = false;
    const now = fieldHashes(row);
    for (const [field, hash] of now) {
      if (before.get(field) === hash) continue;
      changed = true;
      if (field === 'provenance') props.provenance = row.provenance;
      else if (field === 'searchText') props.searchText = row.searchText;
      else if (field !== 'point') props[field.slice(2)] = row.props[field.slice(2)]!;
    }
    for (const field of before.keys()) {
      if (now.has(field)) continue;
      changed = true;
      if (field.startsWith('p:')) props[field.slice(2)] = null;
    }
    if (!changed) return null;
    return { props, point: now.get('point') !== before.get('point') };
  }

  /** Whether this worker knows what the graph holds of the entity. */
  has(eid: string): boolean {
    return this.byEid.has(eid);
  }

  /** Notes a row as written (its whole values, whether it was sent whole or as changes). */
  note(row: EntityRow): void {
    this.byEid.set(
      row.eid,
      [...fieldHashes(row)].map(([f, h]) => `${f}\u0001${h}`).join('\u0002'),
    );
  }

  delete(eid: string): void {
    this.byEid.delete(eid);
  }

  clear(): void {
    this.byEid.clear();
  }
}

/** A row's field hashes, computed once per row object. */
const hashesOf = new WeakMap<EntityRow, Map<string, string>>();

function fieldHashes(row: EntityRow): Map<string, string> {
  let out = hashesOf.get(row);
  if (out) return out;
  out = new Map<string, string>();
  for (const k of Object.keys(row.props).sort()) out.set(`p:${k}`, shortHash(row.props[k]!));
  out.set('provenance', shortHash(row.provenance));
  out.set('searchText', shortHash(row.searchText));
  out.set('point', `${row.lon},${row.lat}`);
  hashesOf.set(row, out);
  return out;
}

/** The first 60 bits of a string's SHA-1, in base64 (10 characters). */
export function shortHash(s: string): string {
  return hash('sha1', s, 'base64').slice(0, 10);
}
