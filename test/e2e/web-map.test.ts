/**
 * One map for the planner: layers change the pixels they should, the time filter drives
 * them, and the page never leaves its origin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebFixture, type WebFixture } from '../helpers/web-app.ts';
import { changedPixels, login, openPage, shot, waitForMap } from '../helpers/web-browser.ts';
import { WEB_PASSWORD, WEB_USERS } from '../helpers/web-seed.ts';

let fx: WebFixture;

beforeAll(async () => {
  fx = await startWebFixture(console.log);
});
afterAll(async () => {
  await fx?.close();
});

describe('web: one map', () => {
  it('the choropleth, places and density layers each change the map when switched on', async () => {
    const w = await openPage(fx.browser, fx.server.url);
    await login(w.page, WEB_USERS.planner.username, WEB_PASSWORD);
    await waitForMap(w.page, 'onemap');
    const map = '[data-testid=map-onemap]';
    const withChoropleth = await w.page.locator(map).screenshot();
    await w.page.uncheck('[data-testid=layer-toggle-jurisdictions]');
    await waitForMap(w.page, 'onemap');
    const base = await w.page.locator(map).screenshot();
    const d1 = await changedPixels(w.page, base, withChoropleth);
    expect(d1.changed, 'choropleth vs base').toBeGreaterThan(d1.total * 0.02);

    await w.page.check('[data-testid=layer-toggle-places]');
    await w.page.waitForFunction(() => !document.querySelector('[data-layer=places] .spinner'));
    await waitForMap(w.page, 'onemap');
    const withPlaces = await w.page.locator(map).screenshot();
    expect((await changedPixels(w.page, base, withPlaces)).changed, 'places vs base').toBeGreaterThan(200);
    await w.page.uncheck('[data-testid=layer-toggle-places]');

    await w.page.check('[data-testid=layer-toggle-density]');
    await w.page.waitForFunction(() => !document.querySelector('[data-layer=density] .spinner'));
    await waitForMap(w.page, 'onemap');
    const withDensity = await w.page.locator(map).screenshot();
    expect((await changedPixels(w.page, base, withDensity)).changed, 'density vs base').toBeGreaterThan(500);
    await w.page.check('[data-testid=layer-toggle-jurisdictions]');
    await w.page.check('[data-testid=layer-toggle-places]');
    await waitForMap(w.page, 'onemap');
    await shot(w.page, 'planner-layers');
    expect(await w.page.locator('[data-layer] .badge.error').count()).toBe(0);
    expect(w.foreignRequests).toEqual([]);
    await w.context.close();
  });

  it('playback moves the time window and the layers follow it', async () => {
    const w = await openPage(fx.browser, fx.server.url);
    await login(w.page, WEB_USERS.planner.username, WEB_PASSWORD);
    await waitForMap(w.page, 'onemap');
    const windows: string[] = [];
    w.page.on('request', (r) => {
      if (r.url().includes('/api/layers/jurisdictions')) windows.push(new URL(r.url()).searchParams.get('from') ?? '');
    });
    const label0 = await w.page.textContent('[data-testid=time-label]');
    await w.page.click('[data-testid=time-play]');
    await w.page.waitForTimeout(3500);
    await w.page.click('[data-testid=time-play]');
    expect(await w.page.textContent('[data-testid=time-label]')).not.toBe(label0);
    expect(new Set(windows).size).toBeGreaterThanOrEqual(2);
    await w.context.close();
  });
});
