import { ATTRIBUTE_META } from '@onemap/graph-schema';
import { IDENTIFIER_ATTRIBUTE } from '../access/golden.ts';
import { type EntityIdentifier, type MaskTarget, maskForViewer, maskInRecord } from '../access/mask-for-viewer.ts';
import type { Viewer } from '../access/viewer.ts';
import { readRecordEntityIdentifiers } from '../repositories/record-identifiers.ts';
import type { Reader } from '../repositories/reader.ts';

/** Identifier attributes some value can complete (graph-schema `completes`), and their identifier kinds (what a search hit's node read always holds). */
const COMPLETED = new Set(Object.values(ATTRIBUTE_META).flatMap((m) => m.completes ?? []));
export const COMPLETED_KINDS = Object.entries(IDENTIFIER_ATTRIBUTE)
  .filter(([, attribute]) => COMPLETED.has(attribute))
  .map(([kind]) => kind);

/**
 * A masker for values of the records `rids` in one answer (quality examples, tickets, review
 * explanations): `maskInRecord` with the identifiers each record's entities hold, read once for
 * the answer, so a birth date is masked beside a resident ID the viewer sees masked on another
 * record of the same person — as the profile would show them together (by its identifier list or
 * its golden values).
 */
export async function recordMasker(graph: Reader, viewer: Viewer, rids: Iterable<string>): Promise<(t: MaskTarget, rid: string) => { value: string | number | boolean; masked: boolean }> {
  const byRid = await readRecordEntityIdentifiers(graph, [...rids], COMPLETED_KINDS, [...COMPLETED], viewer.visibleSources);
  const ids = new Map<string, EntityIdentifier[]>();
  for (const [rid, list] of byRid)
    ids.set(
      rid,
      list.map((i) => ({ attribute: i.attribute ?? IDENTIFIER_ATTRIBUTE[i.kind ?? ''] ?? String(i.kind), source: i.source, role: i.role })),
    );
  return (t, rid) => maskInRecord(viewer, t, ids.get(rid) ?? []);
}

/**
 * The attributes of identifiers (kind, value, stating source) the viewer sees masked: what
 * `closeCompletions` must close in any answer describing their entity, as the profile closes them by
 * its identifier list — a person holding a second resident ID the viewer sees masked shows no birth
 * year either.
 */
export function maskedAttributesOf(viewer: Viewer, ids: readonly { kind: string; value: string; source: string }[]): string[] {
  const masked = new Set<string>();
  for (const i of ids) {
    const attribute = IDENTIFIER_ATTRIBUTE[i.kind] ?? i.kind;
    if (maskForViewer(viewer, { attribute, value: i.value, source: i.source, role: attribute }).masked) masked.add(attribute);
  }
  return [...masked];
}
