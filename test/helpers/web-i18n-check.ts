/**
 * The untranslated-string check of the web tests (issue 16, item 7): reads every piece of UI text
 * a user sees on the current page — text nodes, option labels, placeholders, aria labels — and
 * reports raw codes (camelCase field names, snake_case kinds, UPPER_SNAKE types, ISO durations,
 * low/high), English in the Chinese UI and Chinese in the English UI.
 *
 * Data shown as recorded — names, addresses, unit names, identifiers, hashes, routes — is not UI
 * text: the app marks it with `data-raw` (or shows it in `.mono`, `code`, `pre`, form fields).
 */
import type { Page } from 'playwright-core';

export interface TextProblem {
  screen: string;
  text: string;
  why: string;
}

/** Latin words allowed in the Chinese UI: the brand, the time zone, the other language's name, format and unit names (a drawn area is pasted as GeoJSON). */
const ZH_LATIN_OK = new Set(['OneMap', 'UTC', 'English', 'HTTP', 'ID', 'km', 'GeoJSON']);
/** Chinese allowed in the English UI: only the switch back to Chinese. */
const EN_HAN_OK = new Set(['中文']);

const RAW: [RegExp, string][] = [
  [/\b[a-z]+[A-Z][A-Za-z]*\b/, 'camelCase code'],
  [/\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/, 'snake_case code'],
  [/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/, 'UPPER_SNAKE code'],
  [/\bP(?:T)?\d+[YMWDHS]\b/, 'ISO 8601 duration'],
  [/\b(?:low|high|true|false|null|undefined|NaN|Invalid Date)\b/, 'raw value'],
];

/** Visible UI strings of the page, each with the test id of the nearest marked ancestor. */
export async function uiStrings(page: Page): Promise<{ text: string; where: string }[]> {
  return page.evaluate(() => {
    const SKIP = 'script,style,noscript,.mono,code,pre,input,textarea,[data-raw],.maplibregl-ctrl-attrib';
    const out: { text: string; where: string }[] = [];
    const where = (el: Element | null) =>
      el?.closest('[data-testid]')?.getAttribute('data-testid') ?? el?.tagName.toLowerCase() ?? '';
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      const text = (n.textContent ?? '').trim();
      if (!el || !text || el.closest(SKIP)) continue;
      const isOption = el.tagName === 'OPTION';
      // SVG text (charts) has no offsetParent: visible when it takes space.
      const shown =
        el instanceof SVGElement
          ? el.getBoundingClientRect().width > 0
          : Boolean((el as HTMLElement).offsetParent) || getComputedStyle(el).position === 'fixed';
      if (!isOption && !shown) continue;
      out.push({ text, where: where(el) });
    }
    for (const el of document.querySelectorAll('[placeholder],[aria-label]')) {
      if (el.closest('[data-raw]')) continue;
      for (const a of ['placeholder', 'aria-label']) {
        const v = el.getAttribute(a);
        if (v && !/^[A-Z0-9]{6,}$/.test(v)) out.push({ text: v, where: `${where(el)}@${a}` });
      }
    }
    return out;
  });
}

/** Problems with the page's UI strings in the given language. */
export async function untranslated(page: Page, lang: 'zh' | 'en', screen: string): Promise<TextProblem[]> {
  const problems: TextProblem[] = [];
  for (const { text, where } of await uiStrings(page)) {
    const at = `${screen} [${where}]`;
    for (const [re, why] of RAW) if (re.test(text)) problems.push({ screen: at, text, why });
    if (lang === 'zh') {
      const latin = (text.match(/[A-Za-z]{3,}/g) ?? []).filter((w) => !ZH_LATIN_OK.has(w));
      if (latin.length) problems.push({ screen: at, text, why: `English in the Chinese UI: ${latin.join(' ')}` });
    } else if (/\p{Script=Han}/u.test(text) && !EN_HAN_OK.has(text)) {
      problems.push({ screen: at, text, why: 'Chinese in the English UI' });
    }
  }
  return problems;
}
