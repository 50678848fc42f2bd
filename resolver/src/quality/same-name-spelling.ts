/**
 * Whether two spellings of a person's name are the same name: equal after standardization
 * (traditional Hanzi converted to simplified), or one written in Pinyin/Latin letters only and
 * the other's Pinyin the same (family and given name in either order). Two different Hanzi
 * spellings stay different, homophones included: that is a real conflict.
 */
import { standardizePersonName } from '../standardize/person-name.ts';

/**
 * @param a one spelling as delivered or standardized
 * @param b the other
 * @returns true when only the script or the character set differs
 * @example
 * sameNameSpelling('張偉', '张伟') // true: traditional
 * sameNameSpelling('ZHANG WEI', '张伟') // true: Pinyin only
 * sameNameSpelling('张炜', '张伟') // false: a homophone in Hanzi is another name
 */
export function sameNameSpelling(a: string, b: string): boolean {
  if (a === b) return true;
  const x = standardizePersonName(a);
  const y = standardizePersonName(b);
  if (!x || !y) return false;
  if (x.name === y.name) return true;
  if (x.script === y.script) return false;
  const keys = (p: { pyFamily: string; pyGiven: string }) => [p.pyFamily + p.pyGiven, p.pyGiven + p.pyFamily];
  const ky = keys(y);
  return keys(x).some((k) => k.length > 0 && ky.includes(k));
}
