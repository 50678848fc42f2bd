import { attributeMeta, chooseGoldenValue, isInternalAttribute, type ValueCandidate } from '@onemap/graph-schema';
import type { AttributeValue } from '../schemas/common.ts';
import { closeCompletions, maskForViewer } from './mask-for-viewer.ts';
import type { Viewer } from './viewer.ts';

/** A SourceRecord as a viewer may see it: only records of visible sources reach this code. */
export interface VisibleRecord {
  rid: string;
  source: string;
  receivedAt: string | null;
  /** The role the record's values play for this entity (`RESOLVED_TO.role`). */
  role: string;
  /** `SourceRecord.attrs`: JSON by role. */
  attrs: string | Record<string, unknown> | null;
}

/** Parsed `attrs` per record object: a search or profile reads a record's attrs more than once (matching, golden values, summary). */
const parsedAttrs = new WeakMap<VisibleRecord, unknown>();

/** The attributes one record gives one role, from `attrs` JSON by role (or flat attrs). */
export function attrsOf(r: VisibleRecord): Record<string, unknown> {
  let a: unknown = r.attrs;
  if (typeof a === 'string') {
    if (parsedAttrs.has(r)) a = parsedAttrs.get(r);
    else {
      try {
        a = JSON.parse(a);
      } catch {
        a = null;
      }
      parsedAttrs.set(r, a);
    }
  }
  if (!a || typeof a !== 'object') return {};
  const obj = a as Record<string, unknown>;
  const byRole = obj[r.role];
  if (byRole && typeof byRole === 'object' && !Array.isArray(byRole)) return byRole as Record<string, unknown>;
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v === null || typeof v !== 'object'));
}

/**
 * Golden values for one viewer (一数一源 per viewer): for each attribute, the one golden-value
 * rule of graph-schema (`chooseGoldenValue`: authority, then frequency, then recency, then the
 * smallest value) over the records this viewer may see — the same rule the pipeline used for the
 * entity node, so a viewer who sees every source gets the node's values. Values of sources the
 * viewer may not see never enter; masked values come out masked.
 * @param kind entity kind, for authority lookups (`Person.name`)
 * @param records visible records only
 * @param only when given, the attributes the caller reads (a summary reads its kind's naming
 *   attributes): only they — and the identifiers they would complete, whose masking decides theirs
 *   (`closeCompletions`) — are chosen and masked; each comes out exactly as without `only`.
 */
export function goldenValues(
  kind: string,
  records: readonly VisibleRecord[],
  viewer: Viewer,
  only?: readonly string[],
): Record<string, AttributeValue> {
  const candidates = visibleCandidates(kind, records, viewer, only ? withCompleted(only) : null);
  const out: Record<string, AttributeValue> = {};
  for (const [attr, list] of [...candidates.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const best = chooseGoldenValue(list);
    if (!best) continue;
    out[attr] = present(viewer, best.source, best.candidate.role, attr, best.value, best.rid);
  }
  // internal keys never leave; a birth date never completes a resident ID shown masked
  return closeCompletions(out);
}

/**
 * The point the viewer's visible records choose (`lon`, `lat` by the golden-value rule, as
 * stated, before masking), and the source of its `lon`: what stands for an entity's point when its
 * node's point — chosen over every source — is not the viewer's (`viewerPosition`).
 */
export function visibleGoldenPoint(
  kind: string,
  records: readonly VisibleRecord[],
  viewer: Viewer,
): { lon: number; lat: number; source: string } | null {
  const candidates = visibleCandidates(kind, records, viewer);
  const lon = chooseGoldenValue(candidates.get('lon') ?? []);
  const lat = chooseGoldenValue(candidates.get('lat') ?? []);
  if (!lon || !lat) return null;
  const x = Number(lon.value);
  const y = Number(lat.value);
  return Number.isFinite(x) && Number.isFinite(y) ? { lon: x, lat: y, source: lon.source } : null;
}

/**
 * Whether an entity node's golden value of `kind.attribute`, traced to a record of `source` (its
 * provenance), is the value this viewer's visible records choose by the same rule
 * (`goldenValues`), so that the node may stand in for them:
 * - the viewer sees every source the entity is known from (`seenWhole`); or
 * - the value came from an authority for it (一数一源, `Viewer.isAuthority`) that the viewer sees,
 *   and none of the sources hidden from the viewer is one: the rule then chooses among the
 *   authoritative records alone — frequency and recency counted over them only — and those are
 *   all visible, so no hidden record voted (a household registry's name for a person also seen in
 *   rail tickets the viewer may not read).
 * Never from a row that is not seen whole without naming its hidden sources. Like every node
 * stand-in, it presumes the node was written by the pipeline's rule under the same catalog
 * (authorities are catalog data, `authorityFor`).
 */
export function nodeValueStands(
  viewer: Viewer,
  kind: string,
  attribute: string,
  source: string | null | undefined,
  node: { seenWhole: boolean; hiddenSources: readonly string[] },
): boolean {
  if (!source || !viewer.visibleSources.includes(source)) return false;
  if (node.seenWhole) return true;
  if (node.hiddenSources.length === 0) return false;
  const key = `${kind}.${attribute}`;
  return viewer.isAuthority(source, key) && node.hiddenSources.every((h) => !viewer.isAuthority(h, key));
}

/** The attributes and every identifier one of them would complete (`AttributeMeta.completes`). */
function withCompleted(attributes: readonly string[]): ReadonlySet<string> {
  return new Set(attributes.flatMap((a) => [a, ...(attributeMeta(a).completes ?? [])]));
}

/** Per attribute (of `only`, when given), the values the viewer's visible records state, as `chooseGoldenValue` candidates. */
function visibleCandidates(kind: string, records: readonly VisibleRecord[], viewer: Viewer, only: ReadonlySet<string> | null = null) {
  const candidates = new Map<string, (ValueCandidate & { role: string })[]>();
  for (const r of records) {
    if (!viewer.visibleSources.includes(r.source)) continue;
    const at = r.receivedAt ? Date.parse(r.receivedAt) : Number.NaN;
    for (const [attr, value] of Object.entries(attrsOf(r))) {
      if (only && !only.has(attr)) continue;
      if (isInternalAttribute(attr)) continue;
      if (value === null || value === undefined || value === '') continue;
      let list = candidates.get(attr);
      if (!list) candidates.set(attr, (list = []));
      list.push({
        value,
        source: r.source,
        rid: r.rid,
        role: r.role,
        authoritative: viewer.isAuthority(r.source, `${kind}.${attr}`),
        at: Number.isNaN(at) ? null : at,
      });
    }
  }
  return candidates;
}

/** One value as the viewer gets it: plain or masked by the field rule. */
export function present(
  viewer: Viewer,
  source: string,
  role: string,
  attr: string,
  value: unknown,
  rid: string,
): AttributeValue {
  const m = maskForViewer(viewer, { attribute: attr, value, source, role });
  return { value: m.value, masked: m.masked, source, rid };
}

/** Identifier kinds → the attribute whose masking rule applies. */
export const IDENTIFIER_ATTRIBUTE: Record<string, string> = {
  resident_id: 'residentId',
  passport: 'passport',
  national_id: 'nationalId',
  phone: 'phone',
  credit_code: 'creditCode',
  plate: 'plate',
  vin: 'vin',
  place_code: 'placeCode',
  case_number: 'caseNumber',
};
