/**
 * Chinese vehicle plates (GA 36): province character, issuing-authority letter, 5 characters
 * (6 for new-energy plates), letters I and O never used. Output upper-case without
 * separators: `京A12345`, `粤B D12345` -> `粤BD12345`.
 */
import { cleanText, SEPARATOR_DOTS, type StdResult } from './text.ts';

const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
const PLATE = new RegExp(
  `^[${PROVINCES}][A-HJ-NP-Z](?:[A-HJ-NP-Z0-9]{5}|[A-HJ-NP-Z0-9]{4}[挂学警港澳领]|[DF][A-HJ-NP-Z0-9]{5}|[A-HJ-NP-Z0-9]{5}[DF])$`,
);
const SPECIAL = /^(?:WJ\d{2}[0-9A-Z]{5}|使\d{6}|[\d]{3}\d{3}使)$/;

/**
 * A plate's colour written with it, before or after (`蓝甘A12345`, `甘A12345黄`, `甘A12345(蓝)`,
 * `甘A12345蓝色`): checkpoint systems send it so. It is not part of the plate number (`黑` before a
 * letter is Heilongjiang's plate, not a colour: a colour is only taken off when what is left is a plate).
 */
const COLOUR = '(?:渐变绿|黄绿|蓝|黄|白|黑|绿)色?(?:牌|车牌)?';
const COLOUR_FIRST = new RegExp(`^${COLOUR}`);
const COLOUR_LAST = new RegExp(`[(\\[]?${COLOUR}[)\\]]?$`);
const isPlate = (s: string) => PLATE.test(s) || SPECIAL.test(s);

/** @example standardizePlate('浙a·12345') // { ok: true, value: '浙A12345' } */
export function standardizePlate(rawValue: string | undefined): StdResult {
  const s = cleanText(rawValue).toUpperCase().replace(/\s/g, '').replace(SEPARATOR_DOTS, '');
  if (!s) return { ok: false, reason: 'empty', raw: s };
  if (isPlate(s)) return { ok: true, value: s };
  const first = s.replace(COLOUR_FIRST, '');
  for (const t of [first, s.replace(COLOUR_LAST, ''), first.replace(COLOUR_LAST, '')]) {
    if (t !== s && isPlate(t)) return { ok: true, value: t };
  }
  if (/[IO]/.test(s.slice(1))) return { ok: false, reason: 'letter_I_or_O', raw: s };
  return { ok: false, reason: 'bad_plate_format', raw: s };
}

const VIN_MAP: Record<string, number> = {};
'0123456789'.split('').forEach((c, i) => {
  VIN_MAP[c] = i;
});
const VIN_LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';
const VIN_VALUES = [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9];
VIN_LETTERS.split('').forEach((c, i) => {
  VIN_MAP[c] = VIN_VALUES[i]!;
});
const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/**
 * Vehicle identification number (ISO 3779; GB 16735 makes the 9th-position check digit
 * mandatory in China).
 */
export function standardizeVin(rawValue: string | undefined): StdResult {
  const s = cleanText(rawValue).toUpperCase().replace(/[\s-]/g, '');
  if (!s) return { ok: false, reason: 'empty', raw: s };
  if (!/^[A-HJ-NPR-Z0-9]{17}$/.test(s)) return { ok: false, reason: 'bad_vin_format', raw: s };
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (VIN_MAP[s[i]!] ?? 0) * VIN_WEIGHTS[i]!;
  const r = sum % 11;
  const check = r === 10 ? 'X' : String(r);
  if (s[8] !== check) return { ok: false, reason: 'bad_check_digit', raw: s, checksum: true };
  return { ok: true, value: s };
}
