/**
 * The one masking helper for every value that leaves the server: profiles, search hits, node
 * summaries, trajectories, analysis answers, quality examples and tickets, audit parameters.
 * It applies the field rule (role AND unit, sharing class, grants) and the derivation metadata of
 * graph-schema (`ATTRIBUTE_META`): derived attributes inherit their origin's grade, internal keys
 * never leave, and a value that would complete a masked identifier is masked with it.
 */
import { attributeMeta, derivationChain, isInternalAttribute } from '@onemap/graph-schema';
import type { AttributeValue } from '../schemas/common.ts';
import { maskValue } from './masking.ts';
import { maskSeparatedIdentifiers } from './mask-text.ts';
import { effectiveGrade, ROLE_CLEARANCE } from './policy.ts';
import type { Viewer } from './viewer.ts';

export interface MaskTarget {
  /** Standardized attribute name (`residentId`, `birthDate`, `address` …). */
  attribute: string;
  value: unknown;
  /** Source the value came from; without one the value is treated as coming from a source the viewer does not own. */
  source?: string | null;
  /** Role of the entity in the source's record (`guest`, `person`, `home` …); defaults to the attribute's own rule. */
  role?: string | null;
}

/**
 * One value as `viewer` may see it.
 * - With a visible `source`: plain or masked by the field rule for that source, role and attribute.
 * - With no source or an invisible one (free text, audit parameters): plain only when the
 *   attribute's grade is within the viewer's clearance and below 4 (grade 4 needs an owner or a
 *   grant, which only a source can give).
 * - Internal keys (`*Key`, `py*`, `nameScript`) always come back masked; callers drop them.
 * @example maskForViewer(viewer, { attribute: 'residentId', value: '620102198805051234', source: 'hotel', role: 'guest' })
 *   // { value: '620102********1234', masked: true } for an officer of a unit that does not own `hotel`
 */
export function maskForViewer(viewer: Viewer, t: MaskTarget): { value: string | number | boolean; masked: boolean } {
  const v = typeof t.value === 'number' || typeof t.value === 'boolean' ? t.value : t.value === null || t.value === undefined ? '' : String(t.value);
  if (v === '') return { value: v, masked: false };
  if (isInternalAttribute(t.attribute)) return { value: maskValue(t.attribute, v), masked: true };
  const role = t.role ?? t.attribute;
  let plain: boolean;
  if (t.source && viewer.visibleSources.includes(t.source)) {
    plain = viewer.fieldDecision(t.source, role, t.attribute) === 'plain';
  } else {
    const grade = effectiveGrade(undefined, role, t.attribute);
    const clearance = Math.max(0, ...viewer.roles.map((r) => ROLE_CLEARANCE[r] ?? 0));
    plain = grade < 4 && (grade <= 2 ? clearance >= 1 : clearance >= 3);
  }
  return plain ? { value: v, masked: false } : { value: maskValue(t.attribute, v), masked: true };
}

/**
 * How a node's golden value of `attribute` from source `src` is shown, when the node does not say
 * in which role of the source's records it came (a guest's name, a suspect's name): the field
 * rule in every role the source grades the attribute or an attribute it derives from in
 * (`fieldSensitivity` keys `role.attr`), and in every other role (none of those keys apply). The
 * same decision in all of them: 'plain' or 'masked' (`maskValue`, as `maskForViewer` masks it);
 * they differ: null — only the value's record can tell.
 */
export function nodeValueDecision(viewer: Viewer, src: string, attribute: string): 'plain' | 'masked' | null {
  if (!viewer.visibleSources.includes(src)) return null;
  const chain = new Set([attribute, ...derivationChain(attribute)]);
  const graded = Object.keys(viewer.source(src)?.fieldSensitivity ?? {}).flatMap((k) => {
    const dot = k.lastIndexOf('.');
    return dot > 0 && chain.has(k.slice(dot + 1)) ? [k.slice(0, dot)] : [];
  });
  // '' is no role: no `fieldSensitivity` key applies to it, as to every role left ungraded
  const plain = ['', ...new Set(graded)].map((role) => viewer.fieldDecision(src, role, attribute) === 'plain');
  return plain.every(Boolean) ? 'plain' : plain.some(Boolean) ? null : 'masked';
}

/** An identifier an entity holds, by the source that states it: what a value of one of its records may complete. */
export interface EntityIdentifier {
  /** Standardized attribute of the identifier (`residentId` …). */
  attribute: string;
  source: string;
  /** The role of the stating record, where a record states it (else the attribute's own rule). */
  role?: string | null;
}

/**
 * One value of one record as `viewer` may see it where no identifier list stands beside it (a
 * review explanation, a quality example, a correction ticket): `maskForViewer`, and a value that
 * completes an identifier (graph-schema `completes`: the birth date is a resident ID's hidden
 * middle) is masked too when the viewer would see that identifier masked — under the same record's
 * source and role, or as any of `entityIdentifiers` (the identifiers the record's entities hold,
 * from the sources that state them, as a profile lists them): the ID is shown masked elsewhere, and
 * the value would fill it, whichever record of the entity it comes from. The record-level form of
 * `closeCompletions`; `services/record-masking.ts` reads the entity identifiers.
 */
export function maskInRecord(viewer: Viewer, t: MaskTarget, entityIdentifiers: readonly EntityIdentifier[] = []): { value: string | number | boolean; masked: boolean } {
  const m = maskForViewer(viewer, t);
  if (m.masked) return m;
  const completes = attributeMeta(t.attribute).completes ?? [];
  if (completes.length === 0) return m;
  // the decision depends on the field rule, not the value: any non-empty stand-in asks it
  const maskedAs = (attribute: string, source: string | null | undefined, role: string) => maskForViewer(viewer, { attribute, value: '0', source, role }).masked;
  if (
    completes.some((c) => maskedAs(c, t.source, t.role ?? c)) ||
    entityIdentifiers.some((i) => completes.includes(i.attribute) && maskedAs(i.attribute, i.source, i.role ?? i.attribute))
  ) {
    return { value: maskValue(t.attribute, String(m.value)), masked: true };
  }
  return m;
}

/** Identifier-shaped tokens in free text, with the attribute whose rule masks them. */
const IDENTIFIER_PATTERNS: { attribute: string; re: RegExp }[] = [
  { attribute: 'residentId', re: /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g },
  { attribute: 'residentId', re: /(?<![0-9A-Za-z])\d{15}(?![0-9A-Za-z])/g },
  { attribute: 'phone', re: /(?<![0-9A-Za-z])(?:\+?86)?1\d{10}(?![0-9A-Za-z])/g },
  { attribute: 'passport', re: /(?<![0-9A-Za-z])[A-Z]{1,2}\d{7,8}(?![0-9A-Za-z])/g },
];

/**
 * Masks every identifier-shaped token (resident IDs, mobile numbers, passports) in free text as
 * the viewer would see a value of that kind from a source they do not own: for audit parameters,
 * search terms and ticket notes. Text without identifiers comes back unchanged.
 * @example maskText(auditor, 'q=620102198805051234') // 'q=620102********1234'
 */
export function maskText(viewer: Viewer, text: string): string {
  return maskSeparatedIdentifiers(text, (t) => {
    let out = t;
    for (const { attribute, re } of IDENTIFIER_PATTERNS) {
      out = out.replace(re, (m) => String(maskForViewer(viewer, { attribute, value: m }).value));
    }
    return out;
  });
}

/**
 * Masks, in one answer, every value that would complete an identifier shown masked in the same
 * answer (graph-schema `completes`: the birth date fills the hidden middle of a resident ID),
 * whatever source it came from, and drops internal keys.
 * @param values attribute → value as presented (mutated copy returned)
 * @param maskedIdentifiers attributes shown masked elsewhere in the answer (e.g. from the identifier list)
 */
export function closeCompletions(values: Record<string, AttributeValue>, maskedIdentifiers: Iterable<string> = []): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(values)) if (!isInternalAttribute(k)) out[k] = v;
  const masked = new Set(maskedIdentifiers);
  for (const [k, v] of Object.entries(out)) if (v.masked) masked.add(k);
  for (const [k, v] of Object.entries(out)) {
    if (v.masked) continue;
    const completes = attributeMeta(k).completes ?? [];
    if (completes.some((c) => masked.has(c))) out[k] = { ...v, value: maskValue(k, v.value), masked: true };
  }
  return out;
}
