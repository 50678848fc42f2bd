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
  return maskSeparatedIdentifiers(text, maskContiguous);
}

function maskContiguous(text: string): string {
  return text.replace(ANY, (match, ...groups: unknown[]) => {
    const i = groups.slice(0, SHAPES.length).findIndex((g) => g !== undefined);
    const attr = SHAPES[i]?.[1] ?? 'identifier';
    // A percent-encoded or JSON string may carry the plus sign of +86 as text; maskValue keeps it.
    return maskValue(attr, match);
  });
}

/**
 * Characters search ignores inside a term (its `norm`): `620102-19880505-1234` is searched as the
 * whole identifier, so it is masked as one. Whitespace splits terms, but digit groups split by it
 * (`138 0000 1234`) are read as one number by people, so they are joined too.
 */
const INNER_SEPARATOR = String.raw`[\-_.:,，。·()（）+]`;
const ANY_SEPARATOR = String.raw`[\s\-_.:,，。·()（）+]`;
/** Digit groups (the last may end in X) broken by separators or whitespace: `+86 138-0000-1234`. */
const DIGIT_GROUPS = new RegExp(String.raw`(?<![0-9A-Za-z])\+?\d+(?:${ANY_SEPARATOR}+\d+)*(?:${ANY_SEPARATOR}+\d*[Xx])?(?![0-9A-Za-z])`, 'g');
/** Letters and digits broken by separators within one term, optionally after a plate's province character: `甘A-12345`. */
const TERM_RUN = new RegExp(String.raw`(?<![0-9A-Za-z])[\u4e00-\u9fa5]?[0-9A-Za-z]+(?:${INNER_SEPARATOR}+[0-9A-Za-z]+)+(?![0-9A-Za-z])`, 'g');
const SEPARATORS = new RegExp(`${ANY_SEPARATOR}+`, 'g');

/**
 * `mask` applied as search reads text: to each run of digit groups, and of letters and digits
 * within a term, taken without its separators (a run that then holds an identifier is replaced by
 * its masked form, separators gone), then to the text as it stands. The one way free text is
 * masked (`maskIdentifiersInText` for the audit trail, `maskText` for a viewer), so an identifier
 * written with separators — which search takes whole — never reaches a reader in plain.
 */
export function maskSeparatedIdentifiers(text: string, mask: (text: string) => string): string {
  const joinRun = (run: string) => {
    // a leading + is a phone's, not a separator
    const plus = run.startsWith('+') ? '+' : '';
    const body = run.slice(plus.length);
    const bare = plus + body.replace(SEPARATORS, '');
    if (bare === run) return run;
    const masked = mask(bare);
    return masked === bare ? run : masked;
  };
  return mask(text.replace(DIGIT_GROUPS, joinRun).replace(TERM_RUN, joinRun));
}

/** Runs of percent-escapes, decoded as UTF-8 (a plate's province character arrives as `%E7%94%98`); never throws. */
const PERCENT_RUN = /(?:%[0-9A-Fa-f]{2})+/g;
function decodePercentRuns(text: string): string {
  return text.replace(PERCENT_RUN, (run) => Buffer.from(run.replaceAll('%', ''), 'hex').toString('utf8'));
}

/**
 * `maskIdentifiersInText` for a URL or path as a client sent it, whose identifiers may be
 * percent-encoded: the text is masked as decoded; a URL holding no identifier is kept as it was.
 * @example maskIdentifiersInUrl('/api/x/%E7%94%98A12345?q=1') // '/api/x/***?q=1'
 */
export function maskIdentifiersInUrl(url: string): string {
  const decoded = decodePercentRuns(url);
  const masked = maskIdentifiersInText(decoded);
  return masked === decoded ? url : masked;
}
