import type { PlaceFacts } from '@onemap/graph-schema';
import { recordPlaceFacts } from '../graph/place-facts.ts';
import { entitySources, type KnownFacts } from '../graph/write-chunk.ts';
import type { ChunkRows } from '../graph/write-rows.ts';
import { BoundedMemo } from '../standardize/bounded-memo.ts';

/** A sorted list as one key: `a|b|c`. */
function joined(list: readonly string[]): string {
  return list.join('|');
}

function covers(known: string | undefined, list: readonly string[]): boolean {
  if (known === undefined) return false;
  const have = new Set(known ? known.split('|') : []);
  return list.every((x) => have.has(x));
}

function union(known: string | undefined, list: readonly string[]): string {
  return joined([...new Set([...(known ? known.split('|') : []), ...list])].sort());
}

/**
 * What one writer (the resolve leader, a file worker) knows the graph holds of the lists its
 * chunks keep on entities — `inSources` and a place's facts (`recordRoles`, `homeSources`, `pointStatements`) — from
 * its own writes: a chunk's row that would add nothing to them is not sent (`KnownFacts`, read by
 * `writeChunk`). A hub (a hotel, a guest pushed again) is named by nearly every group, and its row
 * was an index seek and a read of the list per group that changed nothing.
 *
 * Only lists that only grow are remembered: the chunk writer and the trace writers only add to
 * them. What takes entries away — a corrected re-delivery's withdrawal, an analyst's merge, split
 * or undo, a graph reset — makes the owner `clear` it (corrections: the chunk that has them, before
 * it is written; analysts' decisions and resets: the index rebuild); a merge, which may leave the
 * survivor's lists unknown, makes it forget the two entities; and `writeChunk` never skips the
 * entities a chunk merges into or withdraws from. Bounded (the standardizers' two-generation
 * memo): an entity not remembered is written as before.
 */
export class WrittenFacts {
  private readonly sources = new BoundedMemo<string>();
  private readonly places = new BoundedMemo<{ roles: string; homes: string; points: string }>();

  private hasSources(eid: string, sources: readonly string[]): boolean {
    return covers(this.sources.get(eid), sources);
  }

  private hasPlaceFacts(eid: string, facts: PlaceFacts): boolean {
    const p = this.places.get(eid);
    return p !== undefined && covers(p.roles, facts.recordRoles) && covers(p.homes, facts.homeSources) && covers(p.points, facts.pointStatements);
  }

  /**
   * What the graph holds already of a chunk's lists, as known NOW (before the chunk is noted): the
   * answer for its write. Taken when the chunk is resolved, so a later chunk noted before this one
   * is written (the leader's pipelined groups) never makes this one skip a row.
   */
  covered(rows: ChunkRows): KnownFacts {
    const sources = new Set(entitySources(rows).flatMap((x) => (this.hasSources(x.eid, x.sources) ? [x.eid] : [])));
    const places = new Set(
      recordPlaceFacts(rows.records, [], rows.kinds).flatMap((x) => (this.hasPlaceFacts(x.eid, x) ? [x.eid] : [])),
    );
    return { hasSources: (eid) => sources.has(eid), hasPlaceFacts: (eid) => places.has(eid) };
  }

  /**
   * A chunk's lists as they stand once it is written. Call when its write is known to commit, or
   * when a failure of it refuses every chunk resolved after it (the leader's generation). A chunk
   * with merges or corrected records may take entries away (a withdrawal, a merge): everything
   * known is forgotten first.
   */
  note(rows: ChunkRows): void {
    // a corrected record's withdrawal may take entries from any entity its earlier version named
    // (the chunk does not say which): everything known is forgotten
    if (rows.records.some((r) => !r.isNew)) this.clear();
    // a merge takes nothing from the lists of the other entities, and leaves the survivor's the
    // union of both or unknown until a statement recounts them: the two alone are forgotten (a
    // busy writer's chunks and groups often merge something, and forgot every hub with it)
    else
      for (const m of rows.merges) {
        this.forget(m.from);
        this.forget(m.into);
      }
    for (const s of entitySources(rows)) this.sources.set(s.eid, union(this.sources.get(s.eid), s.sources));
    for (const p of recordPlaceFacts(rows.records, [], rows.kinds)) {
      const had = this.places.get(p.eid);
      this.places.set(p.eid, { roles: union(had?.roles, p.recordRoles), homes: union(had?.homes, p.homeSources), points: union(had?.points, p.pointStatements) });
    }
  }

  private forget(eid: string): void {
    this.sources.delete(eid);
    this.places.delete(eid);
  }

  /** Forget everything (something may have taken entries away). */
  clear(): void {
    this.sources.clear();
    this.places.clear();
  }
}
