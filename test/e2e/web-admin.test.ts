/**
 * The admin screens (issue 16, item 8): units, users, grants, sources with their sharing class and
 * owner, and source keys, driven in the browser against the real server. What an admin sees and
 * changes is its own unit subtree only — checked with a county admin created through the screen.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebFixture, type WebFixture } from '../helpers/web-app.ts';
import { login, openPage, shot } from '../helpers/web-browser.ts';
import { WEB_PASSWORD, WEB_USERS } from '../helpers/web-seed.ts';

let fx: WebFixture;
/** Usernames and key names unique per run: users and keys outlive runs in the shared test graph. */
const RUN = Date.now().toString(36);
const COUNTY_ADMIN = `web_cadm_${RUN}`;
const COUNTY_PASSWORD = 'county-admin-pass-1';

beforeAll(async () => {
  fx = await startWebFixture(console.log);
});
afterAll(async () => {
  await fx?.close();
});

async function adminPage(
  username: string = WEB_USERS.admin.username,
  password = WEB_PASSWORD,
  lang: 'zh' | 'en' = 'zh',
) {
  const w = await openPage(fx.browser, fx.server.url, { lang });
  await login(w.page, username, password);
  await w.page.goto(new URL('#/admin', fx.server.url).href);
  await w.page.waitForSelector('[data-testid=admin-tabs]');
  return w;
}

async function tab(page: Page, name: string, table: string) {
  await page.click(`[data-testid=admin-tabs] button[data-tab=${name}]`);
  await page.waitForSelector(`[data-testid=${table}] tbody tr`);
}

describe('web: administration', () => {
  it('creates a county admin whose screens show only its county: units, users and sources it cannot change', async () => {
    const w = await adminPage();
    await w.page.waitForSelector('[data-testid=admin-users] tbody tr');
    expect(await w.page.textContent('[data-testid=admin-users]')).toContain(WEB_USERS.officer.username);
    const form = w.page.locator('[data-testid=admin-user-form]');
    await form.locator('input[name=username]').fill(COUNTY_ADMIN);
    await form.locator('input[name=displayName]').fill('管理员 城关');
    await form.locator('select[name=unitCode]').selectOption('620102');
    await form.locator('input[name=role-officer]').uncheck();
    await form.locator('input[name=role-admin]').check();
    await form.locator('input[name=password]').fill(COUNTY_PASSWORD);
    await form.locator('button[type=submit]').click();
    await w.page.waitForSelector(`[data-testid=admin-users] tr[data-username="${COUNTY_ADMIN}"]`);
    const row = await w.page.textContent(`[data-testid=admin-users] tr[data-username="${COUNTY_ADMIN}"]`);
    expect(row).toContain('城关区 (620102)');
    expect(row).toContain('管理员');
    await shot(w.page, 'admin-users');
    // The same username again is refused by its stable code, in Chinese.
    await form.locator('input[name=username]').fill(COUNTY_ADMIN);
    await form.locator('input[name=displayName]').fill('重复');
    await form.locator('input[name=password]').fill(COUNTY_PASSWORD);
    await form.locator('button[type=submit]').click();
    await w.page.waitForSelector('[data-testid=admin-user-form] [data-testid=error]');
    expect(await w.page.textContent('[data-testid=admin-user-form] [data-testid=error]')).toContain('用户名已被占用');
    await w.context.close();

    const c = await adminPage(COUNTY_ADMIN, COUNTY_PASSWORD);
    await tab(c.page, 'units', 'admin-units');
    const codes = await c.page.$$eval('[data-testid=admin-units] tbody tr', (rows) =>
      rows.map((r) => r.getAttribute('data-code') ?? ''),
    );
    expect(codes).toContain('620102');
    expect(codes).toContain('620102001');
    expect(codes.every((x) => x.startsWith('620102'))).toBe(true);
    await tab(c.page, 'users', 'admin-users');
    const users = await c.page.$$eval('[data-testid=admin-users] tbody tr', (rows) =>
      rows.map((r) => r.getAttribute('data-username') ?? ''),
    );
    expect(users).toContain(WEB_USERS.countyOfficer.username);
    expect(users).not.toContain(WEB_USERS.admin.username);
    expect(users).not.toContain(WEB_USERS.officer.username);
    // Province-owned sources: the county admin reads their sharing class but has nothing to change;
    // only a source its county owns (other tests in the shared graph register some) offers a choice.
    await tab(c.page, 'sources', 'admin-sources');
    expect(await c.page.locator('[data-testid=admin-sources] tr[data-source=household] select').count()).toBe(0);
    const editableOwners = await c.page.$$eval('[data-testid=admin-sources] tbody tr', (rows) =>
      rows.filter((r) => r.querySelector('select')).map((r) => r.querySelector('td[data-raw]')?.textContent ?? ''),
    );
    expect(editableOwners.every((o) => /\(620102\d*\)/.test(o))).toBe(true);
    expect(await c.page.textContent('[data-testid=admin-sources] tr[data-source=household]')).toContain('有条件共享');
    await c.context.close();
  });

  it('disables a user from the users screen, and that user can no longer log in', async () => {
    const name = `web_dis_${RUN}`;
    const w = await adminPage();
    const form = w.page.locator('[data-testid=admin-user-form]');
    await form.locator('input[name=username]').fill(name);
    await form.locator('input[name=displayName]').fill('民警 停用');
    await form.locator('select[name=unitCode]').selectOption('620102001');
    await form.locator('input[name=password]').fill(COUNTY_PASSWORD);
    await form.locator('button[type=submit]').click();
    const row = w.page.locator(`[data-testid=admin-users] tr[data-username="${name}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('启用');
    await row.locator('[data-testid=admin-user-toggle]').click();
    await w.page.waitForSelector(`[data-testid=admin-users] tr.denied[data-username="${name}"]`);
    expect(await row.textContent()).toContain('已停用');
    await w.context.close();
    const x = await openPage(fx.browser, fx.server.url);
    await x.page.fill('input[name=username]', name);
    await x.page.fill('input[name=password]', COUNTY_PASSWORD);
    await x.page.click('button[type=submit]');
    await x.page.waitForSelector('[role=alert]');
    expect(await x.page.textContent('[role=alert]')).toContain('登录失败');
    await x.context.close();
  });

  it('grants a county a conditional source for a purpose, lists it translated, and revokes it', async () => {
    const w = await adminPage();
    await w.page.click('[data-testid=admin-tabs] button[data-tab=grants]');
    const form = w.page.locator('[data-testid=admin-grant-form]');
    await form.locator('select[name=unitCode]').selectOption('620102');
    await form.locator('select[name=sourceId] option[value=rail]').waitFor({ state: 'attached' });
    await form.locator('select[name=sourceId]').selectOption('rail');
    await form.locator('input[name=purpose-emergency]').check();
    await form.locator('button[type=submit]').click();
    await form.locator('[data-testid=admin-ok]').waitFor();
    const rows = w.page.locator('[data-testid=admin-grants] tbody tr', { hasText: '城关区 (620102)' });
    await rows.first().waitFor();
    const mine = rows.filter({ hasText: '紧急情况' }).last();
    const text = await mine.textContent();
    expect(text).toContain('刑事案件');
    expect(text).not.toContain('emergency');
    const id = await mine.getAttribute('data-grant');
    await shot(w.page, 'admin-grants');
    await mine.locator('[data-testid=admin-grant-revoke]').click();
    await w.page.waitForFunction(
      (g) => !document.querySelector(`[data-testid=admin-grants] tr[data-grant="${g}"]`),
      id,
    );
    await w.context.close();
  });

  it('changes a source’s sharing class from the sources screen (and back), the catalog following', async () => {
    const w = await adminPage();
    await tab(w.page, 'sources', 'admin-sources');
    const row = w.page.locator('[data-testid=admin-sources] tr[data-source=netcafe]');
    expect(await row.textContent()).toContain('甘肃省 (620000)');
    await row.locator('select').selectOption('conditional');
    await row.locator('[data-testid=admin-source-save]').click();
    await row.locator('[data-testid=admin-source-save]').waitFor({ state: 'detached' });
    const catalog = await w.page.evaluate(async () => {
      const r = await fetch('/api/catalog', {
        headers: { authorization: `Bearer ${sessionStorage.getItem('onemap.token')}` },
      });
      return ((await r.json()) as { items: { id: string; shareClass: string }[] }).items.find((s) => s.id === 'netcafe')
        ?.shareClass;
    });
    expect(catalog).toBe('conditional');
    await shot(w.page, 'admin-sources');
    await row.locator('select').selectOption('unconditional');
    await row.locator('[data-testid=admin-source-save]').click();
    await row.locator('[data-testid=admin-source-save]').waitFor({ state: 'detached' });
    expect(await row.locator('select').inputValue()).toBe('unconditional');
    await w.context.close();
  });

  it('issues a source key shown once, lists it without its secret, and revokes it', async () => {
    const keyName = `酒店接入网关 ${RUN}`;
    const w = await adminPage();
    await w.page.click('[data-testid=admin-tabs] button[data-tab=keys]');
    const form = w.page.locator('[data-testid=admin-key-form]');
    await form.locator('input[name=keyName]').fill(keyName);
    await form.locator('input[name=key-source-hotel]').check();
    await form.locator('button[type=submit]').click();
    await w.page.waitForSelector('[data-testid=admin-key-secret] code');
    const secret = (await w.page.textContent('[data-testid=admin-key-secret] code')) ?? '';
    expect(secret).toMatch(/^osk\./);
    const row = w.page.locator('[data-testid=admin-keys] tbody tr', { hasText: keyName });
    await row.waitFor();
    expect(await row.textContent()).toContain('旅馆');
    expect(await w.page.textContent('[data-testid=admin-keys]')).not.toContain(secret);
    await shot(w.page, 'admin-keys');
    await row.locator('[data-testid=admin-key-revoke]').click();
    await w.page.waitForFunction(
      (n) =>
        [...document.querySelectorAll('[data-testid=admin-keys] tbody tr.denied')].some((r) =>
          r.textContent?.includes(n),
        ),
      keyName,
    );
    expect(await row.textContent()).toContain('已撤销');
    // The revoked key no longer pushes.
    const push = await fetch(new URL('/api/ingest/hotel', fx.server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-onemap-source-key': secret },
      body: JSON.stringify({ records: [] }),
    });
    expect(push.status).toBe(401);
    await w.context.close();
  });

  it('an officer has no administration screen, and the server refuses the admin API', async () => {
    const w = await openPage(fx.browser, fx.server.url);
    await login(w.page, WEB_USERS.officer.username, WEB_PASSWORD);
    expect(await w.page.locator('[data-testid=nav] a[data-screen=admin]').count()).toBe(0);
    await w.page.goto(new URL('#/admin', fx.server.url).href);
    await w.page.waitForSelector('[data-testid=empty]');
    expect(await w.page.textContent('[data-testid=empty]')).toContain('无权');
    const status = await w.page.evaluate(
      async () =>
        (
          await fetch('/api/admin/users', {
            headers: { authorization: `Bearer ${sessionStorage.getItem('onemap.token')}` },
          })
        ).status,
    );
    expect(status).toBe(403);
    await w.context.close();
  });
});
