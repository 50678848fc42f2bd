import { isValidResidentId, residentIdCheckChar } from '@onemap/graph-schema';

/** What a search box makes of its text before anything is sent. */
export type SearchInput =
  | { ok: true; query: string; /** the text was rewritten (a formatted phone): say so */ normalized?: { from: string; to: string } }
  | { ok: false; /** message key */ error: 'search.badCheckDigit'; params: Record<string, string> };

const PHONE_FORMATTED = /^\+?[\d\s\-().]{11,20}$/;

/**
 * Reads a search box's text the way an officer types it: a resident ID with a wrong check
 * character is refused with the character it should have (it would only find nothing), and a
 * formatted mobile number (`138-1234-5678`, `+86 138 1234 5678`) is searched as its 11 digits.
 * @example checkSearchInput('620102199003070011') // { ok: false, error: 'search.badCheckDigit', params: { expected: 'X', got: '1' } }
 */
export function checkSearchInput(text: string): SearchInput {
  const q = text.trim();
  if (/^\d{17}[\dXx]$/.test(q) && !isValidResidentId(q.toUpperCase())) {
    return { ok: false, error: 'search.badCheckDigit', params: { expected: residentIdCheckChar(q.slice(0, 17)), got: q.slice(17).toUpperCase() } };
  }
  if (PHONE_FORMATTED.test(q) && /[\s\-().+]/.test(q)) {
    let digits = q.replace(/\D/g, '');
    if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
    if (/^1\d{10}$/.test(digits)) return { ok: true, query: digits, normalized: { from: q, to: digits } };
  }
  return { ok: true, query: q };
}
