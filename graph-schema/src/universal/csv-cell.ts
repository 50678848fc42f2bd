/**
 * One CSV cell (RFC 4180 quoting). A text cell that a spreadsheet would run as a formula — starting
 * with `=`, `+`, `-`, `@`, a tab or a carriage return — is written as text with a leading `'`
 * (OWASP "CSV injection"); numbers are written as numbers. `raw: true` skips that for files the
 * pipeline reads back itself.
 * @example csvCell('=HYPERLINK("x")') // `"'=HYPERLINK(""x"")"`
 * @example csvCell(-0.05) // '-0.05'
 */
export function csvCell(v: unknown, opts: { raw?: boolean } = {}): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  const safe = !opts.raw && typeof v !== 'number' && /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
