/**
 * The officer's path: the purpose prompt blocks the first individual-level query until it is
 * answered; then a search, a profile, and a trajectory drawn on the map (checked in pixels).
 */
import { formatBeijing } from '@onemap/graph-schema';
import type { Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebFixture, type WebFixture } from '../helpers/web-app.ts';
import { countColour, login, openPage, shot, waitForMap } from '../helpers/web-browser.ts';
import { WEB_PASSWORD, WEB_USERS } from '../helpers/web-seed.ts';
import { busiestTraveller, hotelGuest } from '../helpers/web-subjects.ts';

let fx: WebFixture;
let subject: { eid: string; name: string; residentId: string; sightings: number };

beforeAll(async () => {
  fx = await startWebFixture(console.log);
  subject = await busiestTraveller(fx.graph);
});
afterAll(async () => {
  await fx?.close();
});

/** The trip colour of the TripsLayer ([220, 30, 60]). */
const TRACK: [number, number, number] = [220, 30, 60];

async function answerPurpose(page: import('playwright-core').Page) {
  await page.selectOption('[data-testid=purpose-prompt] select', 'pk.criminal_case');
  await page.fill('[data-testid=purpose-prompt] input[name=purpose-case]', 'A6201022026030001');
  await page.fill('[data-testid=purpose-prompt] textarea', '盗窃案嫌疑人轨迹核查');
  await page.click('[data-testid=purpose-prompt] button[type=submit]');
}

describe('web: purpose and trajectory', () => {
  it('the purpose prompt blocks a search until answered, then sends it with the query and reuses it', async () => {
    const w = await openPage(fx.browser, fx.server.url);
    await login(w.page, WEB_USERS.officer.username, WEB_PASSWORD);
    const searches: Request[] = [];
    w.page.on('request', (r) => {
      if (r.url().includes('/api/search')) searches.push(r);
    });
    await w.page.goto(`${fx.server.url}#/search`);
    await w.page.fill('[data-testid=search-form] input', subject.residentId);
    await w.page.click('[data-testid=search-form] button');
    await w.page.waitForSelector('[data-testid=purpose-prompt]');
    await shot(w.page, 'purpose-prompt');
    // Cancelling sends nothing.
    await w.page.click('[data-testid=purpose-prompt] button.secondary');
    await w.page.waitForTimeout(500);
    expect(searches).toHaveLength(0);
    // Asking again, then answering, sends the query with the purpose header.
    await w.page.click('[data-testid=search-form] button');
    await w.page.waitForSelector('[data-testid=purpose-prompt]');
    await w.page.waitForTimeout(300);
    expect(searches).toHaveLength(0);
    await answerPurpose(w.page);
    await w.page.waitForSelector(`[data-testid=search-results] [data-eid="${subject.eid}"]`);
    expect(searches).toHaveLength(1);
    const header = decodeURIComponent(searches[0]?.headers()['x-onemap-purpose'] ?? '');
    expect(JSON.parse(header)).toEqual({ kind: 'criminal_case', caseNumber: 'A6201022026030001', text: '盗窃案嫌疑人轨迹核查' });
    // The profile (a follow-up on the same case) reuses the purpose: no second prompt.
    await w.page.click(`[data-testid=search-results] [data-eid="${subject.eid}"]`);
    await w.page.waitForSelector('[data-testid=golden-values]');
    expect(await w.page.locator('[data-testid=purpose-prompt]').count()).toBe(0);
    expect(await w.page.textContent('[data-testid=purpose-badge]')).toContain('A6201022026030001');
    await shot(w.page, 'officer-profile');
    await w.context.close();
  });

  it('a trajectory search draws the track on the map (pixels), with the places list and the timeline', async () => {
    const w = await openPage(fx.browser, fx.server.url);
    await login(w.page, WEB_USERS.officer.username, WEB_PASSWORD);
    await w.page.goto(`${fx.server.url}#/trajectory`);
    await waitForMap(w.page, 'trajectory');
    const mapSel = '[data-testid=map-trajectory]';
    const before = await w.page.locator(mapSel).screenshot();
    expect(await countColour(w.page, before, TRACK, 30)).toBeLessThan(50);

    await w.page.fill('[data-testid=trajectory-picker] input', subject.residentId);
    await w.page.click('[data-testid=trajectory-picker] button[type=submit]');
    await answerPurpose(w.page);
    await w.page.click(`[data-testid=trajectory-picker] [data-eid="${subject.eid}"]`);
    await w.page.waitForSelector('[data-testid=trajectory-places] li');
    await w.page.waitForSelector('[data-testid=timeline]');
    await waitForMap(w.page, 'trajectory');
    const after = await w.page.locator(mapSel).screenshot();
    await shot(w.page, 'officer-trajectory');
    const red = await countColour(w.page, after, TRACK, 30);
    expect(red, 'track-coloured pixels after drawing').toBeGreaterThan(150);
    expect(await w.page.locator('[data-testid=trajectory-places] ol li').count()).toBeGreaterThanOrEqual(3);
    // Titled by the person's name, not the eid; every trace kind has its own colour (all were grey: issue 16).
    expect(await w.page.textContent('[data-testid=trajectory-title]')).toBe(subject.name);
    const swatches = await w.page.locator('[data-testid=trajectory-places] ol li').evaluateAll((lis) =>
      lis.map((li) => ({ kind: li.querySelector('[data-kind]')?.getAttribute('data-kind') ?? '', colour: (li.querySelector('.swatch') as HTMLElement | null)?.style.background ?? '' })),
    );
    const colourOf = new Map<string, Set<string>>();
    for (const x of swatches) colourOf.set(x.kind, new Set([...(colourOf.get(x.kind) ?? []), x.colour]));
    expect(colourOf.size).toBeGreaterThanOrEqual(2);
    for (const [kind, colours] of colourOf) {
      expect(colours.size, kind).toBe(1);
      expect([...colours][0], kind).not.toBe('rgb(120, 120, 120)');
    }
    expect(new Set([...colourOf.values()].map((c) => [...c][0])).size).toBe(colourOf.size);

    // Play moves the time cursor; pause stops it.
    const t0 = await w.page.textContent('[data-testid=trip-controls] .mono');
    await w.page.click('[data-testid=trip-play]');
    await w.page.waitForTimeout(1500);
    await w.page.click('[data-testid=trip-play]');
    expect(await w.page.textContent('[data-testid=trip-controls] .mono')).not.toBe(t0);
    expect(w.foreignRequests).toEqual([]);
    await w.context.close();
  });

  it('a stay\'s start and end are both Beijing time (+08:00 in the answer) and in order on screen (ends were UTC: issue 16)', async () => {
    const guest = await hotelGuest(fx.graph);
    const w = await openPage(fx.browser, fx.server.url);
    await login(w.page, WEB_USERS.officer.username, WEB_PASSWORD);
    expect(await w.page.textContent('[data-testid=time-zone]')).toContain('北京时间');
    // The purpose is given on the search (as an officer works), then the trajectory follows it.
    await w.page.goto(`${fx.server.url}#/search`);
    await w.page.fill('[data-testid=search-form] input', guest.residentId);
    await w.page.click('[data-testid=search-form] button');
    await answerPurpose(w.page);
    await w.page.waitForSelector(`[data-testid=search-results] [data-eid="${guest.eid}"]`);
    const answer = w.page.waitForResponse((r) => r.url().includes(`/entities/${encodeURIComponent(guest.eid)}/trajectory`), { timeout: 180_000 });
    await w.page.goto(`${fx.server.url}#/trajectory?eid=${encodeURIComponent(guest.eid)}`);
    const body = (await (await answer).json()) as { stayPoints: { start: string; end: string }[]; points: { features: { properties: { at: string } }[] } };
    expect(body.stayPoints.length).toBeGreaterThan(0);
    for (const s of body.stayPoints) {
      expect(s.start).toMatch(/\+08:00$/);
      expect(s.end).toMatch(/\+08:00$/);
      expect(Date.parse(s.end)).toBeGreaterThanOrEqual(Date.parse(s.start));
    }
    for (const f of body.points.features) expect(f.properties.at).toMatch(/\+08:00$/);
    await w.page.waitForSelector('[data-testid=stay-time]');
    const shown = await w.page.locator('[data-testid=stay-time]').allTextContents();
    expect(shown.map((x) => x.trim())).toEqual(body.stayPoints.map((s) => `${formatBeijing(s.start)} – ${formatBeijing(s.end)}`));
    for (const x of shown) {
      const [a, b] = x.split('–').map((y) => y.trim());
      expect((b ?? '') >= (a ?? ''), x).toBe(true);
    }
    // The timeline axis reads the first sighting in Beijing time, as the list does.
    const first = body.points.features.map((f) => f.properties.at).sort((p, q) => Date.parse(p) - Date.parse(q))[0] ?? '';
    expect(await w.page.textContent('[data-testid=timeline]')).toContain(formatBeijing(first));
    await w.context.close();
  });

  it('a bad check character is explained, not searched; a new search clears the old profile (issue 16)', async () => {
    const w = await openPage(fx.browser, fx.server.url);
    await login(w.page, WEB_USERS.officer.username, WEB_PASSWORD);
    const searches: string[] = [];
    w.page.on('request', (r) => {
      if (r.url().includes('/api/search')) searches.push(new URL(r.url()).searchParams.get('q') ?? '');
    });
    await w.page.goto(`${fx.server.url}#/search`);
    await w.page.fill('[data-testid=search-form] input', subject.residentId);
    await w.page.click('[data-testid=search-form] button');
    await answerPurpose(w.page);
    await w.page.click(`[data-testid=search-results] [data-eid="${subject.eid}"]`);
    await w.page.waitForSelector('[data-testid=golden-values]');
    const body = subject.residentId.slice(0, 17);
    const last = subject.residentId.slice(17);
    const wrong = `${body}${last === '1' ? '2' : '1'}`;
    await w.page.fill('[data-testid=search-form] input', wrong);
    await w.page.click('[data-testid=search-form] button');
    const note = (await w.page.textContent('[data-testid=search-input-note]')) ?? '';
    expect(note).toContain('校验位');
    expect(note).toContain(last);
    expect(await w.page.locator('[data-testid=profile]').count(), 'old profile cleared').toBe(0);
    expect(searches).toEqual([subject.residentId]);
    await shot(w.page, 'officer-search-bad-id');
    await w.context.close();
  });

  it('the officer journey works at 390×844 (警务通): search, profile, trajectory with no sideways scrolling', async () => {
    const w = await openPage(fx.browser, fx.server.url, { viewport: { width: 390, height: 844 } });
    await login(w.page, WEB_USERS.officer.username, WEB_PASSWORD);
    const noSideScroll = async (where: string) => {
      const overflow = await w.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `horizontal overflow on ${where}`).toBeLessThanOrEqual(1);
    };
    await w.page.goto(`${fx.server.url}#/search`);
    await w.page.fill('[data-testid=search-form] input', subject.residentId);
    await w.page.click('[data-testid=search-form] button');
    await answerPurpose(w.page);
    await w.page.click(`[data-testid=search-results] [data-eid="${subject.eid}"]`);
    await w.page.waitForSelector('[data-testid=golden-values]');
    const profile = await w.page.locator('[data-testid=profile]').boundingBox();
    expect(profile?.width ?? 0).toBeGreaterThan(300);
    expect(profile?.width ?? 999).toBeLessThanOrEqual(390);
    await noSideScroll('profile');
    await shot(w.page, 'officer-phone-profile');
    await w.page.goto(`${fx.server.url}#/trajectory?eid=${encodeURIComponent(subject.eid)}&name=${encodeURIComponent(subject.name)}`);
    await w.page.waitForSelector('[data-testid=trajectory-places] li');
    await waitForMap(w.page, 'trajectory');
    const map = await w.page.locator('[data-testid=map-trajectory]').boundingBox();
    expect(map?.height ?? 0).toBeGreaterThan(300);
    expect(map?.width ?? 0).toBeGreaterThan(350);
    await noSideScroll('trajectory');
    await shot(w.page, 'officer-phone-trajectory');
    await w.context.close();
  });

  it('an officer adds a watch from the watches screen and the live alert stream connects', async () => {
    const w = await openPage(fx.browser, fx.server.url);
    await login(w.page, WEB_USERS.officer.username, WEB_PASSWORD);
    await w.page.goto(`${fx.server.url}#/watches`);
    await w.page.fill('.picker input', subject.residentId);
    await w.page.click('.picker button[type=submit]');
    await answerPurpose(w.page);
    await w.page.click(`.picker [data-eid="${subject.eid}"]`);
    await w.page.waitForSelector('[data-testid=watch-list] li');
    await w.page.waitForFunction(() => document.querySelector('[data-testid=sse-state]')?.textContent === '已连接', null, { timeout: 30_000 });
    await shot(w.page, 'officer-watches');
    // Clean up: remove the watch again.
    await w.page.click('[data-testid=watch-list] li button');
    await w.page.waitForFunction(() => !document.querySelector('[data-testid=watch-list] li'));
    await w.context.close();
  });
});
