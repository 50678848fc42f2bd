/**
 * Stable error codes of the resolver, each with an HTTP status and a message template (the one
 * registry shape, `defineErrors` from graph-schema). Throw them by name
 * (`throw new ResolverError('ONEMAP_ERR_MISSING_COLUMN', {...})`); record-level problems
 * in a batch are data (`FieldProblem`) carrying the same codes, and the batch goes on.
 */
import { defineErrors, type ErrorParams, formatErrorMessage } from '@onemap/graph-schema';

export const ERRORS = defineErrors({
  ONEMAP_ERR_FILE_UNREADABLE: { status: 400, message: 'cannot read file: {detail}' },
  ONEMAP_ERR_BAD_ENCODING: { status: 400, message: 'value is not valid {encoding}' },
  ONEMAP_ERR_FIELD_COUNT: { status: 400, message: 'row has {actual} fields, header has {expected}' },
  ONEMAP_ERR_UNTERMINATED_QUOTE: { status: 400, message: 'a quote opened on this line is not closed; the lines after it are read on their own' },
  ONEMAP_ERR_BAD_JSON: { status: 400, message: 'line is not a JSON object: {detail}' },
  ONEMAP_ERR_MISSING_COLUMN: { status: 400, message: 'mapping names column "{column}" which the file does not have' },
  ONEMAP_ERR_INVALID_MAPPING: { status: 500, message: 'invalid mapping: {detail}' },
  ONEMAP_ERR_INVALID_SETTINGS: { status: 500, message: 'invalid settings: {detail}' },
  ONEMAP_ERR_INVALID_MODEL: { status: 500, message: 'invalid model: {detail}' },
  ONEMAP_ERR_INVALID_CONFIG: { status: 500, message: 'invalid configuration: {detail}' },
  ONEMAP_ERR_REQUIRED_MISSING: { status: 400, message: 'required field is empty' },
  ONEMAP_ERR_REQUIRED_INVALID: { status: 400, message: 'required field is invalid: {detail}' },
  ONEMAP_ERR_NOTHING_USABLE: { status: 400, message: 'record yields no usable entity attribute' },
  ONEMAP_ERR_BAD_ID_CHECKSUM: { status: 400, message: 'check character does not match ({detail})' },
  ONEMAP_ERR_BAD_VALUE: { status: 400, message: 'value is not a valid {what}: {detail}' },
  ONEMAP_ERR_USAGE: { status: 400, message: '{detail}' },
  ONEMAP_ERR_UNKNOWN_ENTITY: { status: 404, message: 'unknown entity {detail}' },
  ONEMAP_ERR_INTERNAL: { status: 500, message: 'internal error: {detail}' },
});

export type ErrorCode = keyof typeof ERRORS;

/** Where a problem is: file, line (1-based, as an editor shows it) and field (column). */
export interface ErrorLocation {
  file?: string;
  line?: number;
  field?: string;
}

export function formatMessage(code: ErrorCode, params: ErrorParams = {}): string {
  return formatErrorMessage(ERRORS[code].message, params);
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

  /** The one line the CLI prints: `error ONEMAP_ERR_<NAME>: <what> (file:line field)`. */
  toLine(): string {
    return `error ${this.code}: ${this.message}${formatLocation(this.location)}`;
  }
}
