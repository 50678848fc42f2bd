/**
 * Each source record the resolver knows, once: its rid, the content hash of the version resolved
 * last, when it was received, and (on a worker) the batch that wrote it to the graph. A resolver
 * holds every record of the graph (a million and more on a province), so these live in typed
 * arrays indexed by the record's number, not in one map per fact: three maps of rid -> value cost
 * ~290 B a record (the rid string, a 32-character hash string, a boxed time, three map entries),
 * the table ~100 B (the rid and one map entry, 16 B of hash, 8 B of time, 4 B of batch). A record's
 * number is the one the resolution index's mention keys use (`RecordIds`, shared), so the rid and its
 * map entry are held once for both; the index may number a record the table has no fact of yet.
 */

import { RecordIds } from '../resolve/record-ids.ts';

/** A content hash as `readSourceRows` makes it: 32 lowercase hex digits (128 bits, four 32-bit words). */
const HEX32 = /^[0-9a-f]{32}$/;

const NONE = -1;

export class RecordTable {
  /** four words a record: its hash when it is 32 hex digits (see `odd`) */
  private hashWords = new Uint32Array(4 * 1024);
  /** epoch ms; NaN = not known */
  private times = new Float64Array(1024).fill(Number.NaN);
  /** index into `batchIds`; -1 = none */
  private batchOf = new Int32Array(1024).fill(NONE);
  /** 0 = no hash, 1 = in `hashWords`, 2 = in `odd` */
  private hashState = new Uint8Array(1024);
  /** hashes of another form (an empty hash of a resolve-only read, a hash made elsewhere) */
  private readonly odd = new Map<number, string>();
  private readonly batchIds: string[] = [];
  private readonly batchIndex = new Map<string, number>();

  /** @param ids the records' numbers, shared with the resolution index (else the table's own) */
  constructor(private readonly ids: RecordIds = new RecordIds()) {}

  /** A record's number, with room for its facts (numbered now when it has none). */
  private idOf(rid: string): number {
    const id = this.ids.numberOf(rid);
    while (id >= this.times.length) this.grow();
    return id;
  }

  /** A record's number when the table may hold facts of it (undefined when it cannot). */
  private held(rid: string): number | undefined {
    const id = this.ids.find(rid);
    return id !== undefined && id < this.times.length ? id : undefined;
  }

  private grow(): void {
    const n = this.times.length * 2;
    const words = new Uint32Array(4 * n);
    words.set(this.hashWords);
    this.hashWords = words;
    const times = new Float64Array(n).fill(Number.NaN);
    times.set(this.times);
    this.times = times;
    const batches = new Int32Array(n).fill(NONE);
    batches.set(this.batchOf);
    this.batchOf = batches;
    const state = new Uint8Array(n);
    state.set(this.hashState);
    this.hashState = state;
  }

  /** The content hash of the version of a record resolved last (undefined when never). */
  hash(rid: string): string | undefined {
    const id = this.held(rid);
    if (id === undefined) return undefined;
    const state = this.hashState[id];
    if (state === 2) return this.odd.get(id);
    if (state !== 1) return undefined;
    let out = '';
    for (let w = 0; w < 4; w++) out += this.hashWords[4 * id + w]!.toString(16).padStart(8, '0');
    return out;
  }

  /** Whether the record's last resolved version has this hash (without making the hash's string). */
  hasHash(rid: string, hash: string): boolean {
    const id = this.held(rid);
    if (id === undefined) return false;
    const state = this.hashState[id];
    if (state === 2) return this.odd.get(id) === hash;
    if (state !== 1 || !HEX32.test(hash)) return false;
    for (let w = 0; w < 4; w++) if (this.hashWords[4 * id + w] !== Number.parseInt(hash.slice(8 * w, 8 * w + 8), 16)) return false;
    return true;
  }

  /** Whether a version of the record was resolved before. */
  known(rid: string): boolean {
    const id = this.held(rid);
    return id !== undefined && this.hashState[id] !== 0;
  }

  /** A record's number (`RecordIds`), given to it now when it has none, with room for its facts: for the `…Of` setters. */
  numberOf(rid: string): number {
    return this.idOf(rid);
  }

  setHash(rid: string, hash: string): void {
    this.setHashOf(this.idOf(rid), hash);
  }

  /** `setHash` by the record's number (`numberOf`). */
  setHashOf(id: number, hash: string): void {
    if (HEX32.test(hash)) {
      for (let w = 0; w < 4; w++) this.hashWords[4 * id + w] = Number.parseInt(hash.slice(8 * w, 8 * w + 8), 16);
      this.hashState[id] = 1;
      this.odd.delete(id);
    } else {
      this.odd.set(id, hash);
      this.hashState[id] = 2;
    }
  }

  /** When a record was received (epoch ms; undefined when not known). */
  receivedAt(rid: string): number | undefined {
    const id = this.held(rid);
    if (id === undefined) return undefined;
    const t = this.times[id]!;
    return Number.isNaN(t) ? undefined : t;
  }

  /** `receivedAt` by the record's number (`RecordIds`), without its rid. */
  receivedAtOf(id: number): number | undefined {
    if (id >= this.times.length) return undefined;
    const t = this.times[id]!;
    return Number.isNaN(t) ? undefined : t;
  }

  setReceivedAt(rid: string, at: number): void {
    // numbered first: numbering may grow (replace) the arrays
    this.setReceivedAtOf(this.idOf(rid), at);
  }

  /** `setReceivedAt` by the record's number (`numberOf`). */
  setReceivedAtOf(id: number, at: number): void {
    this.times[id] = at;
  }

  /** The batch that wrote the record's current version to the graph (undefined when none is known). */
  writtenBy(rid: string): string | undefined {
    const id = this.held(rid);
    if (id === undefined) return undefined;
    const b = this.batchOf[id]!;
    return b === NONE ? undefined : this.batchIds[b];
  }

  setWrittenBy(rid: string, batchId: string): void {
    this.setWrittenByOf(this.idOf(rid), batchId);
  }

  /** `setWrittenBy` by the record's number (`numberOf`). */
  setWrittenByOf(id: number, batchId: string): void {
    let b = this.batchIndex.get(batchId);
    if (b === undefined) {
      b = this.batchIds.push(batchId) - 1;
      this.batchIndex.set(batchId, b);
    }
    this.batchOf[id] = b;
  }
}
