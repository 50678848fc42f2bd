/**
 * Name variants real sources produce: homophone characters (same Pinyin, different
 * Hanzi), traditional characters, Pinyin-only renderings and swapped order.
 */
import { pinyin } from 'pinyin-pro';
import type { Rng } from '../random/rng.ts';

/** Common same-sound (toneless Pinyin) substitutions seen in registrations. */
// biome-ignore format: a table reads better packed
const HOMOPHONES: Record<string, string> = {
  伟: '玮炜韦', 丽: '莉俪立', 静: '婧敬靖', 军: '君均钧', 明: '铭鸣', 华: '桦骅', 峰: '锋丰枫', 林: '琳霖麟',
  杰: '洁捷', 涛: '韬滔', 磊: '蕾垒', 勇: '永泳', 艳: '燕彦雁', 娟: '鹃涓', 平: '萍苹', 芳: '方舫', 红: '宏虹鸿',
  文: '雯闻', 刚: '钢纲', 斌: '彬滨', 辉: '晖徽', 玲: '铃龄', 鹏: '朋', 宇: '雨语羽', 浩: '皓昊', 建: '健剑',
  晶: '京菁', 英: '莹瑛', 梅: '玫媚', 春: '椿', 兰: '岚澜', 云: '芸耘', 凤: '风峰', 霞: '侠', 敏: '民闵', 海: '亥',
  张: '章', 王: '汪', 刘: '柳', 杨: '阳', 黄: '皇', 吴: '武', 徐: '许', 陈: '晨', 李: '黎', 周: '舟',
  秀: '绣', 燕: '艳', 冰: '兵', 志: '智', 强: '蔷', 新: '鑫欣馨', 欣: '鑫新', 俊: '骏峻', 婷: '亭', 佳: '嘉家',
};

/** Simplified → traditional for characters common in names. */
// biome-ignore format: a table reads better packed
const TRADITIONAL: Record<string, string> = {
  张: '張', 刘: '劉', 陈: '陳', 杨: '楊', 黄: '黃', 赵: '趙', 吴: '吳', 孙: '孫', 马: '馬', 郑: '鄭', 冯: '馮',
  邓: '鄧', 韩: '韓', 许: '許', 苏: '蘇', 罗: '羅', 谢: '謝', 叶: '葉', 卢: '盧', 钟: '鍾', 贾: '賈', 龙: '龍',
  华: '華', 伟: '偉', 丽: '麗', 军: '軍', 红: '紅', 国: '國', 东: '東', 兰: '蘭', 凤: '鳳', 刚: '剛', 强: '強',
  涛: '濤', 鹏: '鵬', 辉: '輝', 艳: '艷', 飞: '飛', 云: '雲', 宝: '寶', 贵: '貴', 荣: '榮', 杰: '傑', 庆: '慶',
  义: '義', 兴: '興', 发: '發', 万: '萬', 学: '學', 丰: '豐', 凯: '凱', 静: '靜', 进: '進', 长: '長', 乐: '樂',
  爱: '愛', 宁: '寧', 欢: '歡', 阳: '陽', 顺: '順', 钢: '鋼', 锋: '鋒', 铭: '銘', 颖: '穎', 娇: '嬌', 汤: '湯',
  梦: '夢', 亚: '亞', 腾: '騰', 咏: '詠', 胜: '勝', 达: '達', 晓: '曉', 岚: '嵐', 邹: '鄒',
  韦: '韋', 萧: '蕭', 陆: '陸', 龚: '龔', 钱: '錢',
  贺: '賀', 乔: '喬', 谭: '譚', 蒋: '蔣', 吕: '呂', 园: '園', 娅: '婭',
  鸿: '鴻', 锦: '錦', 玮: '瑋', 泽: '澤', 枫: '楓', 宾: '賓', 
};

function singleCharMap(table: Record<string, string>): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of Object.entries(table)) if (k.length === 1 && v && v !== k) m.set(k, v);
  return m;
}
const HOMO = singleCharMap(HOMOPHONES);
const TRAD = singleCharMap(TRADITIONAL);

/**
 * Replace one character of a name with a same-sound character, if the name has one.
 * @returns the changed name, or null when no character has a homophone in the table
 */
export function homophoneVariant(rng: Rng, name: string): string | null {
  const positions = [...name].map((c, i) => (HOMO.has(c) ? i : -1)).filter((i) => i >= 0);
  if (positions.length === 0) return null;
  const chars = [...name];
  const i = rng.pick(positions);
  const options = HOMO.get(chars[i] as string) as string;
  chars[i] = [...options][rng.int([...options].length)] as string;
  return chars.join('');
}

/**
 * Traditional-character rendering of a name.
 * @returns the traditional form, or null when no character differs
 */
export function traditionalVariant(name: string): string | null {
  const out = [...name].map((c) => TRAD.get(c) ?? c).join('');
  return out === name ? null : out;
}

/** True when a traditional variant of the character exists in the table. */
export function hasTraditional(name: string): boolean {
  return [...name].some((c) => TRAD.has(c));
}

/**
 * Pinyin-only rendering as passports and foreign systems write it: `ZHANG Wei` style
 * (family name upper case) or `Wei Zhang` (given first), without tones.
 * @param familyLength number of characters of the family name (1 or 2; 0 for no surname)
 */
export function pinyinVariant(rng: Rng, name: string, familyLength: number): string {
  const clean = name.replace(/·/g, '');
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const py = (s: string) => (s ? cap(pinyin(s, { toneType: 'none', type: 'array', v: true }).join('')) : '');
  const fam = py(clean.slice(0, familyLength));
  const given = py(clean.slice(familyLength));
  if (!fam) return given.toUpperCase();
  return rng.chance(0.5) ? `${fam.toUpperCase()} ${given}` : `${given} ${fam}`;
}

/**
 * Family and given name swapped (given name first), as foreign-style forms produce.
 * @returns null for names without a surname
 */
export function swappedVariant(name: string, familyLength: number): string | null {
  if (familyLength === 0 || name.length <= familyLength) return null;
  return name.slice(familyLength) + name.slice(0, familyLength);
}

/** Characters often confused by shape (形近字) when a form is typed from handwriting. */
// biome-ignore format: a table reads better packed
const SHAPE_SIMILAR: Record<string, string> = {
  王: '玉', 玉: '王', 未: '末', 己: '已', 日: '曰', 土: '士', 人: '入', 大: '太', 天: '夫', 木: '本', 刀: '力',
  千: '干', 贝: '见', 侯: '候', 戌: '戍', 折: '拆', 徐: '涂', 杨: '扬', 张: '弦', 晴: '睛', 清: '请', 军: '车',
  明: '朋', 丽: '两', 辉: '挥', 凤: '风', 兰: '兴', 娟: '涓', 斌: '赋', 峰: '锋', 秀: '季', 建: '律', 文: '又',
  春: '舂', 宇: '字', 治: '冶', 杰: '朵', 梅: '悔', 海: '诲', 波: '坡', 玲: '铃', 华: '毕', 平: '乎', 宏: '宋',
};

/**
 * A typing error in a name: one character replaced by a look-alike (王→玉) or, for
 * three-character names, the last character dropped.
 * @returns the changed name, or null when the name offers no typo
 */
export function typoVariant(rng: Rng, name: string): string | null {
  const chars = [...name];
  const positions = chars.map((c, i) => (SHAPE_SIMILAR[c] ? i : -1)).filter((i) => i >= 0);
  if (positions.length > 0 && (chars.length !== 3 || rng.chance(0.7))) {
    const i = rng.pick(positions);
    chars[i] = SHAPE_SIMILAR[chars[i] as string] as string;
    return chars.join('');
  }
  if (chars.length === 3 && !name.includes('·')) return chars.slice(0, 2).join('');
  return null;
}
