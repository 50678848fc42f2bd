/**
 * The batch resolver's loops over pairs, cut into chunks that any thread can take: the
 * candidate pairs' comparison vectors, their weights, and the random pairs of the u estimate.
 * Each pair's result depends on that pair only, so the result is the same whichever thread
 * computes which chunk. A thread without the items (a worker) leaves the pairs whose names need
 * aligning to the thread that has them (`needsItems`).
 */
import { type BatchScorer, NEEDS_ITEMS } from '../scoring/batch-scorer.ts';
import { countRandomPairLevels, randomPairAt } from '../scoring/train-model.ts';

export type PairWork =
  /** the pairs `first` to `first + count`; pair p's vector at `(p - first) * width` of `out` */
  | { type: 'levels'; left: Int32Array; right: Int32Array; first: number; count: number; out: Uint8Array }
  | { type: 'weights'; left: Int32Array; right: Int32Array; count: number; levels: Uint8Array; out: Float64Array }
  /** `count` random pairs of `n` items drawn with `seed`; level counts at `offsets` */
  | { type: 'randomPairs'; n: number; seed: number; count: number; offsets: Int32Array; out: Float64Array };

/** Pairs per chunk: tens of milliseconds of work, so threads finish close together. */
export const CHUNK_PAIRS: Record<PairWork['type'], number> = { levels: 8192, weights: 32768, randomPairs: 8192 };

export function chunkCount(w: PairWork): number {
  return Math.ceil(w.count / CHUNK_PAIRS[w.type]);
}

/** What a chunk computed besides its writes into the work's shared output. */
export interface ChunkResult {
  /** pairs (for random pairs: sample numbers) left to the thread with the items */
  needsItems: Int32Array;
  /** random pairs: this chunk's level counts (the thread's own array, added up by the caller) */
  counts?: Float64Array;
}

const NONE = new Int32Array(0);

/**
 * Runs chunk `c` of `w` with `batch`. Comparison vectors and weights go straight into the
 * shared `w.out`; random pairs' counts into `counts` (the caller's, when it owns `w.out`).
 */
export function runChunk(batch: BatchScorer, w: PairWork, c: number, counts?: Float64Array): ChunkResult {
  const first = w.type === 'levels' ? w.first : 0;
  const from = first + c * CHUNK_PAIRS[w.type];
  const to = Math.min(first + w.count, from + CHUNK_PAIRS[w.type]);
  const K = batch.width;
  if (w.type === 'levels') {
    batch.levelsInto(w.left, w.right, from, to, w.out, first);
    return { needsItems: marked(from, to, (p) => w.out[(p - first) * K] === NEEDS_ITEMS) };
  }
  if (w.type === 'weights') {
    batch.weightsInto(w.left, w.right, from, to, w.levels, w.out);
    return { needsItems: marked(from, to, (p) => Number.isNaN(w.out[p]!)) };
  }
  const own = counts ?? new Float64Array(w.out.length);
  const needsItems: number[] = [];
  countRandomPairLevels(batch, w.n, w.seed, from, to, w.offsets, own, needsItems);
  return { needsItems: needsItems.length ? Int32Array.from(needsItems) : NONE, counts: own };
}

function marked(from: number, to: number, test: (p: number) => boolean): Int32Array {
  let n = 0;
  for (let p = from; p < to; p++) if (test(p)) n++;
  if (!n) return NONE;
  const out = new Int32Array(n);
  n = 0;
  for (let p = from; p < to; p++) if (test(p)) out[n++] = p;
  return out;
}

/** The thread with the items computes what a worker left (`needsItems` of its chunks). */
export function fillNeedsItems(batch: BatchScorer, w: PairWork, needsItems: Int32Array): void {
  const K = batch.width;
  if (w.type === 'levels') {
    for (const p of needsItems) {
      const o = (p - w.first) * K;
      batch.levels(w.left[p]!, w.right[p]!, w.out.subarray(o, o + K));
    }
  } else if (w.type === 'weights') {
    for (const p of needsItems) w.out[p] = batch.weightOfLevels(w.left[p]!, w.right[p]!, w.levels, p * K);
  } else {
    const pair = new Int32Array(2);
    const gamma = new Uint8Array(K);
    for (const s of needsItems) {
      randomPairAt(w.seed, s, w.n, pair);
      batch.levels(pair[0]!, pair[1]!, gamma);
      for (let k = 0; k < K; k++) w.out[w.offsets[k]! + gamma[k]!]!++;
    }
  }
}
