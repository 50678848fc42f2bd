/**
 * Names of ethnic minorities of Gansu that do not follow the surname + given-name
 * pattern: Tibetan names (Gannan, Tianzhu: no surname, often four characters) and
 * Kazakh / Uyghur names transliterated with a middle dot `·` between own name and
 * father's name (Aksay, Subei).
 */
import type { Rng } from '../random/rng.ts';

// biome-ignore format: a table reads better packed
const TIBETAN_PARTS = ['扎西', '才让', '多杰', '卓玛', '拉姆', '措', '东智', '尕藏', '索南', '旦正', '桑杰', '吉', '草', '加措', '仁青', '道吉', '贡保', '华旦', '完玛', '李毛'];
const TIBETAN_FEMALE = ['卓玛', '拉姆', '措', '草', '吉', '李毛'];
const KAZAKH_MALE = ['阿依别克', '努尔兰', '叶尔江', '哈力别克', '巴合提', '买买提', '艾力', '吐尔逊', '阿不都'];
const KAZAKH_FEMALE = ['阿依古丽', '古丽娜尔', '热依拉', '帕提玛', '加娜尔', '努尔古丽'];
const FATHER = ['吾拉孜别克', '吐尔逊', '阿不都热合曼', '哈森', '别克', '卡德尔', '艾买提', '努尔'];

/**
 * A Tibetan name (no surname).
 * @example tibetanName(rng, 'F') // '才让卓玛'
 */
export function tibetanName(rng: Rng, sex: 'M' | 'F'): string {
  const first = rng.pick(TIBETAN_PARTS.filter((p) => !TIBETAN_FEMALE.includes(p)));
  if (rng.chance(0.3)) return sex === 'F' ? rng.pick(TIBETAN_FEMALE) + rng.pick(TIBETAN_FEMALE) : first;
  return first + (sex === 'F' ? rng.pick(TIBETAN_FEMALE) : rng.pick(TIBETAN_PARTS));
}

/**
 * A Kazakh / Uyghur style name with a middle dot.
 * @example dottedName(rng, 'M') // '努尔兰·吐尔逊'
 */
export function dottedName(rng: Rng, sex: 'M' | 'F'): string {
  return `${rng.pick(sex === 'M' ? KAZAKH_MALE : KAZAKH_FEMALE)}·${rng.pick(FATHER)}`;
}
