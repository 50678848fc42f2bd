import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { en, type MessageKey, zh } from './messages.ts';

export type Lang = 'zh' | 'en';

interface I18n {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: (key: MessageKey) => string;
}

const Ctx = createContext<I18n>({ lang: 'zh', setLang: () => {}, t: (k) => zh[k] });

/** Chinese by default; the choice is kept in localStorage. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem('onemap.lang') === 'en' ? 'en' : 'zh'));
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem('onemap.lang', l);
    document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
    setLangState(l);
  }, []);
  const value = useMemo<I18n>(() => ({ lang, setLang, t: (k) => (lang === 'zh' ? zh[k] : en[k]) }), [lang, setLang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  return useContext(Ctx);
}

/**
 * A catalog value (`rel.OWNS`, `kind.Person`) in the current language; a value the catalog does
 * not know yet is shown as it came, never as a broken key.
 */
export function translateValue(t: I18n['t'], prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  if (key in zh) return t(key as MessageKey);
  // an invalid value kept as delivered (`residentIdRaw`) or a masked one (`residentIdMasked`):
  // the attribute's name and what it is
  const kept = prefix === 'field' ? /^(.+)(Raw|Masked)$/.exec(value) : null;
  if (kept && `field.${kept[1]}` in zh)
    return `${t(`field.${kept[1]}` as MessageKey)}${t(kept[2] === 'Raw' ? 'field.suffix.raw' : 'field.suffix.masked')}`;
  return value;
}
