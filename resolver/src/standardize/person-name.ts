/**
 * Person names, Hanzi or Latin script, to comparable parts:
 * - Hanzi: traditional to simplified (opencc-js), family/given split (compound surnames such
 *   as 欧阳, 司马), Pinyin in surname mode (单 -> shan, 曾 -> zeng) via pinyin-pro;
 * - ethnic-minority and transliterated names with a middle dot (买买提·艾力): first part given,
 *   last part family, every dot variant normalized to `·`;
 * - Latin script (passports, foreign guests, Pinyin-only): diacritics removed, upper-case,
 *   `FAMILY, Given`, `FAMILY/GIVEN`, MRZ `FAMILY<<GIVEN` or `Given Family`.
 * Results are memoized per distinct input, and the Pinyin per character (`han-pinyin.ts`):
 * pinyin-pro is the slowest step of standardizing.
 */
import * as OpenCC from 'opencc-js';
import { pinyin } from 'pinyin-pro';
import { BoundedMemo } from './bounded-memo.ts';
import { plainPinyin, surnamePinyin } from './han-pinyin.ts';
import { cleanText, SEPARATOR_DOTS } from './text.ts';

export interface PersonName {
  script: 'han' | 'latin';
  /** Display form: simplified Hanzi (with `·` for minority names) or `GIVEN FAMILY` upper-case. */
  name: string;
  family: string;
  given: string;
  /** Lower-case toneless Pinyin (or Latin letters) without spaces, ü as v. */
  pyFamily: string;
  pyGiven: string;
  /** `traditional_converted`, `mixed_script`, `minority_dot`. */
  notes: string[];
}

const toSimplified = OpenCC.Converter({ from: 't', to: 'cn' });

const COMPOUND_SURNAMES = new Set(
  '欧阳 太史 端木 上官 司马 东方 独孤 南宫 万俟 闻人 夏侯 诸葛 尉迟 公羊 赫连 澹台 皇甫 宗政 濮阳 公冶 太叔 申屠 公孙 慕容 仲孙 钟离 长孙 宇文 司徒 鲜于 司空 闾丘 子车 亓官 司寇 巫马 公西 颛孙 壤驷 公良 漆雕 乐正 宰父 谷梁 拓跋 夹谷 轩辕 令狐 段干 百里 呼延 东郭 南门 羊舌 微生 公户 公玉 公仪 梁丘 公仲 公上 公门 公山 公坚 左丘 公伯 西门 公祖 第五 公乘 贯丘 公皙 南荣 东里 东宫 仲长 子书 子桑 即墨 达奚 褚师'.split(
    ' ',
  ),
);
const HAN = /^[\u3400-\u9fff\uf900-\ufaff\u{20000}-\u{2ebef}·]+$/u;
const HAS_HAN = /[\u3400-\u9fff]/;

const cache = new BoundedMemo<PersonName>();

const py = plainPinyin;

function hanName(raw: string): PersonName {
  const notes: string[] = [];
  const compact = raw.replace(/\s+/g, '').replace(SEPARATOR_DOTS, '·');
  const simp = toSimplified(compact);
  if (simp !== compact) notes.push('traditional_converted');
  if (!HAN.test(simp)) notes.push('mixed_script');
  const cleaned = simp.replace(/[^\u3400-\u9fff\uf900-\ufaff\u{20000}-\u{2ebef}·]/gu, '');
  if (cleaned.includes('·')) {
    notes.push('minority_dot');
    const parts = cleaned.split('·').filter(Boolean);
    const family = parts.length > 1 ? parts[parts.length - 1]! : '';
    const given = parts.length > 1 ? parts.slice(0, -1).join('·') : (parts[0] ?? '');
    return { script: 'han', name: parts.join('·'), family, given, pyFamily: py(family), pyGiven: py(given), notes };
  }
  const famLen = cleaned.length > 2 && COMPOUND_SURNAMES.has(cleaned.slice(0, 2)) ? 2 : 1;
  const syl = surnamePinyin(cleaned);
  const family = cleaned.slice(0, famLen);
  const given = cleaned.slice(famLen);
  return {
    script: 'han',
    name: cleaned,
    family,
    given,
    pyFamily: syl.slice(0, famLen).join(''),
    pyGiven: syl.slice(famLen).join(''),
    notes,
  };
}

function latinLetters(s: string, keepCase = false): string {
  // ü is Pinyin's v (Lü Wei is 吕伟, lv): without its dots it would be another syllable
  const t = s.replace(/ü/g, 'v').replace(/Ü/g, 'V').normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  return (keepCase ? t : t.toUpperCase()).replace(/[^A-Za-z ,/<'-]/g, ' ');
}

function pyLatin(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z]/g, '')
    .replace(/^(l|n)yu/, '$1v');
}

/** Chinese syllable check used to read `ZHANG SAN` (family first) vs `John Smith` (family last). */
const PINYIN_SYLLABLE =
  /^(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?(?:iang|iong|uang|ang|eng|ing|ong|uai|ian|iao|uan|van|ai|ei|ao|ou|an|en|er|in|un|vn|ia|ie|iu|ua|uo|ue|ve|ui|a|e|i|o|u|v)$/;
const COMMON_PINYIN_SURNAMES = new Set(
  'wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng liang xie song tang han feng deng cao peng zeng xiao tian dong yuan pan yu jiang cai jia ding wei xue ye yan lu lv du dai xia zhong qiu jin shi tan fu fan fang kong bai cui kang mao qin shen gu meng ouyang sima zhuge'.split(
    ' ',
  ),
);

const SURNAMES_LONGEST_FIRST = [...COMMON_PINYIN_SURNAMES].sort((a, b) => b.length - a.length);

function isPinyinWord(w: string): boolean {
  // (LYU, NYU: the passport spelling of lü, nü)
  return w === '' || pinyinSyllables(w.replace(/^(l|n)yu/i, '$1v')) > 0;
}

/** How many Pinyin syllables `w` splits into (greedy, longest first), or 0 if it is not Pinyin. */
function pinyinSyllables(w: string): number {
  const s = w.toLowerCase();
  let n = 0;
  for (let i = 0; i < s.length; n++) {
    let len = Math.min(6, s.length - i);
    while (len >= 1 && !PINYIN_SYLLABLE.test(s.slice(i, i + len))) len--;
    if (len < 1) return 0;
    i += len;
  }
  return n;
}

/** A common surname's Pinyin (longest first) at the start of one word, then one or two syllables: [family, given]. */
function oneWordPinyin(word: string): [string, string] | null {
  const w = word.toLowerCase();
  for (const sur of SURNAMES_LONGEST_FIRST) {
    if (w.length <= sur.length || !w.startsWith(sur)) continue;
    const rest = w.slice(sur.length);
    // (a syllable after another never begins with a vowel unwritten: LIANG is no LI ANG)
    if (/^[aeiouv]/.test(rest)) continue;
    const n = pinyinSyllables(rest);
    if (n >= 1 && n <= 2) return [word.slice(0, sur.length), word.slice(sur.length)];
  }
  return null;
}

function latinName(raw: string, order?: 'family_first' | 'given_first'): PersonName {
  const s = latinLetters(raw).trim();
  let family = '';
  let given = '';
  const split = /<<|,|\//.exec(s);
  if (split) {
    family = s.slice(0, split.index).replace(/</g, ' ').trim();
    given = s
      .slice(split.index + split[0].length)
      .replace(/[<,/]/g, ' ')
      .trim();
  } else {
    const cased = latinLetters(raw, true).trim().split(/\s+/).filter(Boolean);
    const toks = s.split(/\s+/).filter(Boolean);
    if (toks.length === 1) {
      // one Pinyin word (ZHANGSAN): a known surname and one or two syllables after it are a name
      // written without its space; anything else (a minority name, a nickname) stays given only
      const split = oneWordPinyin(toks[0]!);
      if (split) [family, given] = split;
      else given = toks[0]!;
    } else {
      const first = pyLatin(toks[0]!);
      const last = pyLatin(toks[toks.length - 1]!);
      // One all-capitals token is the family name (`ZHANG Wei`, `Wei ZHANG`); otherwise Pinyin
      // names read family first when the first token is a known surname, Western names family last.
      const caps = cased.map((t) => t.length > 1 && t === t.toUpperCase() && t !== t.toLowerCase());
      const capsCount = caps.filter(Boolean).length;
      const familyFirst =
        order === 'family_first' ||
        (order !== 'given_first' &&
          (capsCount === 1 && capsCount < toks.length
            ? caps[0] === true
            : toks.every((t) => isPinyinWord(t.replace(/['-]/g, ''))) &&
              (COMMON_PINYIN_SURNAMES.has(first) || !COMMON_PINYIN_SURNAMES.has(last))));
      if (familyFirst) {
        family = toks[0]!;
        given = toks.slice(1).join(' ');
      } else {
        family = toks[toks.length - 1]!;
        given = toks.slice(0, -1).join(' ');
      }
    }
  }
  family = family.replace(/\s+/g, ' ');
  given = given.replace(/\s+/g, ' ');
  return {
    script: 'latin',
    name: [given, family].filter(Boolean).join(' '),
    family,
    given,
    pyFamily: pyLatin(family),
    pyGiven: pyLatin(given),
    notes: [],
  };
}

/**
 * Standardize one full name (`name`) written in any script.
 * @param order hint for Latin names without a separator (`family_first` for Pinyin data)
 * @example standardizePersonName('歐陽修').pyFamily // 'ouyang'
 */
export function standardizePersonName(
  rawValue: string | undefined,
  order?: 'family_first' | 'given_first',
): PersonName | null {
  const s = cleanText(rawValue);
  if (!s) return null;
  const ck = order ? `${order}|${s}` : s;
  const hit = cache.get(ck);
  if (hit) return hit;
  const r = HAS_HAN.test(s) ? hanName(s) : latinName(s, order);
  if (!r.pyFamily && !r.pyGiven) return null;
  cache.set(ck, r);
  return r;
}

/** Names delivered as separate family and given columns (FEBRL-style data, passports). */
export function standardizeNameParts(familyRaw: string | undefined, givenRaw: string | undefined): PersonName | null {
  const f = cleanText(familyRaw);
  const g = cleanText(givenRaw);
  if (!f && !g) return null;
  if (HAS_HAN.test(f) || HAS_HAN.test(g)) {
    const fam = f ? hanName(f) : null;
    const giv = g ? hanName(g) : null;
    const family = fam?.name ?? '';
    const given = giv?.name ?? '';
    return {
      script: 'han',
      name: family + given,
      family,
      given,
      // (a family name read as one: 单 is shan, 曾 zeng, 尉迟 yuchi)
      pyFamily: fam ? surnamePinyin(fam.name).join('') : '',
      pyGiven: giv ? py(giv.name) : '',
      notes: [...(fam?.notes ?? []), ...(giv?.notes ?? [])],
    };
  }
  const family = latinLetters(f).replace(/[,/<]/g, ' ').replace(/\s+/g, ' ').trim();
  const given = latinLetters(g).replace(/[,/<]/g, ' ').replace(/\s+/g, ' ').trim();
  return {
    script: 'latin',
    name: [given, family].filter(Boolean).join(' '),
    family,
    given,
    pyFamily: pyLatin(family),
    pyGiven: pyLatin(given),
    notes: [],
  };
}

const initialsCache = new Map<string, string>();

/**
 * Pinyin initials of a Hanzi name in surname mode, lower-case (张小明 → zxm, 单田芳 → stf), for
 * searching by initials; '' when the name has no Hanzi. Memoized.
 * @example pinyinInitials('张伟') // 'zw'
 */
export function pinyinInitials(name: string): string {
  if (!HAS_HAN.test(name)) return '';
  let v = initialsCache.get(name);
  if (v === undefined) {
    const hanzi = [...name].filter((c) => HAS_HAN.test(c)).join('');
    v = pinyin(hanzi, { pattern: 'first', toneType: 'none', type: 'array', surname: 'head' }).join('').toLowerCase();
    if (initialsCache.size > 100_000) initialsCache.clear();
    initialsCache.set(name, v);
  }
  return v;
}
