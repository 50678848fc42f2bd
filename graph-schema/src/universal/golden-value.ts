/**
 * The golden-value rule (一数一源): which of the values an entity's records give one attribute
 * becomes the entity's value. One rule, used by the pipeline when it writes an entity node and by
 * the server when it recomputes an entity per viewer from the records that viewer may see, so the
 * two agree whenever the viewer sees every record. Import-safe (no driver, no Node built-ins).
 */

/** One record's value for one attribute of one entity. */
export interface ValueCandidate<V = unknown> {
  value: V;
  /** Catalog id of the source that delivered the record. */
  source: string;
  /** `<source>:<recordId>` of the record. */
  rid: string;
  /** Whether `source` is the catalog's authority for this attribute (`authorityFor`). */
  authoritative: boolean;
  /** When the record was received (epoch ms); null when unknown, which counts as oldest. */
  at: number | null;
}

/** The chosen value, the record it is traced to, and what decided it. */
export interface GoldenChoice<V = unknown, C extends ValueCandidate<V> = ValueCandidate<V>> {
  /** The candidate the value is traced to (the latest one stating it). */
  candidate: C;
  value: V;
  source: string;
  rid: string;
  authoritative: boolean;
  /** How many candidates (of the authoritative ones, if any) state this value. */
  count: number;
  /** Latest `at` among those candidates. */
  at: number | null;
}

/** Equality of values: strings as they are, anything else by its JSON form. */
export function valueKey(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const NEVER = Number.NEGATIVE_INFINITY;

/**
 * Chooses one attribute's golden value among its candidates:
 * 1. **authority** — if any candidate comes from an authoritative source, only those compete;
 * 2. **frequency** — the value stated by the most candidates;
 * 3. **recency** — the value whose latest candidate is the most recent;
 * 4. **stable tie-break** — the smallest value (by {@link valueKey}), so the answer never
 *    depends on the order the candidates come in.
 *
 * The choice is traced to the most recent candidate stating it (ties: the smallest `rid`).
 * Empty values (`null`, `undefined`, `''`) are no candidates.
 * @param candidates one per record (and role) that states the attribute
 * @returns the choice, or `undefined` when no candidate has a value
 * @example
 * chooseGoldenValue([
 *   { value: '旧地址', source: 'hotel', rid: 'hotel:1', authoritative: false, at: 2 },
 *   { value: '旧地址', source: 'hotel', rid: 'hotel:2', authoritative: false, at: 3 },
 *   { value: '新地址', source: 'household', rid: 'household:9', authoritative: true, at: 1 },
 * ])?.value // '新地址'
 */
export function chooseGoldenValue<V, C extends ValueCandidate<V> = ValueCandidate<V>>(
  candidates: readonly C[],
): GoldenChoice<V, C> | undefined {
  const present = candidates.filter((c) => c.value !== null && c.value !== undefined && (c.value as unknown) !== '');
  const pool = present.some((c) => c.authoritative) ? present.filter((c) => c.authoritative) : present;
  const groups = new Map<string, GoldenGroup<C>>();
  for (const c of pool) addToGoldenGroups(groups, c);
  const best = bestGoldenGroup(groups.values());
  if (!best) return undefined;
  const { latest } = best;
  return {
    candidate: latest,
    value: latest.value,
    source: latest.source,
    rid: latest.rid,
    authoritative: latest.authoritative,
    count: best.count,
    at: latest.at,
  };
}

/**
 * The candidates of one value (by {@link valueKey}): how many state it, and the latest of them
 * (the record the value is traced to). The rule's state, kept apart so a writer that sees an
 * entity's candidates a few at a time (the real-time pipeline) can carry it on instead of
 * collecting them all again: {@link addToGoldenGroups} per candidate, {@link bestGoldenGroup} to choose.
 */
export interface GoldenGroup<C extends ValueCandidate = ValueCandidate> {
  key: string;
  count: number;
  latest: C;
}

/** Counts one non-empty candidate into its value's group (the groups of one pool: authoritative or not). */
export function addToGoldenGroups<C extends ValueCandidate>(groups: Map<string, GoldenGroup<C>>, c: C): void {
  const key = valueKey(c.value);
  const g = groups.get(key);
  if (!g) groups.set(key, { key, count: 1, latest: c });
  else {
    g.count++;
    if (newer(c, g.latest)) g.latest = c;
  }
}

/** The winning group of a pool by the rule's frequency, recency and stable tie-break (steps 2–4 of {@link chooseGoldenValue}). */
export function bestGoldenGroup<C extends ValueCandidate>(groups: Iterable<GoldenGroup<C>>): GoldenGroup<C> | undefined {
  let best: GoldenGroup<C> | undefined;
  for (const g of groups) {
    if (
      !best ||
      g.count > best.count ||
      (g.count === best.count &&
        ((g.latest.at ?? NEVER) > (best.latest.at ?? NEVER) ||
          ((g.latest.at ?? NEVER) === (best.latest.at ?? NEVER) && g.key < best.key)))
    ) {
      best = g;
    }
  }
  return best;
}

/**
 * {@link addToGoldenGroups} of the string candidate (value, source, rid, authoritative, at), with
 * no candidate object made unless it starts a group: a group's latest candidate is updated in
 * place. An entity's mentions mostly repeat their values, so folding them (the pipeline's golden
 * values, every field of every mention) then makes an object per distinct value, not per mention
 * and field. The groups' latest candidates are their own: never share one between two pools.
 */
export function countIntoGoldenGroups(
  groups: Map<string, GoldenGroup<ValueCandidate<string>>>,
  value: string,
  source: string,
  rid: string,
  authoritative: boolean,
  at: number | null,
): void {
  const g = groups.get(value);
  if (!g) {
    groups.set(value, { key: value, count: 1, latest: { value, source, rid, authoritative, at } });
    return;
  }
  g.count++;
  const l = g.latest;
  if (newerThan(at, rid, l)) {
    l.source = source;
    l.rid = rid;
    l.authoritative = authoritative;
    l.at = at;
  }
}

function newer(a: ValueCandidate, b: ValueCandidate): boolean {
  return newerThan(a.at, a.rid, b);
}

/** Whether a candidate received at `at` from record `rid` is newer than `b` (later, or as late with a smaller rid). */
function newerThan(at: number | null, rid: string, b: ValueCandidate): boolean {
  const ta = at ?? NEVER;
  const tb = b.at ?? NEVER;
  return ta > tb || (ta === tb && rid < b.rid);
}
