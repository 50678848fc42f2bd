/** Mean match probability between one mention and the members of an entity (sampled when large). */
import type { Mention } from '../model/types.ts';
import { type PairScorer, probability } from '../scoring/pair-scorer.ts';

const SAMPLE = 32;

export function clusterCohesionOf(m: Mention, members: Mention[], scorer: PairScorer): number {
  if (!members.length) return 1;
  const step = members.length > SAMPLE ? members.length / SAMPLE : 1;
  let sum = 0;
  let n = 0;
  for (let t = 0; t < members.length; t += step) {
    sum += probability(scorer.weight(m.attrs, members[Math.floor(t)]!.attrs));
    n++;
  }
  return sum / n;
}
