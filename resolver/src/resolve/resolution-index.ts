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
import { flatString } from './flat-string.ts';
import { HashedKeyMap } from './hashed-key-map.ts';
import { identifiersOf, type KeptIdentifiers, keepIdentifiers, sameIdentifiers } from './kept-identifiers.ts';
import { MentionKeys } from './mention-keys.ts';
import type { RecordIds } from './record-ids.ts';
import {
  appended,
  countOf,
  deleteMember,
  findIn,
  hasMember,
  listOf,
  type MemberSet,
  memberCount,
  type OneOrList,
  withItem,
  withMember,
  withoutItem,
} from './small-lists.ts';

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
 * What scoring needs of mentions: one per (entity the first of them was added to, kind,
 * attributes). Scoring a candidate depends only on its attributes, so of the mentions of one
 * entity with the same attributes (a guest checking in again and again, a plate passing the same
 * checkpoint) only one is scored: `key`, the first of them still in the index (the one whose
 * entity and explanation a match reports). The attributes object is the first mention's, shared
 * by every later one.
 */
interface Group {
  /** the entity it was made for (its place in `ResolutionIndex.groups`) */
  owner: string;
  kind: EntityKind;
  attrs: Mention['attrs'];
  /** the mention scored for the group (its key's number): the first added of those still in it */
  key: number;
  /** what `key` holds (its entity is the candidate a match reports) */
  scored: Rep;
  /** the group's representatives (distinct identifiers and entities), each with its count: almost always one, kept alone */
  reps: OneOrList<Rep>;
}

/**
 * What a mention holds in the index: shared by every mention of one group with the same entity and
 * identifiers, counted. A mention is its key's number (`MentionKeys`) -> its `Rep`; memory grows with
 * the distinct values of each entity, not with its mentions (a hotel named by ten thousand stays is
 * one `Rep`).
 */
interface Rep {
  group: Group;
  entity: string;
  /** read with `identifiersOf(identifiers, group.attrs)` */
  identifiers: KeptIdentifiers;
  n: number;
}

/**
 * One blocking key's candidates: how many mentions it holds, then one group per (entity,
 * attributes). The count is of all mentions, so the block's size limit is what it would be with
 * every mention in it. One array, not an object holding a count and a list: ~40 B less for each of
 * the ~180,000 blocks at 25k persons. Its key is not kept: it is the rule's key of any of its
 * groups (`blockKeyOf`).
 */
type Block = [mentions: number, ...groups: Group[]];

/** Whether two mentions' attributes are the same (the same names, the same values, missing = ''): then they score equally against any mention. */
function sameAttrs(a: Mention['attrs'], b: Mention['attrs']): boolean {
  if (a === b) return true;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!Object.hasOwn(b, k) || (a[k] ?? '') !== (b[k] ?? '')) return false;
  return true;
}

/**
 * Values shorter than this are one string already wherever they occur (V8 internalizes the short
 * strings `JSON.parse` makes: a sex, a county code, a birth date, most names).
 */
const SHARED_FROM_LENGTH = 11;

/**
 * A new group's attributes, with each long value (an id number, a phone, an address and its key)
 * that an earlier group of the same entity holds replaced by that group's string: a person's
 * groups differ in one or two values and state the rest again, and each record read brings its own
 * copy of every string. In place (the values stay equal). At a million records 1.27 M of the
 * groups' 2.9 M long values are such repeats: 45 MiB less live heap after a worker's sync.
 */
function shareValues(attrs: Mention['attrs'], owned: readonly Group[]): Mention['attrs'] {
  if (!owned.length) return attrs;
  for (const k in attrs) {
    const v = attrs[k];
    if (typeof v !== 'string' || v.length < SHARED_FROM_LENGTH) continue;
    for (const o of owned) {
      const held = o.attrs[k];
      if (held === v) {
        attrs[k] = held;
        break;
      }
    }
  }
  return attrs;
}

/** A key the index keeps (a key index's), flat (see `flatString`). */
const flatKey = flatString;

/** An entity's mention keys in the order they joined it (`ResolutionIndex.memberKeys`). */
export interface MemberKeys extends Iterable<string> {
  readonly size: number;
}

/** `id:<kind>` / `attr:<name>`: the slot of an exclusive value, one string each (they are kept per entity), found without building it. */
const SLOTS = { id: new Map<string, string>(), attr: new Map<string, string>() };
function slotOf(prefix: 'id' | 'attr', name: string): string {
  const known = SLOTS[prefix].get(name);
  if (known !== undefined) return known;
  const slot = `${prefix}:${name}`;
  SLOTS[prefix].set(name, slot);
  return slot;
}

/** Where a mention came from, when its key is not `source:recordId:role` (then it is read from the key). */
interface Origin {
  source: string;
  recordId: string;
  role: string;
}

interface KindIndex {
  model: Model;
  stats: DataStats;
  scorer: PairScorer;
  rules: KeyFn[];
  /** per rule: its key -> its block, keyed by the key's hash (`HashedKeyMap`) */
  blocks: Array<HashedKeyMap<Block>>;
  keyRules: KeyFn[];
  keyIndex: Array<Map<string, string>>;
}

/**
 * The key a block was made for: the rule's key of its first group (every group in it has that key:
 * a group's attributes never change, and a value found generic stays generic, so the key of a block
 * still looked up is the key it was made with). Undefined for a block without groups, which a
 * lookup by hash then never takes.
 */
function blockKeyOf(rule: KeyFn): (b: Block) => string | undefined {
  return (b) => (b.length > 1 ? rule((b[1] as Group).attrs) : undefined);
}

/** What `eachMentionFrom` tells of a mention: its source, its record's rid, attributes and identifiers. */
export type MentionValues = Pick<Mention, 'source' | 'attrs' | 'identifiers'> & { rid: string };

/** `source:recordId:role` read back from a mention key. */
function originOf(key: string): Origin {
  const i = key.indexOf(':');
  const j = key.lastIndexOf(':');
  return { source: key.slice(0, i), recordId: key.slice(i + 1, j), role: key.slice(j + 1) };
}

/** Whether a mention's origin can be read back from its key (`originOf`). */
function keyNamesOrigin(m: Mention): boolean {
  return !m.source.includes(':') && !m.role.includes(':') && m.key === `${m.source}:${m.recordId}:${m.role}`;
}

/**
 * The resolved entities in memory. Per mention it keeps only its key's number -> its `Rep` (entity,
 * identifiers, and through the rep's group kind and attributes): what scoring, conflicts, golden
 * values and a split or withdrawal need, shared by every mention of an entity with the same values.
 * Flags and line numbers are not kept (`mentionsOf` returns none).
 */
export class ResolutionIndex {
  private readonly kinds = new Map<EntityKind, KindIndex>();
  private readonly models: Partial<Record<EntityKind, Model>>;
  /** mention keys as numbers; every key the index is given or gives back goes through it */
  private readonly keys: MentionKeys;
  /** mention key's number -> what it holds */
  private readonly mentions = new Map<number, Rep>();
  /** the origin of the mentions whose key does not name it (`keyNamesOrigin`) */
  private readonly origins = new Map<number, Origin>();
  /** entity -> the groups made for it (see `Group`); found by their attributes */
  private readonly groups = new Map<string, Group[]>();
  /** entity -> its mention keys' numbers, in the order they joined it */
  private readonly members = new Map<string, MemberSet>();
  /** entity -> how many mentions have left it (its member order changed: what was folded from it in order is stale) */
  private readonly removals = new Map<string, number>();
  /**
   * kind -> identifier kind -> value -> entity. Maps by kind, not one map by a `kind|idKind|value`
   * string: the value kept is the string its group's attributes hold already (`add`), so an anchor
   * costs its map entry alone.
   */
  private readonly anchors = new Map<EntityKind, Map<string, Map<string, string>>>();
  private readonly cannot = new Map<string, Set<string>>();
  /**
   * entity -> its exclusive identifiers and attributes as a flat list of (slot, value, how many of
   * its mentions hold it) triples, slot `id:<kind>` / `attr:<name>`: a conflict check costs the
   * mention's own values, not a scan over every member of the entity. A flat list, not maps of
   * maps: an entity holds one or two such values, and two small maps per entity were a tenth of
   * the index's heap.
   */
  private readonly exclusiveValues = new Map<string, (string | number)[]>();
  /**
   * merged-away entity -> the entity it was merged into: anchors and key indexes keep the
   * entity they were first written with and are read through `live`, so a merge costs the
   * merged entity's members, not a scan over every anchor.
   */
  private readonly mergedInto = new Map<string, string>();
  private seq = 0;
  /**
   * Called with an entity that holds mentions, and its kind, just before a mention joins it, leaves
   * it or it takes another entity's mentions (not when an entity is made): its values before the
   * change can still be read from the index. Whoever sets it must not change the index from it.
   */
  beforeChange?: (entityId: string, kind: EntityKind) => void;

  /** @param opts.records the records' numbers, shared with the resolver's record table (else the index's own) */
  /** The key new entity ids are made with (`entityIdFor`); null: unkeyed ids (no graph is written). */
  private readonly eidKey: Uint8Array | null;

  constructor(opts: { models?: Partial<Record<EntityKind, Model>>; records?: RecordIds; eidKey?: Uint8Array | null } = {}) {
    this.models = opts.models ?? {};
    this.keys = new MentionKeys(opts.records);
    this.eidKey = opts.eidKey ?? null;
  }

  private kind(kind: EntityKind): KindIndex {
    let k = this.kinds.get(kind);
    if (!k) {
      const model = this.models[kind] ?? defaultSettings(kind);
      const stats = new DataStats(model);
      const skip = (part: string, v: string) => stats.isGeneric(part, v);
      const probabilistic = model.thresholds.match < 1;
      const rules = probabilistic ? model.blockingRules.map((r) => compileRule(r, skip)) : [];
      k = {
        model,
        stats,
        scorer: new PairScorer(model, stats),
        rules,
        blocks: rules.map((rule) => new HashedKeyMap(blockKeyOf(rule))),
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

  /** Entities with a mention in the index (what `counts().entities` says, without walking the rest). */
  get entityCount(): number {
    return this.members.size;
  }

  /** How much the index holds (for benchmarks): mentions, entities, groups, representatives, anchors, block keys (and those kept by their string: `HashedKeyMap`) and scored groups. */
  counts(): Record<string, number> {
    let blockKeys = 0;
    let blockKeysCollided = 0;
    let scored = 0;
    let keyed = 0;
    let reps = 0;
    for (const k of this.kinds.values()) {
      for (const b of k.blocks) {
        blockKeys += b.size;
        blockKeysCollided += b.collisions;
        for (const x of b.values()) scored += x.length - 1;
      }
      for (const x of k.keyIndex) keyed += x.size;
    }
    let anchors = 0;
    for (const byKind of this.anchors.values()) for (const byValue of byKind.values()) anchors += byValue.size;
    let groups = 0;
    for (const gs of this.groups.values()) {
      groups += gs.length;
      for (const g of gs) reps += countOf(g.reps);
    }
    return {
      mentions: this.mentions.size,
      entities: this.members.size,
      groups,
      reps,
      anchors,
      keyed,
      blockKeys,
      blockKeysCollided,
      scored,
    };
  }

  entityOf(mentionKey: string): string | undefined {
    return this.repOf(mentionKey)?.entity;
  }

  private repOf(key: string): Rep | undefined {
    const n = this.keys.find(key);
    return n === undefined ? undefined : this.mentions.get(n);
  }

  /** A mention as the index holds it (no flags, no line). */
  mentionOf(key: string): Mention {
    return this.mentionAt(this.keys.find(key)!);
  }

  private mentionAt(n: number): Mention {
    const r = this.mentions.get(n)!;
    const key = this.keys.keyOf(n);
    const o = this.origins.get(n) ?? originOf(key);
    return {
      key,
      source: o.source,
      recordId: o.recordId,
      role: o.role,
      kind: r.group.kind,
      attrs: r.group.attrs,
      identifiers: identifiersOf(r.identifiers, r.group.attrs),
      flags: [],
    };
  }

  /** An entity's mentions in the order they joined it, as the index holds them (no flags, no line). */
  mentionsOf(entityId: string): Mention[] {
    return [...(this.members.get(entityId) ?? [])].map((n) => this.mentionAt(n));
  }

  /**
   * An entity's mentions in the order they joined it from the `start`-th on, read one by one (do
   * not change the entity meanwhile): `mentionsOf` without a list, and without its keys made and read
   * back as `memberKeys` + `mentionOf` would.
   */
  *mentionsFrom(entityId: string, start: number): IterableIterator<Mention> {
    let i = 0;
    for (const n of this.members.get(entityId) ?? []) if (i++ >= start) yield this.mentionAt(n);
  }

  /**
   * An entity's mentions' values from the `start`-th on (`mentionsFrom`), each with its record
   * number (`RecordIds`, shared with the record table; undefined for a key kept as a string), told to
   * `each`: what golden values read (source, record, attributes, identifiers), no key made and
   * taken apart again (the record's rid is the one `RecordIds` holds).
   */
  eachMentionFrom(entityId: string, start: number, each: (m: MentionValues, record: number | undefined) => void): void {
    let i = 0;
    // the last source read back from a rid, reused while the rids name it (no new string per mention)
    let lastSource = '';
    for (const n of this.members.get(entityId) ?? []) {
      if (i++ < start) continue;
      const r = this.mentions.get(n)!;
      const record = this.keys.recordOf(n);
      const o = this.origins.get(n);
      let source: string;
      let rid: string;
      if (o || record === undefined) {
        const { source: s, recordId } = o ?? originOf(this.keys.keyOf(n));
        source = s;
        rid = `${s}:${recordId}`;
      } else {
        // a key that names its origin: `rid:role`, the rid `source:recordId` (`keyNamesOrigin`)
        rid = this.keys.records.rid(record);
        const colon = rid.indexOf(':');
        if (colon !== lastSource.length || !rid.startsWith(lastSource)) lastSource = rid.slice(0, colon);
        source = lastSource;
      }
      each({ source, rid, attrs: r.group.attrs, identifiers: identifiersOf(r.identifiers, r.group.attrs) }, record);
    }
  }

  /** An entity's mention keys in the order they joined it. */
  mentionKeysOf(entityId: string): string[] {
    return [...this.memberKeys(entityId)];
  }

  /** How many mentions an entity has, and its mention keys in the order they joined it (read as they are now: do not keep). */
  memberKeys(entityId: string): MemberKeys {
    const set = this.members.get(entityId);
    const keys = this.keys;
    return {
      size: memberCount(set),
      *[Symbol.iterator]() {
        for (const n of set ?? []) yield keys.keyOf(n);
      },
    };
  }

  /**
   * How many mentions have ever left an entity (withdrawn, moved by a split). Between two reads
   * with the same count its member keys have only grown at the end (new mentions, merged entities'
   * mentions), so what was computed from them in order can be carried on from where it stopped.
   */
  removalsOf(entityId: string): number {
    return this.removals.get(entityId) ?? 0;
  }

  /** The source of a mention in the index (read from its key). */
  sourceOf(key: string): string {
    const n = this.keys.find(key);
    return (n === undefined ? undefined : this.origins.get(n)?.source) ?? key.slice(0, key.indexOf(':'));
  }

  /** The first mention key of an entity (undefined when it holds none). */
  firstKeyOfEntity(entityId: string): string | undefined {
    for (const n of this.members.get(entityId) ?? []) return this.keys.keyOf(n);
    return undefined;
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
  private exclusiveOf(attrs: Mention['attrs'], identifiers: Mention['identifiers'], model: Model): [string, string][] {
    const out: [string, string][] = [];
    for (const i of identifiers) if (model.exclusive.includes(i.kind)) out.push([slotOf('id', i.kind), i.value]);
    for (const a of model.exclusiveAttrs ?? []) if (attrs[a]) out.push([slotOf('attr', a), attrs[a]!]);
    return out;
  }

  /** Counts `by` mentions holding these values into (or, negative, out of) an entity's exclusive values. */
  private countExclusive(
    entityId: string,
    attrs: Mention['attrs'],
    identifiers: Mention['identifiers'],
    model: Model,
    by: number,
  ): void {
    const values = this.exclusiveOf(attrs, identifiers, model);
    if (!values.length) return;
    let ex = this.exclusiveValues.get(entityId) ?? [];
    for (const [slot, value] of values) {
      let i = 0;
      while (i < ex.length && (ex[i] !== slot || ex[i + 1] !== value)) i += 3;
      if (i < ex.length) {
        const n = (ex[i + 2] as number) + by;
        if (n > 0) ex[i + 2] = n;
        else ex.splice(i, 3);
      } else if (by > 0) ex = appended(ex, slot, value, by);
    }
    if (ex.length) this.exclusiveValues.set(entityId, ex);
    else this.exclusiveValues.delete(entityId);
  }

  /**
   * Whether the entity holds another value of one of the mention's exclusive identifiers (a
   * resident id) or attributes (a branch and its head office, different `orgBranch`, are never one entity).
   */
  private exclusiveConflict(entityId: string, mine: readonly [string, string][]): boolean {
    if (!mine.length) return false;
    const ex = this.exclusiveValues.get(entityId);
    if (!ex) return false;
    for (const [slot, value] of mine) {
      for (let i = 0; i < ex.length; i += 3) if (ex[i] === slot && ex[i + 1] !== value) return true;
    }
    return false;
  }
  /** Whether an entity holds a value of one of the model's exclusive identifiers. */
  private hasExclusive(entityId: string): boolean {
    const ex = this.exclusiveValues.get(entityId) ?? [];
    for (let i = 0; i < ex.length; i += 3) if ((ex[i] as string).startsWith('id:')) return true;
    return false;
  }

  private entitiesConflict(a: string, b: string): boolean {
    if (this.cannot.get(a)?.has(b)) return true;
    const ea = this.exclusiveValues.get(a);
    const eb = this.exclusiveValues.get(b);
    if (!ea || !eb) return false;
    // some mention of `a` and some mention of `b` hold different values of one exclusive slot:
    // a slot both hold, with two values or more between them
    const twoValues = (slot: string | number, value: string | number, list: (string | number)[]) => {
      for (let j = 0; j < list.length; j += 3) if (list[j] === slot && list[j + 1] !== value) return true;
      return false;
    };
    for (let i = 0; i < ea.length; i += 3) {
      const slot = ea[i]!;
      let both = false;
      for (let j = 0; j < eb.length && !both; j += 3) both = eb[j] === slot;
      if (both && (twoValues(slot, ea[i + 1]!, eb) || twoValues(slot, ea[i + 1]!, ea))) return true;
    }
    return false;
  }

  /** Resolve one mention against the index without adding it (call `add` with the outcome). */
  resolveOne(m: Mention): RealtimeResult {
    const ki = this.kind(m.kind);
    const { model } = ki;
    // the mention's exclusive values, once for every candidate checked against them
    const mine = this.exclusiveOf(m.attrs, m.identifiers, model);
    // 1. anchors
    const anchored: string[] = [];
    let reason: string | undefined;
    for (const kind of model.anchors) {
      for (const id of m.identifiers) {
        if (id.kind !== kind) continue;
        const e = this.live(this.anchors.get(m.kind)?.get(kind)?.get(id.value));
        if (e && !anchored.includes(e) && !this.exclusiveConflict(e, mine)) {
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
        if (e && !anchored.includes(e) && !this.exclusiveConflict(e, mine)) {
          anchored.push(e);
          reason ??= model.keyRules![r]!.name;
        }
      });
    }
    // 3. scored candidates. A group sits in the block of every rule its attributes key (up to one
    // per rule): it is scored once per mention, and not at all when its entity is already anchored
    // (an anchored entity is the answer, and never one of the `strong` others).
    const best = new Map<string, { w: number; key: number }>();
    const seen = new Set<Group>();
    for (let r = 0; r < ki.rules.length; r++) {
      const key = ki.rules[r]!(m.attrs);
      if (key === undefined) continue;
      const block = ki.blocks[r]!.get(key);
      if (!block || block[0] > blockCap(model.blockingRules[r]!, model.maxBlockSize)) continue;
      for (let i = 1; i < block.length; i++) {
        const g = block[i] as Group;
        if (seen.has(g)) continue;
        seen.add(g);
        const e = g.scored.entity;
        if (anchored.includes(e)) continue;
        const w = ki.scorer.weight(m.attrs, g.attrs);
        const cur = best.get(e);
        if (!cur || w > cur.w) best.set(e, { w, key: g.key });
      }
    }
    const ranked = [...best.entries()]
      .filter(([e]) => !this.exclusiveConflict(e, mine) && !anchored.some((a) => this.cannot.get(a)?.has(e)))
      .sort((x, y) => y[1].w - x[1].w);
    const explain = (ck: number) => explainPair(m, this.mentionAt(ck), model, ki.stats, ki.scorer);
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
    if (memberCount(keys) < 2) return true;
    return (
      clusterCohesionOf(
        m,
        [...keys!].map((k) => this.mentions.get(k)!.group),
        ki.scorer,
      ) >= ki.model.cohesion
    );
  }

  /** A fresh entity id for a mention that starts a new entity. */
  /**
   * A new entity's id: the mention's key and how many ids this index has minted (so the same
   * history mints the same ids, in a bulk load as in the incremental path). The count starts again
   * with every index (a worker's start, a rebuild), so a key minted again — a corrected re-delivery
   * that leaves its entity — can meet the count it was first minted at, and with it the id of the
   * entity it left, which lives on with its other records: an id the index holds (or has retired) is
   * skipped for the next count.
   */
  newEntityId(m: Pick<Mention, 'key' | 'kind'>): string {
    for (;;) {
      const id = entityIdFor(m.kind, `${m.key}#${this.seq++}`, this.eidKey);
      if (!this.members.has(id) && !this.mergedInto.has(id)) return id;
    }
  }

  /** Resolve and add in one step; applies `mergeOf`. */
  resolveAndAdd(m: Mention): RealtimeResult & { entityId: string } {
    const r = this.resolveOne(m);
    const entityId = r.entityId ?? this.newEntityId(m);
    this.add(m, entityId);
    if (r.mergeOf) for (const other of r.mergeOf.slice(1)) this.mergeEntities(entityId, other);
    return { ...r, entityId };
  }

  /**
   * Put a mention into an entity (new or existing).
   * @param record the number of the mention's record (`RecordIds`, shared with the record table)
   *   when the caller has it already: its key is then numbered without its rid looked up again
   */
  add(m: Mention, entityId: string, record?: number): void {
    if (this.beforeChange && this.members.has(entityId)) this.beforeChange(entityId, m.kind);
    const key = record === undefined ? this.keys.numberOf(m.key) : this.keys.numberOfRole(record, m.role, m.key);
    if (this.mentions.has(key)) this.remove(key);
    const ki = this.kind(m.kind);
    const owned = this.groups.get(entityId) ?? [];
    let g = owned.find((x) => sameAttrs(x.attrs, m.attrs));
    const fresh = !g;
    if (!g) {
      g = { owner: entityId, kind: m.kind, attrs: shareValues(m.attrs, owned), key, scored: undefined as unknown as Rep, reps: [] };
      this.groups.set(entityId, appended(owned, g));
    }
    const attrs = g.attrs;
    let rep = findIn(g.reps, (r) => r.entity === entityId && sameIdentifiers(r.identifiers, attrs, m.identifiers));
    if (!rep) {
      rep = { group: g, entity: entityId, identifiers: keepIdentifiers(m.identifiers, m.attrs), n: 0 };
      g.reps = withItem(g.reps, rep);
    }
    if (fresh) g.scored = rep;
    rep.n++;
    this.mentions.set(key, rep);
    if (!keyNamesOrigin(m)) this.origins.set(key, { source: m.source, recordId: m.recordId, role: m.role });
    this.members.set(entityId, withMember(this.members.get(entityId), key));
    // the mention's values as its group holds them (the same, one string each): what is kept of them
    // below (exclusive values, anchors) holds no string of its own
    const identifiers = identifiersOf(rep.identifiers, attrs);
    this.countExclusive(entityId, attrs, identifiers, ki.model, 1);
    ki.stats.add(m.attrs);
    for (const id of identifiers) {
      if (!ki.model.anchors.includes(id.kind)) continue;
      const byValue = this.anchorsOf(m.kind, id.kind);
      if (!byValue.has(id.value)) byValue.set(id.value, entityId);
    }
    for (let r = 0; r < ki.rules.length; r++) {
      const key = ki.rules[r]!(m.attrs);
      if (key === undefined) continue;
      const blocks = ki.blocks[r]!;
      const b = blocks.get(key);
      if (!b) blocks.add(key, fresh ? [1, g] : [1]);
      else {
        b[0]++;
        // a small block is copied to its exact size as it grows (`appended`): the copy takes its place
        const grown = fresh ? (appended<number | Group>(b, g) as Block) : b;
        if (grown !== b) blocks.replace(key, b, grown);
      }
    }
    ki.keyRules.forEach((fn, r) => {
      const key = fn(m.attrs);
      if (key !== undefined && !ki.keyIndex[r]!.has(key)) ki.keyIndex[r]!.set(flatKey(key), entityId);
    });
  }

  /** The first mention (in the order they joined their entity) still in a group, to be scored for it. */
  private firstKeyOf(g: Group): number {
    for (const e of new Set(listOf(g.reps).map((r) => r.entity))) {
      for (const k of this.members.get(e) ?? []) if (this.mentions.get(k)!.group === g) return k;
    }
    throw new ResolverError('ONEMAP_ERR_UNKNOWN_ENTITY', { detail: `a group of ${g.owner} has no mention` });
  }

  private remove(key: number): void {
    const rep = this.mentions.get(key);
    if (!rep) return;
    const g = rep.group;
    const ki = this.kind(g.kind);
    const e = rep.entity;
    this.beforeChange?.(e, g.kind);
    const set = this.members.get(e);
    if (set) deleteMember(set, key);
    this.removals.set(e, (this.removals.get(e) ?? 0) + 1);
    if (set && !memberCount(set)) this.members.delete(e);
    this.countExclusive(e, g.attrs, identifiersOf(rep.identifiers, g.attrs), ki.model, -1);
    this.mentions.delete(key);
    this.origins.delete(key);
    if (!--rep.n) g.reps = withoutItem(g.reps, rep);
    const emptied = !countOf(g.reps);
    if (emptied) {
      const owned = this.groups.get(g.owner)!;
      owned.splice(owned.indexOf(g), 1);
      if (!owned.length) this.groups.delete(g.owner);
    }
    // the scored mention of its (entity, attributes) leaves: the next one takes its place
    else if (g.key === key) {
      g.key = this.firstKeyOf(g);
      g.scored = this.mentions.get(g.key)!;
    }
    for (let r = 0; r < ki.rules.length; r++) {
      const k = ki.rules[r]!(g.attrs);
      const b = k === undefined ? undefined : ki.blocks[r]!.get(k);
      if (!b) continue;
      b[0]--;
      if (emptied) {
        const at = b.indexOf(g, 1);
        if (at >= 0) b.splice(at, 1);
      }
      if (!b[0]) ki.blocks[r]!.delete(k!, b);
    }
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
    const key = this.keys.find(mentionKey);
    const rep = key === undefined ? undefined : this.mentions.get(key);
    if (!rep) return undefined;
    const entityId = rep.entity;
    this.remove(key!);
    return { entityId, emptied: !this.members.has(entityId) };
  }

  /** An entity emptied by `withdraw` continues in `into`: its anchors, keys and cannot-links stand for `into`. */
  retire(entityId: string, into: string): void {
    if (entityId === into) return;
    if (this.members.has(entityId))
      throw new ResolverError('ONEMAP_ERR_UNKNOWN_ENTITY', { detail: `${entityId} still has mentions` });
    this.mergedInto.set(entityId, into);
    const c = this.cannot.get(entityId);
    if (c) for (const x of c) this.addCannotLink(into, x);
  }

  /** Merge entity `b` into `a` (analyst decision or `mergeOf`); returns `a`. */
  mergeEntities(a: string, b: string): string {
    if (a === b) return a;
    const mb = this.members.get(b);
    if (!mb) throw new ResolverError('ONEMAP_ERR_UNKNOWN_ENTITY', { detail: b });
    let ma = this.members.get(a);
    if (!ma) throw new ResolverError('ONEMAP_ERR_UNKNOWN_ENTITY', { detail: a });
    if (this.beforeChange) this.beforeChange(a, this.groups.get(a)![0]!.kind);
    const reps = new Set<Rep>();
    for (const k of mb) {
      ma = withMember(ma, k);
      reps.add(this.mentions.get(k)!);
    }
    this.members.set(a, ma);
    // every mention of `b` is held by one of its representatives: they stand for `a` now
    for (const rep of reps) {
      const { model } = this.kind(rep.group.kind);
      const { attrs } = rep.group;
      const identifiers = identifiersOf(rep.identifiers, attrs);
      this.countExclusive(b, attrs, identifiers, model, -rep.n);
      this.countExclusive(a, attrs, identifiers, model, rep.n);
      rep.entity = a;
    }
    this.members.delete(b);
    // anchors and key indexes that name `b` now stand for `a` (read through `live`)
    this.mergedInto.set(b, a);
    const cb = this.cannot.get(b);
    if (cb) for (const x of cb) this.addCannotLink(a, x);
    return a;
  }

  /**
   * Move the given mentions of an entity into a new entity (`newId`, else one made for the first of
   * them: an analyst's split in the graph names its own); returns the new entity id.
   */
  splitEntity(entityId: string, mentionKeys: string[], newId?: string): string {
    const set = this.members.get(entityId);
    if (!set) throw new ResolverError('ONEMAP_ERR_UNKNOWN_ENTITY', { detail: entityId });
    const numbers = mentionKeys
      .map((k) => this.keys.find(k))
      .filter((n) => n !== undefined && hasMember(set, n)) as number[];
    if (!numbers.length) return entityId;
    const moving = numbers.map((n) => this.mentionAt(n));
    const first = moving[0]!;
    const id = newId ?? this.newEntityId(first);
    moving.forEach((m, i) => {
      this.remove(numbers[i]!);
      this.add(m, id);
    });
    // anchors now owned by the split-off part point to it
    for (const m of moving) {
      for (const idf of m.identifiers) {
        const byValue = this.anchorsOf(first.kind, idf.kind);
        if (
          this.live(byValue.get(idf.value)) === entityId &&
          ![...set].some((o) => {
            const r = this.mentions.get(o)!;
            return identifiersOf(r.identifiers, r.group.attrs).some((x) => x.kind === idf.kind && x.value === idf.value);
          })
        ) {
          byValue.set(idf.value, id);
        }
      }
    }
    this.addCannotLink(entityId, id);
    return id;
  }

  /** The anchors of one kind of identifier of one kind of entity: value -> entity. */
  private anchorsOf(kind: EntityKind, idKind: string): Map<string, string> {
    let byKind = this.anchors.get(kind);
    if (!byKind) {
      byKind = new Map();
      this.anchors.set(kind, byKind);
    }
    let byValue = byKind.get(idKind);
    if (!byValue) {
      byValue = new Map();
      byKind.set(idKind, byValue);
    }
    return byValue;
  }

  /** Whether an analyst said these two entities are never one. */
  cannotLink(a: string, b: string): boolean {
    return this.cannot.get(a)?.has(b) ?? false;
  }

  /** Never put these two entities (or the entities of these mention keys) together. */
  addCannotLink(a: string, b: string): void {
    const ea = this.entityOf(a) ?? a;
    const eb = this.entityOf(b) ?? b;
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
    return this.mergeEntities(this.entityOf(a) ?? a, this.entityOf(b) ?? b);
  }
}
