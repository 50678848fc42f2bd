/**
 * A small RFC 4180 CSV parser that reports the 1-based line each row starts on (quoted
 * fields may span lines). Faster than a general-purpose parser for the simple files sources
 * deliver, and it never throws: an unterminated quote ends the row at end of input.
 */

/**
 * @param onRow called per row with its fields and starting line; return false to stop
 */
export function parseCsv(
  text: string,
  delimiter: string,
  onRow: (fields: string[], line: number) => boolean | undefined,
): void {
  parseCsvFrom(text, text.charCodeAt(0) === 0xfeff ? 1 : 0, 1, true, delimiter, onRow);
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

  constructor(
    private readonly delimiter: string,
    private readonly onRow: (fields: string[], line: number) => boolean | undefined,
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
    const r = parseCsvFrom(text, pos, this.line, final, this.delimiter, this.onRow);
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
 * unparsed (its last field, or its line end, may go on in the next piece).
 * @returns where parsing stopped, the line there, and whether `onRow` asked to stop
 */
function parseCsvFrom(
  text: string,
  start: number,
  firstLine: number,
  final: boolean,
  delimiter: string,
  onRow: (fields: string[], line: number) => boolean | undefined,
): { pos: number; line: number; stopped: boolean } {
  const len = text.length;
  const d = delimiter.charCodeAt(0);
  let pos = start;
  let line = firstLine;
  while (pos < len) {
    const rowStart = pos;
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      if (text.charCodeAt(pos) === 34) {
        // quoted field
        pos++;
        let v = '';
        let from = pos;
        for (;;) {
          const q = text.indexOf('"', pos);
          if (q < 0) {
            v += text.slice(from);
            pos = len;
            break;
          }
          for (let i = pos; i < q; i++) if (text.charCodeAt(i) === 10) line++;
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
        if (end > pos) v += text.slice(pos, end);
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
    // the row reached the end of the text: the next piece may go on with it
    if (!final && pos >= len) return { pos: rowStart, line: startLine, stopped: false };
    const blank = fields.length === 1 && fields[0] === '';
    if (!blank && onRow(fields, startLine) === false) return { pos, line, stopped: true };
  }
  return { pos, line, stopped: false };
}
