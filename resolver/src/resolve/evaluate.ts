/**
 * Accuracy against ground truth. Pairwise: precision/recall/F1 over pairs of mentions put in
 * one entity (computed from the contingency table, never by enumerating pairs). Cluster:
 * an entity counts as right when its mentions are exactly one true entity's mentions.
 */

export interface Scores {
  precision: number;
  recall: number;
  f1: number;
}

export interface Evaluation {
  mentions: number;
  trueEntities: number;
  predictedEntities: number;
  pairwise: Scores & { truePositives: number; predictedPairs: number; truePairs: number };
  cluster: Scores & { exact: number };
}

const c2 = (n: number) => (n * (n - 1)) / 2;
const f1 = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));

/**
 * @param predicted mention key -> predicted entity id
 * @param truth mention key -> true entity id (only mentions in both are scored)
 */
export function evaluate(predicted: Map<string, string>, truth: Map<string, string>): Evaluation {
  const cell = new Map<string, number>();
  const pred = new Map<string, number>();
  const tru = new Map<string, number>();
  const predMembers = new Map<string, string>(); // predicted id -> the true id of its members, or '' if mixed
  const trueFirstPred = new Map<string, string>(); // true id -> predicted id of its members, or '' if split
  let mentions = 0;
  for (const [k, p] of predicted) {
    const t = truth.get(k);
    if (t === undefined) continue;
    mentions++;
    const ck = `${p}\u0001${t}`;
    cell.set(ck, (cell.get(ck) ?? 0) + 1);
    pred.set(p, (pred.get(p) ?? 0) + 1);
    tru.set(t, (tru.get(t) ?? 0) + 1);
    const pm = predMembers.get(p);
    if (pm === undefined) predMembers.set(p, t);
    else if (pm !== t) predMembers.set(p, '');
    const tp = trueFirstPred.get(t);
    if (tp === undefined) trueFirstPred.set(t, p);
    else if (tp !== p) trueFirstPred.set(t, '');
  }
  let tp = 0;
  for (const n of cell.values()) tp += c2(n);
  let pp = 0;
  for (const n of pred.values()) pp += c2(n);
  let tt = 0;
  for (const n of tru.values()) tt += c2(n);
  const precision = pp === 0 ? 1 : tp / pp;
  const recall = tt === 0 ? 1 : tp / tt;
  let exact = 0;
  for (const [p, t] of predMembers) if (t !== '' && trueFirstPred.get(t) === p) exact++;
  const cp = pred.size ? exact / pred.size : 1;
  const cr = tru.size ? exact / tru.size : 1;
  return {
    mentions,
    trueEntities: tru.size,
    predictedEntities: pred.size,
    pairwise: { precision, recall, f1: f1(precision, recall), truePositives: tp, predictedPairs: pp, truePairs: tt },
    cluster: { precision: cp, recall: cr, f1: f1(cp, cr), exact },
  };
}

export function formatScores(s: Scores): string {
  return `P ${s.precision.toFixed(4)} R ${s.recall.toFixed(4)} F1 ${s.f1.toFixed(4)}`;
}
