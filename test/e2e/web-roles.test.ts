/**
 * Each role logs in to the built app served by the real server and sees what it may and
 * nothing else; the planner never sees an individual. The base map draws offline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebFixture, type WebFixture } from '../helpers/web-app.ts';
import { distinctColours, login, openPage, shot, waitForMap } from '../helpers/web-browser.ts';
import { WEB_PASSWORD, WEB_USERS } from '../helpers/web-seed.ts';

let fx: WebFixture;

beforeAll(async () => {
  fx = await startWebFixture(console.log);
});
afterAll(async () => {
  await fx?.close();
});

async function navOf(role: keyof typeof WEB_USERS) {
  const w = await openPage(fx.browser, fx.server.url);
  await login(w.page, WEB_USERS[role].username, WEB_PASSWORD);
  const screens = await w.page.$$eval('[data-testid=nav] a', (as) => as.map((a) => a.getAttribute('data-screen')));
  return { ...w, screens };
}

const INDIVIDUAL = /\/api\/(search|entities|paths|analysis|watches|resolution)/;

describe('web: roles', () => {
  it('the login page is Chinese by default, switches to English, and loads no map code', async () => {
    const w = await openPage(fx.browser, fx.server.url);
    const scripts: string[] = [];
    w.page.on('request', (r) => scripts.push(r.url()));
    await w.page.reload();
    await w.page.waitForSelector('[data-testid=login-form]');
    expect(await w.page.textContent('h1')).toContain('一张图');
    expect(await w.page.textContent('button[type=submit]')).toBe('登录');
    await shot(w.page, 'login');
    expect(scripts.some((u) => /map-view|maplibre|graph-screen/.test(u))).toBe(false);
    await w.page.click('text=English');
    expect(await w.page.textContent('button[type=submit]')).toBe('Log in');
    expect(w.foreignRequests).toEqual([]);
    await w.context.close();
  });

  it('a wrong password is refused with a visible error', async () => {
    const w = await openPage(fx.browser, fx.server.url);
    await w.page.fill('input[name=username]', 'web_officer');
    await w.page.fill('input[name=password]', 'wrong-password');
    await w.page.click('button[type=submit]');
    await w.page.waitForSelector('[role=alert]');
    expect(await w.page.textContent('[role=alert]')).toContain('登录失败');
    await w.context.close();
  });

  it('the planner sees only the map, draws the offline base map, and never reaches an individual', async () => {
    const w = await navOf('planner');
    const requests: string[] = [];
    w.page.on('request', (r) => requests.push(r.url()));
    expect(w.screens).toEqual(['map']);
    await waitForMap(w.page, 'onemap');
    const png = await shot(w.page, 'planner-map');
    // A drawn map has many colours (land, borders, labels, choropleth); a blank canvas has one or two.
    expect(await distinctColours(w.page, await w.page.locator('[data-testid=map-onemap]').screenshot())).toBeGreaterThan(20);
    expect(png.length).toBeGreaterThan(10_000);
    // Typing another screen's address shows "not allowed", and the server refuses the query itself.
    await w.page.goto(`${fx.server.url}#/search`);
    await w.page.waitForSelector('[data-testid=empty]');
    expect(await w.page.textContent('[data-testid=empty]')).toContain('无权');
    const status = await w.page.evaluate(async () => {
      const p = encodeURIComponent(JSON.stringify({ kind: 'criminal_case', caseNumber: 'A6201022026110001', text: '越权测试' }));
      const r = await fetch('/api/search?q=%E5%BC%A0', { headers: { authorization: `Bearer ${sessionStorage.getItem('onemap.token')}`, 'x-onemap-purpose': p } });
      return r.status;
    });
    expect(status).toBe(403);
    expect(requests.filter((u) => INDIVIDUAL.test(u) && !u.includes('/api/search?q=%E5%BC%A0'))).toEqual([]);
    expect(w.foreignRequests).toEqual([]);
    await w.context.close();
  });

  it('the officer gets search, trajectory and watches, not the graph, analysis or audit', async () => {
    const w = await navOf('officer');
    expect(w.screens).toEqual(['map', 'search', 'trajectory', 'watches']);
    await w.context.close();
  });

  it('logging out ends the session on the server: the token the tab held is refused afterwards', async () => {
    const w = await navOf('officer');
    const token = await w.page.evaluate(() => sessionStorage.getItem('onemap.token'));
    expect(token).toBeTruthy();
    const status = (t: string | null) => w.page.evaluate(async (tok) => (await fetch('/api/auth/me', { headers: { authorization: `Bearer ${tok}` } })).status, t);
    expect(await status(token)).toBe(200);
    await w.page.click('[data-testid=logout]');
    await w.page.waitForSelector('input[name=password]');
    await w.page.waitForFunction(async (tok) => (await fetch('/api/auth/me', { headers: { authorization: `Bearer ${tok}` } })).status === 401, token, { timeout: 10_000 });
    expect(await status(token)).toBe(401);
    await w.context.close();
  });

  it('the analyst gets the graph, analysis, review and quality too', async () => {
    const w = await navOf('analyst');
    expect(w.screens).toEqual(['map', 'search', 'trajectory', 'graph', 'analysis', 'review', 'quality', 'watches']);
    await w.context.close();
  });

  it('the administrator sees the map and the source catalog', async () => {
    const refused: string[] = [];
    const w = await navOf('admin');
    w.page.on('response', (r) => {
      if (r.url().includes('/api/') && r.status() === 403) refused.push(r.url());
    });
    expect(w.screens).toEqual(['map', 'quality', 'admin']);
    // The admin's map works: base map, boundaries and names, no aggregate layer refused with 403 (issue 16).
    await w.page.goto(`${fx.server.url}#/map`);
    await waitForMap(w.page, 'onemap');
    await w.page.waitForSelector('[data-testid=map-base-only]');
    expect(await distinctColours(w.page, await w.page.locator('[data-testid=map-onemap]').screenshot())).toBeGreaterThan(4);
    expect(await w.page.locator('[data-testid=error]').count()).toBe(0);
    expect(refused).toEqual([]);
    await shot(w.page, 'admin-map');
    await w.page.goto(`${fx.server.url}#/quality`);
    await w.page.waitForSelector('[data-testid=catalog] tbody tr');
    expect(await w.page.locator('[data-testid=catalog] tbody tr').count()).toBeGreaterThanOrEqual(9);
    await shot(w.page, 'admin-quality');
    await w.context.close();
  });

  it('the auditor sees only the audit trail, with the logins just made, and a verified chain', async () => {
    const w = await navOf('auditor');
    expect(w.screens).toEqual(['audit']);
    await w.page.waitForSelector('[data-testid=audit-table] tbody tr');
    const text = await w.page.textContent('[data-testid=audit-table]');
    expect(text).toContain('/api/auth/login');
    await w.page.selectOption('[data-testid=audit-outcome]', 'denied');
    await w.page.click('[data-testid=audit-filter] button[type=submit]');
    await w.page.waitForFunction(() => !document.querySelector('[data-testid=loading]'));
    await w.page.click('[data-testid=audit-verify]');
    await w.page.waitForSelector('[data-testid=audit-verify-result]');
    expect(await w.page.textContent('[data-testid=audit-verify-result]')).toContain('哈希链完整');
    await w.page.selectOption('[data-testid=audit-outcome]', '');
    await w.page.click('[data-testid=audit-filter] button[type=submit]');
    await w.page.waitForSelector('[data-testid=audit-table] tbody tr');
    // the cells that never wrap (time, #, results, outcome) are shown whole, not cut by their column
    const cut = await w.page.$$eval('[data-testid=audit-table] tbody td.nowrap, [data-testid=audit-table] tbody td.mono:not(.muted)', (cells) =>
      cells.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent),
    );
    expect(cut).toEqual([]);
    await shot(w.page, 'auditor-audit');
    await w.context.close();
  });

  it('the audit table keeps its columns on screen after a very long entry; parameters are summarized and expand (6,000 px wide: issue 16)', async () => {
    // A long request, audited like any other (refused for want of a purpose). The fixture's URL ends
    // in '/': joined by hand it made '//api/…', which the app's page fallback answered with 200.
    const login = await fetch(new URL('/api/auth/login', fx.server.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: WEB_USERS.officer.username, password: WEB_PASSWORD }) });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const long = '张'.repeat(60) + 'x'.repeat(1500);
    const r = await fetch(new URL(`/api/search?q=${encodeURIComponent(long)}`, fx.server.url), { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(428);
    const w = await navOf('auditor');
    await w.page.waitForSelector('[data-testid=audit-table] tbody tr');
    const viewport = w.page.viewportSize()?.width ?? 0;
    const table = await w.page.locator('[data-testid=audit-table]').boundingBox();
    expect(table?.width ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(viewport);
    const hashHeader = await w.page.locator('[data-testid=audit-table] thead th').last().boundingBox();
    expect((hashHeader?.x ?? Number.POSITIVE_INFINITY) + (hashHeader?.width ?? 0)).toBeLessThanOrEqual(viewport);
    const summaries = await w.page.locator('[data-testid=audit-params] summary').allTextContents();
    expect(summaries.length).toBeGreaterThan(0);
    for (const x of summaries) expect(x.length).toBeLessThanOrEqual(121);
    const longOne = w.page.locator('[data-testid=audit-params]', { hasText: '张张张' }).first();
    await longOne.locator('summary').click();
    expect(await longOne.locator('pre').textContent()).toContain('x'.repeat(200));
    await shot(w.page, 'auditor-audit-long');
    await w.context.close();
  });
});
