import type { Lang } from './i18n.tsx';

/** A catalog source (or anything named in both languages) by its name in the UI language. */
export function localName(s: { nameZh: string; nameEn: string }, lang: Lang): string {
  return lang === 'zh' ? s.nameZh : s.nameEn;
}

/** A source id as its catalog name in the UI language; the id itself when the list lacks it. */
export function sourceName(
  list: readonly { id: string; nameZh: string; nameEn: string }[],
  id: string,
  lang: Lang,
): string {
  const s = list.find((x) => x.id === id);
  return s ? localName(s, lang) : id;
}
