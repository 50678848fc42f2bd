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
  const len = text.length;
  const d = delimiter.charCodeAt(0);
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (pos < len) {
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
    const blank = fields.length === 1 && fields[0] === '';
    if (!blank && onRow(fields, startLine) === false) return;
  }
}
