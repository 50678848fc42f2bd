/** Passports, generic national ids, e-mail, sex, nationality, postcodes. */
import { alnumUpper, cleanText, type StdResult } from './text.ts';

/**
 * Passport numbers: upper-case alphanumerics, 5-20 characters, at least one digit.
 * Chinese ordinary passports (`E12345678`, `EA1234567`, `G12345678`) are recognised; other
 * countries' numbers are accepted by shape only (there is no public check digit on the number).
 */
export function standardizePassport(rawValue: string | undefined): StdResult {
  const s = alnumUpper(cleanText(rawValue));
  if (!s) return { ok: false, reason: 'empty', raw: s };
  if (s.length < 5 || s.length > 20 || !/\d/.test(s)) return { ok: false, reason: 'bad_passport_format', raw: s };
  return { ok: true, value: s };
}

/** A generic national id without a known checksum: alphanumerics, 4-24 characters. */
export function standardizeNationalId(rawValue: string | undefined): StdResult {
  const s = alnumUpper(cleanText(rawValue));
  if (!s) return { ok: false, reason: 'empty', raw: s };
  if (s.length < 4 || s.length > 24) return { ok: false, reason: 'bad_length', raw: s };
  return { ok: true, value: s };
}

export function standardizeEmail(rawValue: string | undefined): StdResult {
  const s = cleanText(rawValue).toLowerCase().replace(/\s/g, '');
  if (!s) return { ok: false, reason: 'empty', raw: s };
  if (!/^[^@]+@[^@]+\.[a-z]{2,}$/.test(s)) return { ok: false, reason: 'bad_email', raw: s };
  return { ok: true, value: s };
}

const SEX: Record<string, string> = {
  M: 'M',
  MALE: 'M',
  '1': 'M',
  男: 'M',
  男性: 'M',
  F: 'F',
  FEMALE: 'F',
  '2': 'F',
  女: 'F',
  女性: 'F',
  W: 'F',
};

/** Sex to `M` / `F` (GB/T 2261.1 codes 1/2, 男/女, M/F/male/female). */
export function standardizeSex(rawValue: string | undefined): StdResult {
  const s = cleanText(rawValue).toUpperCase();
  if (!s) return { ok: false, reason: 'empty', raw: s };
  const v = SEX[s];
  return v ? { ok: true, value: v } : { ok: false, reason: 'unknown_sex_code', raw: s };
}

const NATIONALITY: Record<string, string> = {
  CN: 'CHN',
  CHN: 'CHN',
  CHINA: 'CHN',
  中国: 'CHN',
  中华人民共和国: 'CHN',
  HK: 'HKG',
  HKG: 'HKG',
  香港: 'HKG',
  MO: 'MAC',
  MAC: 'MAC',
  澳门: 'MAC',
  TW: 'TWN',
  TWN: 'TWN',
  台湾: 'TWN',
  US: 'USA',
  USA: 'USA',
  美国: 'USA',
  GB: 'GBR',
  GBR: 'GBR',
  UK: 'GBR',
  英国: 'GBR',
  JP: 'JPN',
  JPN: 'JPN',
  日本: 'JPN',
  KR: 'KOR',
  KOR: 'KOR',
  韩国: 'KOR',
  RU: 'RUS',
  RUS: 'RUS',
  俄罗斯: 'RUS',
  DE: 'DEU',
  DEU: 'DEU',
  德国: 'DEU',
  FR: 'FRA',
  FRA: 'FRA',
  法国: 'FRA',
  VN: 'VNM',
  VNM: 'VNM',
  越南: 'VNM',
  TH: 'THA',
  THA: 'THA',
  泰国: 'THA',
  MY: 'MYS',
  MYS: 'MYS',
  马来西亚: 'MYS',
  SG: 'SGP',
  SGP: 'SGP',
  新加坡: 'SGP',
  AU: 'AUS',
  AUS: 'AUS',
  澳大利亚: 'AUS',
  CA: 'CAN',
  CAN: 'CAN',
  加拿大: 'CAN',
  IN: 'IND',
  IND: 'IND',
  印度: 'IND',
  PK: 'PAK',
  PAK: 'PAK',
  巴基斯坦: 'PAK',
  MN: 'MNG',
  MNG: 'MNG',
  蒙古: 'MNG',
  KZ: 'KAZ',
  KAZ: 'KAZ',
  哈萨克斯坦: 'KAZ',
  MM: 'MMR',
  MMR: 'MMR',
  缅甸: 'MMR',
  LA: 'LAO',
  LAO: 'LAO',
  老挝: 'LAO',
  PH: 'PHL',
  PHL: 'PHL',
  菲律宾: 'PHL',
  ID: 'IDN',
  IDN: 'IDN',
  印度尼西亚: 'IDN',
  IT: 'ITA',
  ITA: 'ITA',
  意大利: 'ITA',
  ES: 'ESP',
  ESP: 'ESP',
  西班牙: 'ESP',
  NG: 'NGA',
  NGA: 'NGA',
  尼日利亚: 'NGA',
  BR: 'BRA',
  BRA: 'BRA',
  巴西: 'BRA',
};

/** Nationality to ISO 3166 alpha-3 where known; other 3-letter codes pass through. */
export function standardizeNationality(rawValue: string | undefined): StdResult {
  const s = cleanText(rawValue).toUpperCase();
  if (!s) return { ok: false, reason: 'empty', raw: s };
  const v = NATIONALITY[s] ?? NATIONALITY[s.replace(/\s/g, '')];
  if (v) return { ok: true, value: v };
  if (/^[A-Z]{3}$/.test(s)) return { ok: true, value: s };
  return { ok: false, reason: 'unknown_nationality', raw: s };
}

/** Postcodes: upper-case alphanumerics (any country); Chinese postcodes are 6 digits. */
export function standardizePostcode(rawValue: string | undefined): StdResult {
  const s = alnumUpper(cleanText(rawValue));
  if (!s) return { ok: false, reason: 'empty', raw: s };
  if (s.length < 3 || s.length > 10) return { ok: false, reason: 'bad_postcode', raw: s };
  return { ok: true, value: s };
}
