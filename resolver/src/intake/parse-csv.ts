/**
 * A small RFC 4180 CSV parser that reports the 1-based line each row starts on (quoted
 * fields may span lines). Faster than a general-purpose parser for the simple files sources
 * deliver, and it never throws.
 *
 * A quote that is never closed (a stray `"` at the start of a field) would take every line after
 * it into one field, and those records would be lost with the one bad row. So a row whose quoted
 * field runs over a line end is taken only when it has as many fields as the first row (the
 * header) and is no longer than `MAX_OPEN_QUOTE_CHARS`; otherwise its first line is passed
 * on as an `unterminated_quote` fault (no fields) and parsing goes on at the next line.
 */

/** What is wrong with a row the parser could not read: its fields are empty. */
export type CsvFault = 'unterminated_quote';

/** Called per row with its fields and starting line (and a fault, fields empty); return false to stop. */
export type OnCsvRow = (fields: string[], line: number, fault?: CsvFault) => boolean | undefined;

/**
 * The longest a row with a quoted field may be (characters): past it the quote is taken as
 * unterminated. A source value is flagged far before that (1,000
 * characters); the cap keeps a stream from holding (and parsing again) the rest of a file.
 */
export const MAX_OPEN_QUOTE_CHARS = 1 << 20;

/** The field count rows are held to, learned from the first row (the header). */
interface Shape {
  fields?: number;
}

export function parseCsv(text: string, delimiter: string, onRow: OnCsvRow): void {
  parseCsvFrom(text, text.charCodeAt(0) === 0xfeff ? 1 : 0, 1, true, delimiter, onRow, {});
}

/**
 * A CSV text that arrives in pieces (a file read chunk by chunk): `push` each piece, then
 * `end`. The rows and their lines are exactly `parseCsv`'s of the pieces joined: a row is
 * passed on only once a character after its end has arrived (a quoted field may span
 * pieces, a `\r\n` may be cut in two), so only the last, unfinished row is held.
 */
export class CsvPieces {
  private pending = '';
  private line = 1;
  private started = false;
  private stopped = false;
  private readonly shape: Shape = {};

  constructor(
    private readonly delimiter: string,
    private readonly onRow: OnCsvRow,
  ) {}

  /** @returns false once `onRow` has asked to stop (the rest need not be read) */
  push(piece: string): boolean {
    return this.parse(piece, false);
  }

  end(): void {
    this.parse('', true);
  }

  private parse(piece: string, final: boolean): boolean {
    if (this.stopped) return false;
    let text = this.pending + piece;
    let pos = 0;
    if (!this.started && text.length) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) pos = 1;
    }
    const r = parseCsvFrom(text, pos, this.line, final, this.delimiter, this.onRow, this.shape);
    this.line = r.line;
    this.stopped = r.stopped;
    // the unfinished row, copied out of the piece so the piece can be collected
    this.pending = r.pos < text.length ? flat(text.slice(r.pos)) : '';
    text = '';
    return !this.stopped;
  }
}

/** A string that holds no reference to the larger string it was sliced from. */
function flat(s: string): string {
  return s.length < 13 ? s : (` ${s}`).slice(1);
}

/**
 * Parses rows from `pos`. Not `final`: a row that ends at the end of the text is left
 * unparsed (its last field, or its line end, may go on in the next piece), unless its quote has
 * stayed open past `MAX_OPEN_QUOTE_CHARS`.
 * @returns where parsing stopped, the line there, and whether `onRow` asked to stop
 */
function parseCsvFrom(
  text: string,
  start: number,
  firstLine: number,
  final: boolean,
  delimiter: string,
  onRow: OnCsvRow,
  shape: Shape,
): { pos: number; line: number; stopped: boolean } {
  const len = text.length;
  const d = delimiter.charCodeAt(0);
  let pos = start;
  let line = firstLine;
  while (pos < len) {
    const rowStart = pos;
    const startLine = line;
    const fields: string[] = [];
    // a quoted field of this row went over a line end / reached the end of the text unclosed
    let spanned = false;
    let open = false;
    let quoted = false;
    // characters between a closing quote and the next delimiter (never in a well-formed file)
    let stray = false;
    for (;;) {
      if (text.charCodeAt(pos) === 34) {
        // quoted field
        quoted = true;
        pos++;
        let v = '';
        let from = pos;
        for (;;) {
          const q = text.indexOf('"', pos);
          if (q < 0) {
            for (let i = pos; i < len; i++) {
              const c = text.charCodeAt(i);
              if (c === 10 || c === 13) spanned = true;
            }
            v += text.slice(from);
            pos = len;
            open = true;
            break;
          }
          for (let i = pos; i < q; i++) {
            const c = text.charCodeAt(i);
            if (c === 10) line++;
            if (c === 10 || c === 13) spanned = true;
          }
          if (text.charCodeAt(q + 1) === 34) {
            v += text.slice(from, q + 1);
            pos = q + 2;
            from = pos;
            continue;
          }
          v += text.slice(from, q);
          pos = q + 1;
          break;
        }
        // skip to delimiter / end of line (stray characters after the closing quote are kept)
        let end = pos;
        while (end < len) {
          const c = text.charCodeAt(end);
          if (c === d || c === 10 || c === 13) break;
          end++;
        }
        if (end > pos) {
          v += text.slice(pos, end);
          stray = true;
        }
        pos = end;
        fields.push(v);
      } else {
        let end = pos;
        while (end < len) {
          const c = text.charCodeAt(end);
          if (c === d || c === 10 || c === 13) break;
          end++;
        }
        fields.push(text.slice(pos, end));
        pos = end;
      }
      const c = text.charCodeAt(pos);
      if (c === d) {
        pos++;
        continue;
      }
      if (c === 13) pos++;
      if (text.charCodeAt(pos) === 10) pos++;
      line++;
      break;
    }
    // (a row with a quoted field longer than the cap is a fault however the text was cut)
    const tooLong = quoted && pos - rowStart > MAX_OPEN_QUOTE_CHARS;
    // the row reached the end of the text: the next piece may go on with it
    if (!final && pos >= len && !tooLong) return { pos: rowStart, line: startLine, stopped: false };
    // an unclosed quote, or one closed lines later in a row of the wrong shape or with characters
    // after a closing quote (the quote that closed it opened a field of a later line): its first
    // line is the bad row, and the lines it took are read again as rows of their own
    if (open || tooLong || (spanned && (stray || (shape.fields !== undefined && fields.length !== shape.fields)))) {
      const next = lineEndAfter(text, rowStart);
      if (onRow([], startLine, 'unterminated_quote') === false) return { pos: next, line: startLine + 1, stopped: true };
      pos = next;
      line = startLine + 1;
      continue;
    }
    const blank = fields.length === 1 && fields[0] === '';
    if (blank) continue;
    shape.fields ??= fields.length;
    if (onRow(fields, startLine) === false) return { pos, line, stopped: true };
  }
  return { pos, line, stopped: false };
}

/** Where the line holding `from` ends: after its `\n`, `\r\n` or `\r`, or the end of the text. */
function lineEndAfter(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) return i + 1;
    if (c === 13) return text.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
  }
  return text.length;
}
