/** Organization and place names: simplified, full-width folded, legal-form suffixes set aside for matching. */
import * as OpenCC from 'opencc-js';
import { cleanText } from './text.ts';

const toSimplified = OpenCC.Converter({ from: 't', to: 'cn' });
const LEGAL_FORMS =
  /(股份有限公司|有限责任公司|有限公司|集团公司|公司|合伙企业|个体工商户|工作室|经营部|商行|门市部|CO\s*LTD|CORPORATION|CORP|INC|LLC|LTD|LIMITED|GMBH|PTY)$/;

/** @returns `name` (display) and `nameKey` (compact form without legal-form suffix and punctuation). */
export function standardizeOrgName(rawValue: string | undefined): { name: string; nameKey: string } | null {
  const s = cleanText(rawValue);
  if (!s) return null;
  const name = toSimplified(s).replace(/（/g, '(').replace(/）/g, ')');
  const compact = name.toUpperCase().replace(/[\s()（）.,·\-'"&]/g, '');
  const nameKey = compact.replace(LEGAL_FORMS, '') || compact;
  return { name, nameKey };
}

/** Place names (hotels, internet cafés, stations): same folding as organizations, suffix kept. */
export function standardizePlaceName(rawValue: string | undefined): { name: string; nameKey: string } | null {
  const s = cleanText(rawValue);
  if (!s) return null;
  const name = toSimplified(s).replace(/（/g, '(').replace(/）/g, ')');
  return { name, nameKey: name.toUpperCase().replace(/[\s()（）.,·\-'"&]/g, '') };
}
