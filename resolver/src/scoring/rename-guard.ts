/**
 * A rename needs an identifier: two mentions whose given names are plainly different (the
 * comparison's `else` level) are never a match on what a household shares — its phone, its
 * address, a twin's birth date add up as if they were independent evidence — unless an identifier
 * agrees (exactly or by one typo). Their weight is capped at `maxWeight` (0 bits: probability
 * 0.5, a possible match that waits for review, below a lone candidate's join).
 */
import type { Model } from './model-settings.ts';

export interface RenameGuardSettings {
  /** the comparison whose `else` level is a rename (`given name`) */
  name: string;
  /** comparisons of identifiers whose agreement allows it (`resident id`, `passport`, ...) */
  anchors: string[];
  /** the largest weight such a pair keeps (bits) */
  maxWeight: number;
}

/** The compiled guard: comparison indices and, per anchor, the levels that count as agreement. */
export class RenameGuard {
  private constructor(
    private readonly nameIdx: number,
    private readonly renameLevel: number,
    private readonly anchors: ReadonlyArray<{ idx: number; agree: ReadonlySet<number> }>,
    private readonly maxWeight: number,
  ) {}

  /** The model's guard, or undefined when it has none (or names a comparison it lacks). */
  static of(model: Model): RenameGuard | undefined {
    const g = model.renameGuard;
    if (!g) return undefined;
    const nameIdx = model.comparisons.findIndex((c) => c.name === g.name);
    if (nameIdx < 0) return undefined;
    const levels = model.comparisons[nameIdx]!.levels;
    const anchors = g.anchors.flatMap((a) => {
      const idx = model.comparisons.findIndex((c) => c.name === a);
      if (idx < 0) return [];
      const agree = new Set<number>();
      model.comparisons[idx]!.levels.forEach((l, i) => {
        if (l.test.type === 'exact' || (l.test.type === 'damerau' && l.test.max <= 1)) agree.add(i);
      });
      return [{ idx, agree }];
    });
    return new RenameGuard(nameIdx, levels.length - 1, anchors, g.maxWeight);
  }

  /** `w`, capped when the pair's given names differ and no identifier agrees (`levelOf(k)`: comparison k's level). */
  cap(w: number, levelOf: (k: number) => number): number {
    if (w <= this.maxWeight || levelOf(this.nameIdx) !== this.renameLevel) return w;
    for (const a of this.anchors) if (a.agree.has(levelOf(a.idx))) return w;
    return this.maxWeight;
  }
}
