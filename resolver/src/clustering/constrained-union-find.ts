/**
 * Union-find over mention indices that refuses unions violating constraints:
 * - exclusive identifiers: a cluster holds at most one value per exclusive kind (two different
 *   valid resident ids are never one person);
 * - explicit cannot-links between mentions (analysts' decisions).
 * Members are kept as circular linked lists so a cluster can be enumerated in O(size).
 */

export class ConstrainedUnionFind {
  readonly parent: Int32Array;
  readonly size: Int32Array;
  /** circular list of members: next[i] */
  readonly next: Int32Array;
  /** per exclusive kind, the value held by each root */
  private readonly exclusive: Array<Array<string | undefined>>;
  private readonly cannot = new Map<number, number[]>();

  constructor(n: number, exclusiveKinds = 0) {
    this.parent = new Int32Array(n);
    this.size = new Int32Array(n).fill(1);
    this.next = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      this.parent[i] = i;
      this.next[i] = i;
    }
    this.exclusive = Array.from({ length: exclusiveKinds }, () => new Array<string | undefined>(n));
  }

  /** Record the exclusive identifier value `value` of kind number `k` on mention `i`. */
  setExclusive(i: number, k: number, value: string): void {
    this.exclusive[k]![i] = value;
  }

  exclusiveValue(root: number, k: number): string | undefined {
    return this.exclusive[k]![root];
  }

  addCannotLink(a: number, b: number): void {
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      const l = this.cannot.get(x);
      if (l) l.push(y);
      else this.cannot.set(x, [y]);
    }
  }

  find(i: number): number {
    let r = i;
    while (this.parent[r] !== r) r = this.parent[r]!;
    while (this.parent[i] !== r) {
      const n = this.parent[i]!;
      this.parent[i] = r;
      i = n;
    }
    return r;
  }

  /** Why roots `ra` and `rb` may not be joined, or undefined when they may. */
  conflict(ra: number, rb: number): string | undefined {
    for (let k = 0; k < this.exclusive.length; k++) {
      const x = this.exclusive[k]![ra];
      const y = this.exclusive[k]![rb];
      if (x !== undefined && y !== undefined && x !== y) return 'different exclusive identifiers';
    }
    if (this.cannot.size) {
      const [small, other] = this.size[ra]! <= this.size[rb]! ? [ra, rb] : [rb, ra];
      for (const m of this.members(small)) {
        const l = this.cannot.get(m);
        if (l) for (const y of l) if (this.find(y) === other) return 'cannot-link';
      }
    }
    return undefined;
  }

  /** Join the clusters of `a` and `b` unconditionally; returns the new root. */
  union(a: number, b: number): number {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return ra;
    if (this.size[ra]! < this.size[rb]!) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra]! += this.size[rb]!;
    const t = this.next[ra]!;
    this.next[ra] = this.next[rb]!;
    this.next[rb] = t;
    for (const ex of this.exclusive) if (ex[ra] === undefined && ex[rb] !== undefined) ex[ra] = ex[rb];
    return ra;
  }

  *members(root: number): Generator<number> {
    let i = root;
    do {
      yield i;
      i = this.next[i]!;
    } while (i !== root);
  }

  membersArray(root: number): number[] {
    const out: number[] = [];
    let i = root;
    do {
      out.push(i);
      i = this.next[i]!;
    } while (i !== root);
    return out;
  }
}
