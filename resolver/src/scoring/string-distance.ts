/** String similarity measures used by comparison levels. Allocation-free except the DP row. */

const flagsA = new Uint8Array(256);
const flagsB = new Uint8Array(256);

/** Jaro-Winkler similarity in [0, 1] (prefix scale 0.1, up to 4 characters). */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  if (la > 256 || lb > 256) return a === b ? 1 : 0;
  const range = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  flagsA.fill(0, 0, la);
  flagsB.fill(0, 0, lb);
  let m = 0;
  for (let i = 0; i < la; i++) {
    const c = a.charCodeAt(i);
    const hi = Math.min(lb - 1, i + range);
    for (let j = Math.max(0, i - range); j <= hi; j++) {
      if (flagsB[j] || b.charCodeAt(j) !== c) continue;
      flagsA[i] = 1;
      flagsB[j] = 1;
      m++;
      break;
    }
  }
  if (m === 0) return 0;
  let t = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (!flagsA[i]) continue;
    while (!flagsB[k]) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) t++;
    k++;
  }
  const jaro = (m / la + m / lb + (m - t / 2) / m) / 3;
  let p = 0;
  const max = Math.min(4, la, lb);
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  return jaro + p * 0.1 * (1 - jaro);
}

const counts = new Int32Array(65536);

/**
 * Jaro-Winkler, or 0 when a cheap upper bound (common characters regardless of position)
 * shows it cannot reach `threshold`: most compared pairs are strangers.
 */
export function jaroWinklerAtLeast(a: string, b: string, threshold: number): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  for (let i = 0; i < la; i++) counts[a.charCodeAt(i)]!++;
  let common = 0;
  for (let j = 0; j < lb; j++) {
    const c = b.charCodeAt(j);
    if (counts[c]! > 0) {
      counts[c]!--;
      common++;
    }
  }
  for (let i = 0; i < la; i++) counts[a.charCodeAt(i)] = 0;
  const jaroMax = (common / la + common / lb + 1) / 3;
  if (jaroMax + 0.4 * (1 - jaroMax) < threshold) return 0;
  return jaroWinkler(a, b);
}

const row0 = new Int32Array(256);
const row1 = new Int32Array(256);
const row2 = new Int32Array(256);

/**
 * Optimal-string-alignment (Damerau-Levenshtein with adjacent transpositions) distance,
 * returning `max + 1` as soon as the distance exceeds `max`. Only the diagonal band of
 * width `2 * max + 1` is computed (cells outside it exceed `max` anyway).
 */
export function damerauLevenshtein(a: string, b: string, max = 3): number {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  if (la === 0) return lb;
  if (lb === 0) return la;
  if (lb >= 255 || la >= 255) return Math.min(max + 1, Math.abs(la - lb) + 1);
  const BIG = max + 1;
  let prev2 = row0;
  let prev = row1;
  let cur = row2;
  for (let j = 0; j <= lb; j++) prev[j] = j <= max ? j : BIG;
  for (let i = 1; i <= la; i++) {
    const lo = Math.max(1, i - max);
    const hi = Math.min(lb, i + max);
    cur[lo - 1] = lo - 1 === 0 ? i : BIG;
    if (hi < lb) cur[hi + 1] = BIG;
    let rowMin = BIG;
    const ca = a.charCodeAt(i - 1);
    for (let j = lo; j <= hi; j++) {
      const cb = b.charCodeAt(j - 1);
      let v = prev[j - 1]! + (ca === cb ? 0 : 1);
      const del = prev[j]! + 1;
      if (del < v) v = del;
      const ins = cur[j - 1]! + 1;
      if (ins < v) v = ins;
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        const tr = prev2[j - 2]! + 1;
        if (tr < v) v = tr;
      }
      if (v > BIG) v = BIG;
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return BIG;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return Math.min(prev[lb]!, BIG);
}
