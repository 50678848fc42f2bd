/**
 * Stable error codes of the resolver, each with a message template. Throw them by name
 * (`throw new ResolverError('ONEMAP_ERR_MISSING_COLUMN', {...})`); record-level problems
 * in a batch are data (`FieldProblem`) carrying the same codes, and the batch goes on.
 */

export const ERRORS = {
  ONEMAP_ERR_FILE_UNREADABLE: 'cannot read file: {detail}',
  ONEMAP_ERR_BAD_ENCODING: 'value is not valid {encoding}',
  ONEMAP_ERR_FIELD_COUNT: 'row has {actual} fields, header has {expected}',
  ONEMAP_ERR_BAD_JSON: 'line is not a JSON object: {detail}',
  ONEMAP_ERR_MISSING_COLUMN: 'mapping names column "{column}" which the file does not have',
  ONEMAP_ERR_INVALID_MAPPING: 'invalid mapping: {detail}',
  ONEMAP_ERR_INVALID_SETTINGS: 'invalid settings: {detail}',
  ONEMAP_ERR_INVALID_MODEL: 'invalid model: {detail}',
  ONEMAP_ERR_INVALID_CONFIG: 'invalid configuration: {detail}',
  ONEMAP_ERR_REQUIRED_MISSING: 'required field is empty',
  ONEMAP_ERR_REQUIRED_INVALID: 'required field is invalid: {detail}',
  ONEMAP_ERR_NOTHING_USABLE: 'record yields no usable entity attribute',
  ONEMAP_ERR_BAD_ID_CHECKSUM: 'check character does not match ({detail})',
  ONEMAP_ERR_BAD_VALUE: 'value is not a valid {what}: {detail}',
  ONEMAP_ERR_USAGE: '{detail}',
  ONEMAP_ERR_UNKNOWN_ENTITY: 'unknown entity {detail}',
  ONEMAP_ERR_INTERNAL: 'internal error: {detail}',
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** Where a problem is: file, line (1-based, as an editor shows it) and field (column). */
export interface ErrorLocation {
  file?: string;
  line?: number;
  field?: string;
}

export function formatMessage(code: ErrorCode, params: Record<string, string | number | undefined> = {}): string {
  return ERRORS[code].replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ''));
}

/** `(file:line field)` suffix used by every one-line error. */
export function formatLocation(loc: ErrorLocation): string {
  const parts: string[] = [];
  if (loc.file !== undefined) parts.push(loc.line !== undefined ? `${loc.file}:${loc.line}` : loc.file);
  else if (loc.line !== undefined) parts.push(`line ${loc.line}`);
  if (loc.field !== undefined) parts.push(loc.field);
  return parts.length ? ` (${parts.join(' ')})` : '';
}

export class ResolverError extends Error {
  readonly code: ErrorCode;
  readonly location: ErrorLocation;
  constructor(code: ErrorCode, params: Record<string, string | number | undefined> = {}, location: ErrorLocation = {}) {
    super(formatMessage(code, params));
    this.name = 'ResolverError';
    this.code = code;
    this.location = location;
  }

  /** The one line the CLI prints: `error ONEMAP_ERR_X: <what> (file:line field)`. */
  toLine(): string {
    return `error ${this.code}: ${this.message}${formatLocation(this.location)}`;
  }
}
