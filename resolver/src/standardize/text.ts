/** Text clean-up shared by the standardizers: full-width to half-width, trimmed, single spaces. */
import * as OpenCC from 'opencc-js';

const toSimplified = OpenCC.Converter({ from: 't', to: 'cn' });

const NULLISH = new Set([
  '',
  'null',
  'NULL',
  'None',
  'none',
  'N/A',
  'n/a',
  'NA',
  '-',
  '--',
  '无',
  '空',
  '\\N',
  'undefined',
]);

const COMPAT = /[\u00a0\u2000-\u206f\u3000\u3002\uf900-\ufaff\ufe30-\ufe6f\uff00-\uffef\t\r\n]/;

/**
 * Characters that show as nothing (zero-width spaces and joiners, word joiner, BOM, soft hyphen)
 * and control characters other than whitespace: copied in from web pages and spreadsheets, they
 * made an ID, a phone or a plate the wrong length. NFKC keeps them; they are removed.
 */
const INVISIBLE = /[\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f\u00ad\u200b-\u200d\u2060\ufeff]/g;

/**
 * A spreadsheet's "keep as text" marks around a value: `="110105…"` (a formula giving the text)
 * and a leading `'` (or a back-quote typed for it). A source exported from Excel sends IDs and
 * phones like this; the mark is not part of the value.
 */
const SPREADSHEET_TEXT = /^(?:="([^"]*)"|['`](.+))$/s;

/**
 * NFKC (full-width digits/letters to ASCII), invisible characters and spreadsheet text marks
 * removed, trim, collapse whitespace; `''` for null-like placeholders.
 */
export function cleanText(raw: string | undefined | null): string {
  if (raw === undefined || raw === null) return '';
  const c0 = raw.charCodeAt(0) === 32 ? raw.trimStart().charCodeAt(0) : raw.charCodeAt(0);
  if (c0 === 39 || c0 === 96 || c0 === 61) {
    const m = SPREADSHEET_TEXT.exec(raw.trim());
    if (m) raw = m[1] ?? m[2]!;
  }
  if (isClean(raw)) return NULLISH.has(raw) ? '' : raw;
  let s = raw.replace(INVISIBLE, '');
  // NFKC only for characters it changes (full-width forms, compatibility spaces and dots).
  if (COMPAT.test(s)) s = s.normalize('NFKC').replace(/[\u3000\u00a0\t\r\n]/g, ' ');
  s = s.trim();
  if (s.includes('  ')) s = s.replace(/ {2,}/g, ' ');
  return NULLISH.has(s) ? '' : s;
}

/**
 * What someone typed, folded as the values it is looked for among were: full-width forms
 * (a Chinese input method's ６２０１), invisible characters, traditional Hanzi (張偉 finds 张伟).
 * Unlike `cleanText` it keeps what a placeholder would empty (a search for 无 is a search).
 */
export function foldTyped(raw: string): string {
  let s = raw.replace(INVISIBLE, '');
  if (COMPAT.test(s)) s = s.normalize('NFKC').replace(/[\u3000\u00a0\t\r\n]/g, ' ');
  return /[\u3400-\u9fff]/.test(s) ? toSimplified(s) : s;
}

/**
 * True when cleaning would not change `s`: not empty, no character NFKC or the whitespace rules
 * touch (the `COMPAT` ranges, control characters, other Unicode spaces), no space at either end
 * and no two spaces in a row. Most values are like this; they skip the regexps.
 */
function isClean(s: string): boolean {
  let space = true; // a leading space is not clean
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 32) {
      if (space) return false;
      space = true;
      continue;
    }
    if (
      c < 32 ||
      (c >= 0x7f && c <= 0xa0) ||
      c === 0xad ||
      c === 0x1680 ||
      (c >= 0x2000 && c <= 0x206f) ||
      c === 0x3000 ||
      c === 0x3002 ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe6f) ||
      c >= 0xfeff
    )
      return false;
    space = false;
  }
  return !space;
}

/**
 * Every middle dot and bullet a source writes between the parts of a minority name or of a plate
 * (`买买提·艾力`, `甘A・12345`): U+00B7, U+2022, U+30FB (and U+FF65, which NFKC makes it), U+2027,
 * U+2219, U+22C5, U+318D, the full-width stop, and `.` and `-`.
 */
export const SEPARATOR_DOTS = /[·•・‧．.\u30fb\u00b7\u2027\u2022\u2219\u22c5\u318d-]/g;

/** Upper-case ASCII letters and digits only (identifiers written with spaces, dashes or dots). */
export function alnumUpper(s: string): string {
  return s.toUpperCase().replace(/[^0-9A-Z]/g, '');
}

export interface StdOk {
  ok: true;
  value: string;
  /** Other standardized attributes derived from the value (e.g. birth date from a resident id). */
  derived?: Record<string, string>;
  /** Note about an accepted normalization (e.g. `upgraded_from_15`). */
  note?: string;
}

export interface StdBad {
  ok: false;
  /** Short machine reason, e.g. `bad_check_digit`. */
  reason: string;
  /** The cleaned raw value, kept for fuzzy comparison. */
  raw: string;
  checksum?: boolean;
}

export type StdResult = StdOk | StdBad;
