/**
 * Han Chinese names: surnames with approximate national frequencies (per mille, from
 * the public census-based rankings, with 马 raised for Gansu's Hui population) and
 * common given-name characters by sex.
 */
import { type Rng, WeightedTable } from '../random/rng.ts';

// biome-ignore format: a table reads better packed
const SURNAMES: [string, number][] = [
  ['王', 71], ['李', 70], ['张', 67], ['刘', 54], ['陈', 45], ['杨', 31], ['赵', 23], ['黄', 22], ['周', 17],
  ['吴', 16], ['徐', 13], ['孙', 13], ['胡', 12], ['朱', 11], ['高', 11], ['林', 10], ['何', 10], ['郭', 10],
  ['马', 25], ['罗', 8], ['梁', 8], ['宋', 7], ['郑', 7], ['谢', 6], ['韩', 6], ['唐', 6], ['冯', 6], ['于', 5],
  ['董', 5], ['萧', 5], ['程', 5], ['曹', 5], ['袁', 5], ['邓', 5], ['许', 5], ['傅', 4], ['沈', 4], ['曾', 4],
  ['彭', 4], ['吕', 4], ['苏', 4], ['卢', 4], ['蒋', 4], ['蔡', 4], ['贾', 4], ['丁', 4], ['魏', 4], ['薛', 3],
  ['叶', 3], ['阎', 3], ['余', 3], ['潘', 3], ['杜', 3], ['戴', 3], ['夏', 3], ['钟', 3], ['汪', 3], ['田', 3],
  ['任', 3], ['姜', 3], ['范', 3], ['方', 3], ['石', 3], ['姚', 3], ['谭', 3], ['廖', 3], ['邹', 3], ['熊', 3],
  ['金', 3], ['陆', 3], ['郝', 3], ['孔', 3], ['白', 3], ['崔', 3], ['康', 3], ['毛', 3], ['邱', 3], ['秦', 3],
  ['江', 2], ['史', 2], ['顾', 2], ['侯', 2], ['邵', 2], ['孟', 2], ['龙', 2], ['万', 2], ['段', 2], ['雷', 2],
  ['钱', 2], ['汤', 2], ['尹', 2], ['黎', 2], ['易', 2], ['常', 2], ['武', 2], ['乔', 2], ['贺', 2], ['赖', 2],
  ['龚', 2], ['文', 2], ['牛', 2], ['安', 2], ['令狐', 0.3], ['欧阳', 0.5], ['司马', 0.2], ['上官', 0.2],
];

const MALE_CHARS =
  '伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘';
const FEMALE_CHARS =
  '秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝丽';

const surnameTable = new WeightedTable(SURNAMES);

/** A surname drawn by frequency. */
export function pickSurname(rng: Rng): string {
  return surnameTable.pick(rng);
}

/**
 * A given name of one or two characters (about 1 in 6 single).
 * @param sex 'M' or 'F' selects the character pool
 */
export function pickGivenName(rng: Rng, sex: 'M' | 'F'): string {
  const pool = sex === 'M' ? MALE_CHARS : FEMALE_CHARS;
  const a = pool[rng.int(pool.length)] as string;
  if (rng.chance(0.16)) return a;
  let b = pool[rng.int(pool.length)] as string;
  if (b === a && rng.chance(0.7)) b = pool[rng.int(pool.length)] as string;
  return a + b;
}
