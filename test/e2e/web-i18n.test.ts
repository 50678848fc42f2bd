/**
 * Every screen of every role, in Chinese and in English, shows only catalog text (issue 16,
 * item 7): no raw codes, no English in the Chinese UI, no Chinese in the English UI, no server
 * message instead of the catalog's text for its code. The officer and analyst walk includes a
 * search, its hits and a profile, where field names and relation types are shown.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebFixture, type WebFixture } from '../helpers/web-app.ts';
import { openPage, shot } from '../helpers/web-browser.ts';
import { type TextProblem, untranslated } from '../helpers/web-i18n-check.ts';
import { WEB_PASSWORD, WEB_USERS } from '../helpers/web-seed.ts';
import { busiestTraveller } from '../helpers/web-subjects.ts';

let fx: WebFixture;
let subject: Awaited<ReturnType<typeof busiestTraveller>>;

beforeAll(async () => {
  fx = await startWebFixture(console.log);
  subject = await busiestTraveller(fx.graph);
});
afterAll(async () => {
  await fx?.close();
});

/** Waits until no loading indicator is left (screens load several things at once). */
async function settled(page: Page) {
  await page.waitForFunction(() => !document.querySelector('[data-testid=loading]'), undefined, { timeout: 120_000, polling: 200 });
  await page.waitForTimeout(300);
}

async function givePurpose(page: Page) {
  await page.waitForSelector('[data-testid=purpose-prompt]');
  await page.selectOption('[data-testid=purpose-prompt] select', 'pk.criminal_case');
  await page.fill('[data-testid=purpose-prompt] input[name=purpose-case]', 'A6201022026030001');
  await page.fill('[data-testid=purpose-prompt] textarea', '翻译检查 translation check');
  await page.click('[data-testid=purpose-prompt] button[type=submit]');
}

/** A picture for docs/img when the machine allows (a busy WebGL page can miss the screenshot's 30 s); the text check never depends on it. */
async function picture(page: Page, name: string) {
  try {
    await shot(page, name);
  } catch (e) {
    console.log(`no picture ${name}: ${(e as Error).message.split('\n')[0]}`);
  }
}

const ADMIN_TABS = ['units', 'users', 'grants', 'sources', 'keys'];

async function walk(role: keyof typeof WEB_USERS, lang: 'zh' | 'en'): Promise<{ screens: string[]; problems: TextProblem[] }> {
  const w = await openPage(fx.browser, fx.server.url, { lang });
  const problems: TextProblem[] = [];
  problems.push(...(await untranslated(w.page, lang, 'login')));
  await w.page.fill('input[name=username]', WEB_USERS[role].username);
  await w.page.fill('input[name=password]', WEB_PASSWORD);
  await w.page.click('button[type=submit]');
  await w.page.waitForSelector('[data-testid=nav]', { timeout: 120_000 });
  const screens = await w.page.$$eval('[data-testid=nav] a', (as) => as.map((a) => a.getAttribute('data-screen') ?? ''));
  for (const s of screens) {
    await w.page.goto(new URL(`#/${s}`, fx.server.url).href);
    await w.page.waitForSelector(`main[data-screen=${s}]`);
    await settled(w.page);
    // Every screen in both languages, for docs/img (test-artifacts/web/screen-<role>-<screen>-<lang>.png).
    await picture(w.page, `screen-${role}-${s}-${lang}`);
    problems.push(...(await untranslated(w.page, lang, `${role}/${s}`)));
    if (s === 'admin')
      for (const tab of ADMIN_TABS) {
        await w.page.click(`[data-testid=admin-tabs] button[data-tab=${tab}]`);
        await settled(w.page);
        await picture(w.page, `screen-${role}-admin-${tab}-${lang}`);
        problems.push(...(await untranslated(w.page, lang, `${role}/admin/${tab}`)));
      }
    if (s === 'review' && (await w.page.locator('[data-testid=matches] tr[data-match]').count()) > 0) {
      // A possible match opened: both sides and the waterfall (docs/resolution.md shows it).
      await w.page.locator('[data-testid=matches] tr[data-match]').first().click();
      const prompt = await w.page.waitForSelector('[data-testid=waterfall], [data-testid=purpose-prompt]', { timeout: 120_000 });
      if ((await prompt.getAttribute('data-testid')) === 'purpose-prompt') await givePurpose(w.page);
      await w.page.waitForSelector('[data-testid=waterfall]', { timeout: 120_000 });
      await settled(w.page);
      await picture(w.page, `screen-${role}-review-detail-${lang}`);
      problems.push(...(await untranslated(w.page, lang, `${role}/review-detail`)));
    }
    if (s === 'search') {
      // before a search the empty pane says what can be searched (its examples are input, not UI text)
      await w.page.waitForSelector('[data-testid=search-hint] li code');
      await w.page.fill('[data-testid=search-form] input', subject.residentId);
      await w.page.click('[data-testid=search-form] button');
      await givePurpose(w.page);
      await w.page.waitForSelector(`[data-testid=search-results] [data-eid="${subject.eid}"]`);
      await w.page.click(`[data-testid=search-results] [data-eid="${subject.eid}"]`);
      await w.page.waitForSelector('[data-testid=profile]');
      await settled(w.page);
      await picture(w.page, `screen-${role}-profile-${lang}`);
      problems.push(...(await untranslated(w.page, lang, `${role}/search+profile`)));
    }
  }
  // A refused request reads as the catalog's message for its code, not the server's English.
  await w.page.goto(new URL('#/nowhere', fx.server.url).href);
  problems.push(...(await untranslated(w.page, lang, `${role}/not-allowed`)));
  const errors = await w.page.locator('[data-testid=error]').allTextContents();
  for (const e of errors) problems.push({ screen: role, text: e, why: 'error shown' });
  await w.context.close();
  return { screens, problems };
}

describe('web: every screen in both languages shows catalog text only', () => {
  for (const lang of ['zh', 'en'] as const)
    for (const role of ['planner', 'officer', 'analyst', 'admin', 'auditor'] as const)
      it(`${role}, ${lang === 'zh' ? 'Chinese' : 'English'}`, async () => {
        const { screens, problems } = await walk(role, lang);
        expect(screens.length).toBeGreaterThan(0);
        expect(problems).toEqual([]);
      });

  it('the wrong-password message is the catalog’s, in each language, not the server’s text', async () => {
    for (const lang of ['zh', 'en'] as const) {
      const w = await openPage(fx.browser, fx.server.url, { lang });
      await w.page.fill('input[name=username]', WEB_USERS.officer.username);
      await w.page.fill('input[name=password]', 'wrong-password');
      await w.page.click('button[type=submit]');
      await w.page.waitForSelector('[role=alert]');
      const text = (await w.page.textContent('[role=alert]')) ?? '';
      expect(text).not.toContain('authentication required');
      expect(await untranslated(w.page, lang, 'login-failed')).toEqual([]);
      await w.context.close();
    }
  });
});
