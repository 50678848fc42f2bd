/**
 * One map for the planner: layers change the pixels they should, the time filter drives
 * them, and the page never leaves its origin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, startWebFixture, type WebFixture } from '../helpers/web-app.ts';
import { changedPixels, countColour, login, openPage, shot, waitForMap } from '../helpers/web-browser.ts';
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

  it('playback starts with a window that shows counts; suppressed counties are hatched and the legend says why (an empty 0–0 map: issue 16)', async () => {
    const w = await openPage(fx.browser, fx.server.url);
    const asked: string[] = [];
    const trendDays: number[] = [];
    w.page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith('/api/layers/')) asked.push(u.pathname);
      if (u.pathname === '/api/layers/trend') trendDays.push((Date.parse(u.searchParams.get('to') ?? '') - Date.parse(u.searchParams.get('from') ?? '')) / 86_400_000);
    });
    await login(w.page, WEB_USERS.planner.username, WEB_PASSWORD);
    await waitForMap(w.page, 'onemap');
    // The time range comes from the data-extent answer; the trend spans the data, not ten years.
    expect(asked[0]).toBe('/api/layers/extent');
    expect(trendDays.length).toBeGreaterThan(0);
    for (const d of trendDays) expect(d).toBeLessThanOrEqual(60);
    const map = '[data-testid=map-onemap]';
    const answers: { cells: unknown[]; k: number }[] = [];
    w.page.on('response', async (r) => {
      if (r.url().includes('/api/layers/jurisdictions') && r.ok()) answers.push(await r.json());
    });
    // City names are drawn above the choropleth (they sat under the fills: issue 16): near-black text pixels.
    const start = await w.page.locator(map).screenshot();
    expect(await countColour(w.page, start, [20, 20, 20], 35), 'label pixels over the fills').toBeGreaterThan(200);
    // Play once, pause: the default playback window is a week and it shows counties with counts.
    await w.page.click('[data-testid=time-play]');
    await w.page.waitForTimeout(300);
    await w.page.click('[data-testid=time-play]');
    const label = (await w.page.textContent('[data-testid=time-label]')) ?? '';
    const [from = '', to = ''] = label.split('–').map((x) => x.trim());
    expect((Date.parse(`${to.replace(' ', 'T')}:00+08:00`) - Date.parse(`${from.replace(' ', 'T')}:00+08:00`)) / 3_600_000).toBeGreaterThanOrEqual(72);
    await expect.poll(() => answers.length, { timeout: 60_000 }).toBeGreaterThan(0);
    await w.page.waitForFunction(() => !document.querySelector('[data-layer=jurisdictions] .spinner'));
    await w.page.waitForTimeout(500);
    expect(answers.at(-1)?.cells.length ?? 0, 'counties with counts in the default playback window').toBeGreaterThan(5);
    await waitForMap(w.page, 'onemap');
    const week = await w.page.locator(map).screenshot();

    // A 6-hour window leaves most counties under k: they are hatched, not blank, and the legend explains.
    const before = answers.length;
    await w.page.selectOption('[data-testid=time-filter] select >> nth=0', '6');
    await expect.poll(() => answers.length, { timeout: 60_000 }).toBeGreaterThan(before);
    await w.page.waitForFunction(() => !document.querySelector('[data-layer=jurisdictions] .spinner'));
    await w.page.waitForTimeout(800);
    const last = answers.at(-1);
    // The server names no suppressed unit (0 and "fewer than k" look alike on purpose): every county
    // without a published count is hatched and counted in the legend.
    const counties = JSON.parse(fs.readFileSync(path.join(ROOT, 'datasets/geo/jurisdictions.geojson'), 'utf8')).features.filter((f: { properties: { level: string } }) => f.properties.level === 'county').length as number;
    const uncounted = counties - (last?.cells.length ?? 0);
    expect(uncounted).toBeGreaterThan(0);
    const legend = (await w.page.textContent('[data-testid=legend-suppressed]')) ?? '';
    expect(legend).toContain(`不足${last?.k}人`);
    expect(legend).toContain(`${uncounted} 个辖区`);
    await waitForMap(w.page, 'onemap');
    const narrow = await w.page.locator(map).screenshot();
    await shot(w.page, 'planner-map-suppressed');
    // Hatch lines are neutral grey (80,80,80 at the layer's opacity over the base map).
    const grey: [number, number, number] = [125, 125, 125];
    expect(await countColour(w.page, narrow, grey, 30), 'hatched pixels').toBeGreaterThan((await countColour(w.page, week, grey, 30)) + 500);
    await w.context.close();
  });
});
