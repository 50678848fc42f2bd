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
 * written before and absent now is sent as null (removed from the node). Hashes are 53-bit
 * (cyrb53), so a changed field passes for unchanged once in ~10^16 comparisons.
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

function fieldHashes(row: EntityRow): Map<string, string> {
  const out = new Map<string, string>();
  for (const k of Object.keys(row.props).sort()) out.set(`p:${k}`, cyrb53(row.props[k]!));
  out.set('provenance', cyrb53(row.provenance));
  out.set('searchText', cyrb53(row.searchText));
  out.set('point', cyrb53(`${row.lon},${row.lat}`));
  return out;
}

/** A 53-bit string hash (cyrb53, public domain), in base 36. */
export function cyrb53(s: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}
