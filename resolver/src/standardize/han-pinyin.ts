/**
 * Toneless Pinyin of Hanzi, one syllable per character (ü as v), exactly as pinyin-pro gives it
 * for the whole string, but remembered per character: names use a few thousand distinct
 * characters while the distinct names run into the hundreds of thousands, so a per-name memo
 * mostly misses. Only a character with a single toneless reading is read on its own; a string
 * with any other character (several readings, where the word or the surname position decides:
 * 单 dan/shan, 曾 ceng/zeng, 乐 le/yue; or no reading at all) is converted whole, as before.
 */
import { pinyin, polyphonic } from 'pinyin-pro';

const SURNAME_OPTS = { surname: 'head', toneType: 'none', type: 'array', v: true } as const;
const PLAIN_OPTS = { toneType: 'none', type: 'array', v: true, nonZh: 'removed' } as const;
const SYLLABLE = /^[a-z]+$/;

/** code point -> its one toneless reading, or null when the context can change it */
const readings = new Map<number, string | null>();

/** The character's one toneless reading, or null when it has several (or none). */
export function singleReading(ch: string): string | null {
  const cp = ch.codePointAt(0)!;
  let r = readings.get(cp);
  if (r === undefined) {
    const all = polyphonic(ch, { toneType: 'none', type: 'array', v: true })[0] ?? [];
    const one = all.length > 0 && all.every((x) => x === all[0]) ? all[0]! : '';
    // the surname and the plain reading of the character alone must agree with it too
    r =
      one && SYLLABLE.test(one) && pinyin(ch, SURNAME_OPTS)[0] === one && pinyin(ch, PLAIN_OPTS)[0] === one
        ? one
        : null;
    readings.set(cp, r);
  }
  return r;
}

/** Per-character readings of `s`, or undefined when one character needs the whole string. */
function perCharacter(s: string): string[] | undefined {
  const out: string[] = [];
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    const r = readings.get(cp) ?? (readings.has(cp) ? null : singleReading(s.slice(i, i + w)));
    if (r === null) return undefined;
    out.push(r);
    i += w;
  }
  return out;
}

/**
 * Syllables of a Hanzi-only name in surname mode (the head read as a surname: 单 -> shan).
 * @example surnamePinyin('张伟') // ['zhang', 'wei']
 */
export function surnamePinyin(hanzi: string): string[] {
  return perCharacter(hanzi) ?? pinyin(hanzi, SURNAME_OPTS);
}

/**
 * Pinyin of the Hanzi in `s` without spaces (other characters removed), not in surname mode.
 * @example plainPinyin('艾力') // 'aili'
 */
export function plainPinyin(s: string): string {
  if (!s) return '';
  return (perCharacter(s) ?? pinyin(s, PLAIN_OPTS)).join('');
}
