import { ENTITY_LABELS, ENTITY_RELATION_TYPES } from '@onemap/graph-schema';

/** Entity labels, for `[l IN labels(n) WHERE l IN $kinds][0]`. */
export const KINDS = [...ENTITY_LABELS];

/**
 * Cypher predicate: entity `v` is visible through `$vs` (visible source ids) — it has a visible
 * SourceRecord, or a visible edge (which itself says the entity exists in that source).
 */
export function visibleEntity(v: string): string {
  return `(EXISTS { MATCH (${v})<-[:RESOLVED_TO]-(vr:SourceRecord) WHERE vr.source IN $vs } OR EXISTS { MATCH (${v})-[vx]-() WHERE vx.source IN $vs AND NOT vx:RESOLVED_TO })`;
}

/** Cypher predicate: relationship `r` may be read through `$vs`. CO_TRAVELED needs every source it was derived from. */
export function visibleEdge(r: string): string {
  return `(${r}.source IN $vs OR (${r}:CO_TRAVELED AND ${r}.sources IS NOT NULL AND all(s IN ${r}.sources WHERE s IN $vs)))`;
}

export function kindOf(v: string): string {
  return `[l IN labels(${v}) WHERE l IN $kinds][0]`;
}

const RELATION_TYPE_SET: ReadonlySet<string> = new Set(ENTITY_RELATION_TYPES);

/**
 * A typed relationship pattern `:A|B|C` for the given types, so the planner expands only those
 * edges (an untyped `-[r]-` then `type(r) IN $types` walks every VISITED of a hub). Types come
 * from the graph-model whitelist; anything else is refused, never spliced.
 */
export function relTypes(types: readonly string[]): string {
  const list = [...new Set(types)];
  const bad = list.find((t) => !RELATION_TYPE_SET.has(t));
  if (bad !== undefined || list.length === 0) throw new Error(`relation type not in the graph model: ${bad ?? '(none)'}`);
  return `:${list.join('|')}`;
}
