import { isInternalAttribute } from '@onemap/graph-schema';
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

/** The attributes one record gives one role, from `attrs` JSON by role (or flat attrs). */
export function attrsOf(r: VisibleRecord): Record<string, unknown> {
  let a: unknown = r.attrs;
  if (typeof a === 'string') {
    try {
      a = JSON.parse(a);
    } catch {
      return {};
    }
  }
  if (!a || typeof a !== 'object') return {};
  const obj = a as Record<string, unknown>;
  const byRole = obj[r.role];
  if (byRole && typeof byRole === 'object' && !Array.isArray(byRole)) return byRole as Record<string, unknown>;
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v === null || typeof v !== 'object'));
}

/**
 * Golden values for one viewer (一数一源 per viewer): for each attribute, the value from the
 * authoritative source if the viewer sees one, else the most recent visible record. Values of
 * sources the viewer may not see never enter; masked values come out masked.
 * @param kind entity kind, for authority lookups (`Person.name`)
 * @param records visible records only
 */
export function goldenValues(kind: string, records: readonly VisibleRecord[], viewer: Viewer): Record<string, AttributeValue> {
  const best = new Map<string, { value: unknown; r: VisibleRecord; auth: boolean }>();
  for (const r of records) {
    if (!viewer.visibleSources.includes(r.source)) continue;
    for (const [attr, value] of Object.entries(attrsOf(r))) {
      if (isInternalAttribute(attr)) continue;
      if (value === null || value === undefined || value === '') continue;
      const auth = viewer.isAuthority(r.source, `${kind}.${attr}`);
      const cur = best.get(attr);
      if (!cur || (auth && !cur.auth) || (auth === cur.auth && (r.receivedAt ?? '') > (cur.r.receivedAt ?? ''))) {
        best.set(attr, { value, r, auth });
      }
    }
  }
  const out: Record<string, AttributeValue> = {};
  for (const [attr, { value, r }] of [...best.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    out[attr] = present(viewer, r.source, r.role, attr, value, r.rid);
  }
  // internal keys never leave; a birth date never completes a resident ID shown masked
  return closeCompletions(out);
}

/** One value as the viewer gets it: plain or masked by the field rule. */
export function present(viewer: Viewer, source: string, role: string, attr: string, value: unknown, rid: string): AttributeValue {
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
