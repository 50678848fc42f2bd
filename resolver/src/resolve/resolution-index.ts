/**
 * Real-time resolution: resolved entities held in memory, one new mention resolved against
 * them in milliseconds with the same models, blocking rules, anchors and constraints as
 * `resolveBatch`. Analysts' merges, splits, cannot-links and must-links apply immediately.
 */
import type { EntityKind } from '@onemap/graph-schema';
import { blockCap, compileRule, type KeyFn } from '../blocking/blocking-rule.ts';
import { clusterCohesionOf } from '../clustering/cohesion.ts';
import { ResolverError } from '../errors.ts';
import { explainPair, type PairExplanation } from '../explain/explain-pair.ts';
import { DataStats } from '../scoring/data-stats.ts';
import { defaultSettings } from '../scoring/default-kind-settings.ts';
import type { Model } from '../scoring/model-settings.ts';
import { PairScorer, probability } from '../scoring/pair-scorer.ts';
import type { Mention } from '../types.ts';
import { entityIdFor } from './entity-id.ts';

export interface RealtimeResult {
  /** entity the mention belongs to; null = a new entity (also for possible matches, pending review) */
  entityId: string | null;
  decision: 'anchor' | 'match' | 'possible_match' | 'new';
  /** match probability of the best candidate (1 for anchors and keys, 0 when none) */
  score: number;
  /** best candidate entity for possible matches */
  candidate?: string;
  explanation?: PairExplanation;
  /** anchor identifier or key rule that decided */
  reason?: string;
  /** the mention proves these existing entities are one (merge them, keep the first) */
  mergeOf?: string[];
}

/**
 * One blocking key's candidates. Scoring a candidate depends only on its attributes, so of the
 * mentions of one entity with the same attributes (a guest checking in again and again, a plate
 * passing the same checkpoint) only the first is scored: `keys` holds one mention per (entity,
 * attributes), `same` every mention of that pair (first = the one in `keys`), and `n` counts all
 * mentions, so the block's size limit is what it would be with every mention in it.
 */
interface Block {
  n: number;
  keys: string[];
  same: Map<string, string[]>;
}

/** A mention's attributes as a string (keys sorted): equal strings score equally against any mention. */
function attrsSignature(attrs: Mention['attrs']): string {
  const keys = Object.keys(attrs).sort();
  let s = '';
  for (const k of keys) s += `${k}\u0001${attrs[k] ?? ''}\u0002`;
  return s;
}

interface KindIndex {
  model: Model;
  stats: DataStats;
  scorer: PairScorer;
  rules: KeyFn[];
  blocks: Array<Map<string, Block>>;
  keyRules: KeyFn[];
  keyIndex: Array<Map<string, string>>;
}

export class ResolutionIndex {
  private readonly kinds = new Map<EntityKind, KindIndex>();
  private readonly models: Partial<Record<EntityKind, Model>>;
  private readonly mentions = new Map<string, Mention>();
  private readonly entityOfMention = new Map<string, string>();
  private readonly members = new Map<string, Set<string>>();
  /** `kind|idKind|value` -> entity */
  private readonly anchors = new Map<string, string>();
  private readonly cannot = new Map<string, Set<string>>();
  /**
   * entity -> `id:<kind>` / `attr:<name>` -> value -> how many of its mentions hold it: the
   * exclusive identifiers and attributes of each entity, so a conflict check costs the
   * mention's own values, not a scan over every member of the entity.
   */
  private readonly exclusiveValues = new Map<string, Map<string, Map<string, number>>>();
  /**
   * merged-away entity -> the entity it was merged into: anchors and key indexes keep the
   * entity they were first written with and are read through `live`, so a merge costs the
   * merged entity's members, not a scan over every anchor.
   */
  private readonly mergedInto = new Map<string, string>();
  private seq = 0;

  constructor(opts: { models?: Partial<Record<EntityKind, Model>> } = {}) {
    this.models = opts.models ?? {};
  }

  private kind(kind: EntityKind): KindIndex {
    let k = this.kinds.get(kind);
    if (!k) {
      const model = this.models[kind] ?? defaultSettings(kind);
      const stats = new DataStats(model);
      const skip = (part: string, v: string) => stats.isGeneric(part, v);
      const probabilistic = model.thresholds.match < 1;
      k = {
        model,
        stats,
        scorer: new PairScorer(model, stats),
        rules: probabilistic ? model.blockingRules.map((r) => compileRule(r, skip)) : [],
        blocks: probabilistic ? model.blockingRules.map(() => new Map()) : [],
        keyRules: (model.keyRules ?? []).map((r) => compileRule(r)),
        keyIndex: (model.keyRules ?? []).map(() => new Map()),
      };
      this.kinds.set(kind, k);
    }
    return k;
  }

  get size(): number {
    return this.mentions.size;
  }

  /** How much the index holds (for benchmarks): mentions, entities, anchors, block keys and scored groups. */
  counts(): Record<string, number> {
    let blockKeys = 0;
    let scored = 0;
    let keyed = 0;
    for (const k of this.kinds.values()) {
      for (const b of k.blocks) {
        blockKeys += b.size;
        for (const x of b.values()) scored += x.keys.length;
      }
      for (const x of k.keyIndex) keyed += x.size;
    }
    return { mentions: this.mentions.size, entities: this.members.size, anchors: this.anchors.size, keyed, blockKeys, scored };
  }

  entityOf(mentionKey: string): string | undefined {
    return this.entityOfMention.get(mentionKey);
  }

  mentionsOf(entityId: string): Mention[] {
    return [...(this.members.get(entityId) ?? [])].map((k) => this.mentions.get(k)!);
  }

  /** The entity an id written into an anchor or key index stands for now (after merges). */
  private live(entityId: string | undefined): string | undefined {
    if (entityId === undefined) return undefined;
    let e = entityId;
    for (let next = this.mergedInto.get(e); next !== undefined; next = this.mergedInto.get(e)) e = next;
    if (e !== entityId) this.mergedInto.set(entityId, e);
    return e;
  }

  /** A mention's values of the model's exclusive identifiers (`id:<kind>`) and attributes (`attr:<name>`). */
  private exclusiveOf(m: Mention, model: Model): [string, string][] {
    const out: [string, string][] = [];
    for (const i of m.identifiers) if (model.exclusive.includes(i.kind)) out.push([`id:${i.kind}`, i.value]);
    for (const a of model.exclusiveAttrs ?? []) if (m.attrs[a]) out.push([`attr:${a}`, m.attrs[a]!]);
    return out;
  }

  private countExclusive(entityId: string, m: Mention, model: Model, by: 1 | -1): void {
    const values = this.exclusiveOf(m, model);
    if (!values.length) return;
    let ex = this.exclusiveValues.get(entityId);
    if (!ex) {
      ex = new Map();
      this.exclusiveValues.set(entityId, ex);
    }
    for (const [slot, value] of values) {
      let counts = ex.get(slot);
      if (!counts) {
        counts = new Map();
        ex.set(slot, counts);
      }
      const n = (counts.get(value) ?? 0) + by;
      if (n > 0) counts.set(value, n);
      else counts.delete(value);
      if (!counts.size) ex.delete(slot);
    }
    if (!ex.size) this.exclusiveValues.delete(entityId);
  }

  /**
   * Whether the entity holds another value of one of the mention's exclusive identifiers (a
   * resident id) or attributes (a branch and its head office, different `orgBranch`, are never one entity).
   */
  private exclusiveConflict(entityId: string, m: Mention, model: Model): boolean {
    const ex = this.exclusiveValues.get(entityId);
    if (!ex) return false;
    for (const [slot, value] of this.exclusiveOf(m, model)) {
      const held = ex.get(slot);
      if (held && (held.size > 1 || !held.has(value))) return true;
    }
    return false;
  }

  /** Whether an entity holds a value of one of the model's exclusive identifiers. */
  private hasExclusive(entityId: string): boolean {
    for (const slot of this.exclusiveValues.get(entityId)?.keys() ?? []) if (slot.startsWith('id:')) return true;
    return false;
  }

  private entitiesConflict(a: string, b: string): boolean {
    if (this.cannot.get(a)?.has(b)) return true;
    const ea = this.exclusiveValues.get(a);
    const eb = this.exclusiveValues.get(b);
    if (!ea || !eb) return false;
    // some mention of `a` and some mention of `b` hold different values of one exclusive slot
    for (const [slot, va] of ea) {
      const vb = eb.get(slot);
      if (!vb) continue;
      if (va.size > 1 || vb.size > 1) return true;
      if (!vb.has(va.keys().next().value!)) return true;
    }
    return false;
  }

  /** Resolve one mention against the index without adding it (call `add` with the outcome). */
  resolveOne(m: Mention): RealtimeResult {
    const ki = this.kind(m.kind);
    const { model } = ki;
    // 1. anchors
    const anchored: string[] = [];
    let reason: string | undefined;
    for (const kind of model.anchors) {
      for (const id of m.identifiers) {
        if (id.kind !== kind) continue;
        const e = this.live(this.anchors.get(`${m.kind}|${kind}|${id.value}`));
        if (e && !anchored.includes(e) && !this.exclusiveConflict(e, m, model)) {
          anchored.push(e);
          reason ??= kind;
        }
      }
    }
    // 2. deterministic keys
    if (!anchored.length) {
      ki.keyRules.forEach((fn, r) => {
        const key = fn(m.attrs);
        const e = key === undefined ? undefined : this.live(ki.keyIndex[r]!.get(key));
        if (e && !anchored.includes(e) && !this.exclusiveConflict(e, m, model)) {
          anchored.push(e);
          reason ??= model.keyRules![r]!.name;
        }
      });
    }
    // 3. scored candidates
    const best = new Map<string, { w: number; key: string }>();
    for (let r = 0; r < ki.rules.length; r++) {
      const key = ki.rules[r]!(m.attrs);
      if (key === undefined) continue;
      const block = ki.blocks[r]!.get(key);
      if (!block || block.n > blockCap(model.blockingRules[r]!, model.maxBlockSize)) continue;
      for (const ck of block.keys) {
        const e = this.entityOfMention.get(ck)!;
        const w = ki.scorer.weight(m.attrs, this.mentions.get(ck)!.attrs);
        const cur = best.get(e);
        if (!cur || w > cur.w) best.set(e, { w, key: ck });
      }
    }
    const ranked = [...best.entries()]
      .filter(([e]) => !this.exclusiveConflict(e, m, model) && !anchored.some((a) => this.cannot.get(a)?.has(e)))
      .sort((x, y) => y[1].w - x[1].w);
    const explain = (ck: string) => explainPair(m, this.mentions.get(ck)!, model, ki.stats, ki.scorer);
    // An anchored entity is the answer whatever its cohesion, so it is not checked: a hub (a hotel
    // every stay names, a guest pushed again and again) would cost a sampled scoring per record.
    const strong = ranked.filter(
      ([e, c]) => probability(c.w) >= model.thresholds.match && !anchored.includes(e) && this.cohesive(ki, m, e),
    );
    if (anchored.length) {
      const mergeOf = [...anchored];
      for (const [e] of strong)
        if (!mergeOf.includes(e) && !mergeOf.some((x) => this.entitiesConflict(x, e))) mergeOf.push(e);
      const r: RealtimeResult = { entityId: anchored[0]!, decision: 'anchor', score: 1 };
      if (reason) r.reason = reason;
      if (mergeOf.length > 1) r.mergeOf = mergeOf;
      return r;
    }
    if (strong.length) {
      const [e, c] = strong[0]!;
      const r: RealtimeResult = {
        entityId: e,
        decision: 'match',
        score: probability(c.w),
        explanation: explain(c.key),
      };
      const mergeOf = [e];
      for (const [x] of strong.slice(1)) if (!mergeOf.some((y) => this.entitiesConflict(x, y))) mergeOf.push(x);
      if (mergeOf.length > 1) r.mergeOf = mergeOf;
      return r;
    }
    const top = ranked[0];
    // as in batch: a mention whose only candidate entity reaches `uniqueCandidate` joins it;
    // other records as poorly identified as this one do not compete with an identified entity
    const uniqueP = model.uniqueCandidate ?? 1;
    if (top && uniqueP < 1 && probability(top[1].w) >= uniqueP) {
      const floor = Math.min(model.thresholds.possible, uniqueP);
      const candidates = ranked.filter(([, c]) => probability(c.w) >= floor).map(([e]) => e);
      const identified = candidates.filter((e) => this.hasExclusive(e));
      const only = identified.length
        ? identified.length === 1
          ? identified[0]
          : undefined
        : candidates.length === 1
          ? candidates[0]
          : undefined;
      if (only === top[0] && this.cohesive(ki, m, only)) {
        return {
          entityId: only,
          decision: 'match',
          score: probability(top[1].w),
          reason: 'only candidate',
          explanation: explain(top[1].key),
        };
      }
    }
    if (top && probability(top[1].w) >= model.thresholds.possible) {
      return {
        entityId: null,
        decision: 'possible_match',
        score: probability(top[1].w),
        candidate: top[0],
        explanation: explain(top[1].key),
      };
    }
    return { entityId: null, decision: 'new', score: top ? probability(top[1].w) : 0 };
  }

  private cohesive(ki: KindIndex, m: Mention, entityId: string): boolean {
    if (ki.model.cohesion <= 0) return true;
    const keys = this.members.get(entityId);
    if (!keys || keys.size < 2) return true;
    return (
      clusterCohesionOf(
        m,
        [...keys].map((k) => this.mentions.get(k)!),
        ki.scorer,
      ) >= ki.model.cohesion
    );
  }

  /** A fresh entity id for a mention that starts a new entity. */
  newEntityId(m: Mention): string {
    return entityIdFor(m.kind, `${m.key}#${this.seq++}`);
  }

  /** Resolve and add in one step; applies `mergeOf`. */
  resolveAndAdd(m: Mention): RealtimeResult & { entityId: string } {
    const r = this.resolveOne(m);
    const entityId = r.entityId ?? this.newEntityId(m);
    this.add(m, entityId);
    if (r.mergeOf) for (const other of r.mergeOf.slice(1)) this.mergeEntities(entityId, other);
    return { ...r, entityId };
  }

  /** Put a mention into an entity (new or existing). */
  add(m: Mention, entityId: string): void {
    if (this.mentions.has(m.key)) this.remove(m.key);
    const ki = this.kind(m.kind);
    this.mentions.set(m.key, m);
    this.entityOfMention.set(m.key, entityId);
    let set = this.members.get(entityId);
    if (!set) {
      set = new Set();
      this.members.set(entityId, set);
    }
    set.add(m.key);
    this.countExclusive(entityId, m, ki.model, 1);
    ki.stats.add(m.attrs);
    for (const id of m.identifiers) {
      if (!ki.model.anchors.includes(id.kind)) continue;
      const k = `${m.kind}|${id.kind}|${id.value}`;
      if (!this.anchors.has(k)) this.anchors.set(k, entityId);
    }
    if (ki.rules.length) {
      const same = `${entityId}\u0000${attrsSignature(m.attrs)}`;
      ki.rules.forEach((fn, r) => {
        const key = fn(m.attrs);
        if (key === undefined) return;
        let b = ki.blocks[r]!.get(key);
        if (!b) {
          b = { n: 0, keys: [], same: new Map() };
          ki.blocks[r]!.set(key, b);
        }
        b.n++;
        const list = b.same.get(same);
        if (list) list.push(m.key);
        else {
          b.same.set(same, [m.key]);
          b.keys.push(m.key);
        }
      });
    }
    ki.keyRules.forEach((fn, r) => {
      const key = fn(m.attrs);
      if (key !== undefined && !ki.keyIndex[r]!.has(key)) ki.keyIndex[r]!.set(key, entityId);
    });
  }

  private remove(key: string): void {
    const m = this.mentions.get(key);
    if (!m) return;
    const ki = this.kind(m.kind);
    const e = this.entityOfMention.get(key)!;
    this.members.get(e)?.delete(key);
    if (this.members.get(e)?.size === 0) this.members.delete(e);
    this.countExclusive(e, m, ki.model, -1);
    this.entityOfMention.delete(key);
    this.mentions.delete(key);
    // the (entity, attributes) a mention was blocked with: its entity then, which a merge may
    // have changed since (then the block's lists are searched: removals are rare)
    const sig = ki.rules.length ? attrsSignature(m.attrs) : '';
    ki.rules.forEach((fn, r) => {
      const k = fn(m.attrs);
      const b = k === undefined ? undefined : ki.blocks[r]!.get(k);
      if (!b) return;
      let same = `${e}\u0000${sig}`;
      let list = b.same.get(same);
      if (!list?.includes(key)) {
        list = undefined;
        for (const [s2, l] of b.same) {
          if (l.includes(key)) {
            same = s2;
            list = l;
            break;
          }
        }
      }
      if (!list) return;
      b.n--;
      const i = list.indexOf(key);
      if (i < 0) return;
      list.splice(i, 1);
      if (i > 0) return;
      // the scored mention of its (entity, attributes) leaves: the next one takes its place
      const at = b.keys.indexOf(key);
      if (list.length) b.keys[at] = list[0]!;
      else {
        b.keys.splice(at, 1);
        b.same.delete(same);
      }
      if (!b.n) ki.blocks[r]!.delete(k!);
    });
  }

  /** Rebuild from stored entities (e.g. read back from Neo4j). */
  load(entities: Iterable<{ entityId: string; mentions: Mention[] }>): void {
    for (const e of entities) for (const m of e.mentions) this.add(m, e.entityId);
  }

  /**
   * Takes a mention out of its entity so that it can be resolved again (a corrected re-delivery
   * of its record). Returns the entity it was in and whether that entity is now empty; an emptied
   * entity's anchors and keys still name it until `retire` says where it went.
   */
  withdraw(mentionKey: string): { entityId: string; emptied: boolean } | undefined {
    const entityId = this.entityOfMention.get(mentionKey);
    if (entityId === undefined) return undefined;
    this.remove(mentionKey);
    return { entityId, emptied: !this.members.has(entityId) };
  }

  /** An entity emptied by `withdraw` continues in `into`: its anchors, keys and cannot-links stand for `into`. */
  retire(entityId: string, into: string): void {
    if (entityId === into) return;
    if (this.members.has(entityId)) throw new ResolverError('ONEMAP_ERR_UNKNOWN_ENTITY', { detail: `${entityId} still has mentions` });
    this.mergedInto.set(entityId, into);
    const c = this.cannot.get(entityId);
    if (c) for (const x of c) this.addCannotLink(into, x);
  }

  /** Merge entity `b` into `a` (analyst decision or `mergeOf`); returns `a`. */
  mergeEntities(a: string, b: string): string {
    if (a === b) return a;
    const mb = this.members.get(b);
    if (!mb) throw new ResolverError('ONEMAP_ERR_UNKNOWN_ENTITY', { detail: b });
    if (!this.members.has(a)) throw new ResolverError('ONEMAP_ERR_UNKNOWN_ENTITY', { detail: a });
    for (const k of [...mb]) {
      this.entityOfMention.set(k, a);
      this.members.get(a)!.add(k);
      const m = this.mentions.get(k)!;
      const { model } = this.kind(m.kind);
      this.countExclusive(b, m, model, -1);
      this.countExclusive(a, m, model, 1);
    }
    this.members.delete(b);
    // anchors and key indexes that name `b` now stand for `a` (read through `live`)
    this.mergedInto.set(b, a);
    const cb = this.cannot.get(b);
    if (cb) for (const x of cb) this.addCannotLink(a, x);
    return a;
  }

  /** Move the given mentions of an entity into a new entity; returns the new entity id. */
  splitEntity(entityId: string, mentionKeys: string[]): string {
    const set = this.members.get(entityId);
    if (!set) throw new ResolverError('ONEMAP_ERR_UNKNOWN_ENTITY', { detail: entityId });
    const moving = mentionKeys.filter((k) => set.has(k));
    if (!moving.length) return entityId;
    const first = this.mentions.get(moving[0]!)!;
    const id = this.newEntityId(first);
    for (const k of moving) {
      const m = this.mentions.get(k)!;
      this.remove(k);
      this.add(m, id);
    }
    // anchors now owned by the split-off part point to it
    for (const k of moving) {
      for (const idf of this.mentions.get(k)!.identifiers) {
        const ak = `${first.kind}|${idf.kind}|${idf.value}`;
        if (
          this.live(this.anchors.get(ak)) === entityId &&
          ![...set].some((o) =>
            this.mentions.get(o)!.identifiers.some((x) => x.kind === idf.kind && x.value === idf.value),
          )
        ) {
          this.anchors.set(ak, id);
        }
      }
    }
    this.addCannotLink(entityId, id);
    return id;
  }

  /** Whether an analyst said these two entities are never one. */
  cannotLink(a: string, b: string): boolean {
    return this.cannot.get(a)?.has(b) ?? false;
  }

  /** Never put these two entities (or the entities of these mention keys) together. */
  addCannotLink(a: string, b: string): void {
    const ea = this.entityOfMention.get(a) ?? a;
    const eb = this.entityOfMention.get(b) ?? b;
    for (const [x, y] of [
      [ea, eb],
      [eb, ea],
    ] as const) {
      let s = this.cannot.get(x);
      if (!s) {
        s = new Set();
        this.cannot.set(x, s);
      }
      s.add(y);
    }
  }

  /** These two entities (or mentions' entities) are one: merge now. */
  addMustLink(a: string, b: string): string {
    return this.mergeEntities(this.entityOfMention.get(a) ?? a, this.entityOfMention.get(b) ?? b);
  }
}
