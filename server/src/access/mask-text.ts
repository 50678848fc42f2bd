/**
 * Masking of identifiers that occur inside free text (audited request parameters, purposes):
 * the same masks as `maskValue` gives the attribute, applied wherever an identifier's shape
 * appears. Minimal version for the audit trail; the masking helper of the access layer may
 * take it over.
 */
import { maskValue } from './masking.ts';

/** Identifier shapes, longest first, each with the attribute whose mask applies. */
const SHAPES: [RegExp, string][] = [
  // GB 11643 resident ID (18, or the old 15 digits)
  [/\d{17}[\dXx]|\d{15}/, 'residentId'],
  // unified social credit code (GB 32100)
  [/[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}/, 'creditCode'],
  // VIN (ISO 3779: 17, no I, O, Q; at least two letters, so a case number `A620…` is not one)
  [/(?=(?:[0-9]*[A-HJ-NPR-Z]){2})[A-HJ-NPR-Z0-9]{17}/, 'vin'],
  // mobile numbers, with or without +86 / 86
  [/(?:\+?86)?1[3-9]\d{9}/, 'phone'],
  // passports (E, G, D, S, P + 8 digits; EA + 7)
  [/[EGDSP][A-Z]?\d{7,8}/, 'passport'],
  // plates: province character, letter, 5–6 letters or digits
  [/[\u4e00-\u9fa5][A-Z][A-Z0-9]{5,6}/, 'plate'],
];
const ANY = new RegExp(`(?<![0-9A-Za-z])(?:${SHAPES.map(([re]) => `(${re.source})`).join('|')})(?![0-9A-Za-z])`, 'g');

/**
 * Replaces every identifier-shaped run in `text` by its mask.
 * @param text any text, e.g. a request's parameters as JSON
 * @returns the text with resident IDs, credit codes, VINs, phones, passports and plates masked
 * @example maskIdentifiersInText('{"q":"620102199001011234"}') // '{"q":"620102********1234"}'
 */
export function maskIdentifiersInText(text: string): string {
  return text.replace(ANY, (match, ...groups: unknown[]) => {
    const i = groups.slice(0, SHAPES.length).findIndex((g) => g !== undefined);
    const attr = SHAPES[i]?.[1] ?? 'identifier';
    // A percent-encoded or JSON string may carry the plus sign of +86 as text; maskValue keeps it.
    return maskValue(attr, match);
  });
}
