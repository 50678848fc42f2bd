import { httpError } from '../errors.ts';
import { PURPOSE_KINDS, type Purpose, type PurposeKind } from './types.ts';

/** Header carrying the purpose as URI-encoded JSON `{kind, caseNumber, text}`. */
export const PURPOSE_HEADER = 'x-onemap-purpose';

const CASE_NUMBER_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{3,39}$/;

/**
 * Reads the purpose (事由) of a request from the `x-onemap-purpose` header or the `purpose`
 * query parameter (for EventSource, which cannot set headers). Both hold URI-encoded JSON.
 * @returns the purpose, or null when none was given
 * @throws ONEMAP_ERR_VALIDATION with a message naming the bad part when one was given but is malformed
 * @example parsePurpose(encodeURIComponent(JSON.stringify({kind:'criminal_case',caseNumber:'A6201022026110001',text:'盗窃案排查'})))
 */
export function parsePurpose(raw: string | string[] | undefined): Purpose | null {
  if (raw === undefined || raw === '') return null;
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (!text) return null;
  let obj: unknown;
  try {
    obj = JSON.parse(decodePossiblyEncoded(text));
  } catch {
    throw httpError('VALIDATION', { detail: 'purpose must be URI-encoded JSON {kind, caseNumber, text}' });
  }
  if (!obj || typeof obj !== 'object') throw httpError('VALIDATION', { detail: 'purpose must be a JSON object' });
  const p = obj as Record<string, unknown>;
  if (typeof p.kind !== 'string' || !(PURPOSE_KINDS as readonly string[]).includes(p.kind)) {
    throw httpError('VALIDATION', { detail: `purpose.kind must be one of ${PURPOSE_KINDS.join(', ')}` });
  }
  if (typeof p.caseNumber !== 'string' || !CASE_NUMBER_RE.test(p.caseNumber)) {
    throw httpError('VALIDATION', { detail: 'purpose.caseNumber must be 4–40 letters, digits, - or _' });
  }
  if (typeof p.text !== 'string' || p.text.trim().length < 2 || p.text.length > 500) {
    throw httpError('VALIDATION', { detail: 'purpose.text must be 2–500 characters saying why' });
  }
  return { kind: p.kind as PurposeKind, caseNumber: p.caseNumber, text: p.text.trim() };
}

function decodePossiblyEncoded(s: string): string {
  const t = s.trim();
  if (t.startsWith('{')) return t;
  return decodeURIComponent(t);
}

/** Encodes a purpose for the header (clients and tests use it). */
export function encodePurpose(p: Purpose): string {
  return encodeURIComponent(JSON.stringify(p));
}

/**
 * A stored purpose (a watch's, a rule's) as `viewer` may read it in a list of their unit's: its
 * kind and case number for everyone, its free text only for the user who wrote it (it may name
 * suspects, informants or details colleagues have no need to know; auditors read it in the audit).
 */
export function storedPurposeFor(purposeJson: string, createdBy: string, viewer: { username: string }): string {
  if (createdBy === viewer.username) return purposeJson;
  try {
    const p = JSON.parse(purposeJson) as Partial<Purpose>;
    return JSON.stringify({ kind: p.kind, caseNumber: p.caseNumber });
  } catch {
    return '{}';
  }
}
