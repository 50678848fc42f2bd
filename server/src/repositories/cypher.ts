import { ENTITY_LABELS } from '@onemap/graph-schema';

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
