/**
 * The analyst's relation graph: expanding a node adds its neighbours, the shortest path is
 * highlighted, and the same entities are drawn on the map; co-location and collision run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebFixture, type WebFixture } from '../helpers/web-app.ts';
import { countColour, login, openPage, shot, waitForMap } from '../helpers/web-browser.ts';
import { WEB_PASSWORD, WEB_USERS } from '../helpers/web-seed.ts';
import { busiestTraveller, sharedPhone, twoPlacesOf } from '../helpers/web-subjects.ts';

let fx: WebFixture;

beforeAll(async () => {
  fx = await startWebFixture(console.log);
});
afterAll(async () => {
  await fx?.close();
});

async function answerPurpose(page: import('playwright-core').Page) {
  await page.waitForSelector('[data-testid=purpose-prompt]');
  await page.fill('[data-testid=purpose-prompt] input[name=purpose-case]', 'A6201022026030002');
  await page.fill('[data-testid=purpose-prompt] textarea', '团伙关系研判');
  await page.click('[data-testid=purpose-prompt] button[type=submit]');
}

type Cy = { getElementById: (id: string) => { nonempty: () => boolean; renderedPosition: () => { x: number; y: number } }; nodes: () => { length: number }; $: (s: string) => { length: number } };

describe('web: relation graph', () => {
  it('clicking a node expands it: new nodes are added; the shortest path is highlighted', async () => {
    const s = await sharedPhone(fx.graph);
    const w = await openPage(fx.browser, fx.server.url);
    await login(w.page, WEB_USERS.analyst.username, WEB_PASSWORD);
    await w.page.goto(`${fx.server.url}#/graph?eid=${encodeURIComponent(s.a.eid)}`);
    await answerPurpose(w.page);
    await w.page.waitForFunction((phone) => (window as unknown as { __onemapGraph?: Cy }).__onemapGraph?.getElementById(phone).nonempty(), s.phone, { timeout: 30_000 });
    const before = await w.page.evaluate(() => (window as unknown as { __onemapGraph: Cy }).__onemapGraph.nodes().length);
    expect(await w.page.evaluate((b) => (window as unknown as { __onemapGraph: Cy }).__onemapGraph.getElementById(b).nonempty(), s.b)).toBe(false);

    // Click the phone node where cytoscape draws it. The graph may lay itself out again between
    // reading the position and the click (an answer arriving late refits it): then read it again
    // and click again — at most three clicks, each a real click on the drawn node.
    let expanded = false;
    for (let attempt = 0; attempt < 3 && !expanded; attempt++) {
      const box = await w.page.locator('[data-testid=relation-graph]').boundingBox();
      const pos = await w.page.evaluate((phone) => (window as unknown as { __onemapGraph: Cy }).__onemapGraph.getElementById(phone).renderedPosition(), s.phone);
      if (!box) throw new Error('graph not laid out');
      await w.page.mouse.click(box.x + pos.x, box.y + pos.y);
      expanded = await w.page
        .waitForFunction((b) => (window as unknown as { __onemapGraph: Cy }).__onemapGraph.getElementById(b).nonempty(), s.b, { timeout: 15_000 })
        .then(() => true, () => false);
    }
    expect(expanded, 'clicking the shared phone adds the second person').toBe(true);
    const after = await w.page.evaluate(() => (window as unknown as { __onemapGraph: Cy }).__onemapGraph.nodes().length);
    expect(after).toBeGreaterThan(before);

    await w.page.selectOption('[data-testid=path-from]', s.a.eid);
    await w.page.selectOption('[data-testid=path-to]', s.b);
    await w.page.click('text=查找路径');
    await w.page.waitForFunction(() => (window as unknown as { __onemapGraph: Cy }).__onemapGraph.$('edge.path').length >= 2, null, { timeout: 30_000 });
    await waitForMap(w.page, 'graph-map');
    await shot(w.page, 'analyst-graph');
    expect(w.foreignRequests).toEqual([]);

    // A new search clears the old graph and its path (it kept them: counter 6, drawing 12 — issue 16).
    const other = await busiestTraveller(fx.graph);
    await w.page.fill('[data-testid=graph-picker] input', other.residentId);
    await w.page.click('[data-testid=graph-picker] button[type=submit]');
    await w.page.click(`[data-testid=graph-picker] [data-eid="${other.eid}"]`);
    await w.page.waitForFunction((eid) => (window as unknown as { __onemapGraph?: Cy }).__onemapGraph?.getElementById(eid).nonempty(), other.eid, { timeout: 30_000 });
    await w.page.waitForFunction((a) => !(window as unknown as { __onemapGraph: Cy }).__onemapGraph.getElementById(a).nonempty(), s.a.eid, { timeout: 30_000 });
    const drawn = await w.page.evaluate(() => (window as unknown as { __onemapGraph: Cy }).__onemapGraph.nodes().length);
    expect(Number(await w.page.getAttribute('[data-testid=relation-graph]', 'data-nodes'))).toBe(drawn);
    expect(await w.page.evaluate(() => (window as unknown as { __onemapGraph: Cy }).__onemapGraph.$('.path').length)).toBe(0);
    // Node kinds have a legend; edge types read as words, not codes.
    expect(await w.page.textContent('[data-testid=graph-legend]')).toContain('人员');
    const labels = await w.page.evaluate(() => (window as unknown as { __onemapGraph: { edges: () => { map: (f: (e: { data: (k: string) => string }) => string) => string[] } } }).__onemapGraph.edges().map((e) => e.data('label')));
    expect(labels.length).toBeGreaterThan(0);
    for (const l of labels) expect(l).not.toMatch(/^[A-Z_]+$/);
    // The map beside the graph shows the drawn person's places (venues, checkpoints…), not an empty map.
    await w.page.waitForFunction(() => Number(document.querySelector('[data-testid=graph-map-places]')?.getAttribute('data-count') ?? 0) > 0, null, { timeout: 120_000 });
    await waitForMap(w.page, 'graph-map');
    const placed = await w.page.evaluate(() => {
      const m = (window as unknown as { __onemapMaps: { id: string; map: { getBounds: () => { getWest: () => number; getEast: () => number } } }[] }).__onemapMaps.find((x) => x.id === 'graph-map');
      const b = m?.map.getBounds();
      return b ? b.getEast() - b.getWest() : 0;
    });
    expect(placed).toBeGreaterThan(0);
    // Places are drawn in orange (the base map has none of it).
    expect(await countColour(w.page, await w.page.locator('[data-testid=map-graph-map]').screenshot(), [255, 127, 14], 30)).toBeGreaterThan(20);
    await shot(w.page, 'analyst-graph-new-search');
    await w.context.close();
  });

  it('co-location lists who was seen near the busiest traveller, and collision needs two drawn areas', async () => {
    const t = await busiestTraveller(fx.graph);
    const w = await openPage(fx.browser, fx.server.url);
    await login(w.page, WEB_USERS.analyst.username, WEB_PASSWORD);
    await w.page.goto(`${fx.server.url}#/analysis`);
    await w.page.fill('.picker input', t.residentId);
    await w.page.click('.picker button[type=submit]');
    await answerPurpose(w.page);
    await w.page.click(`.picker [data-eid="${t.eid}"]`);
    await w.page.waitForSelector('[data-testid=colocation-table], [data-testid=empty], [data-testid=error]');
    expect(await w.page.locator('[data-testid=error]').count()).toBe(0);
    await waitForMap(w.page, 'colocation');
    await shot(w.page, 'analyst-colocation');

    await w.page.click('[data-testid=tab-collision]');
    await waitForMap(w.page, 'collision');
    // Two small circles around the first two places the traveller visited: the traveller must be found.
    const places = await twoPlacesOf(fx.graph, t.eid);
    expect(places).toHaveLength(2);
    const map = await w.page.locator('[data-testid=map-collision]').boundingBox();
    if (!map) throw new Error('no map');
    for (const p of places) {
      const px = await w.page.evaluate(
        ([lon, lat]) => {
          const m = (window as unknown as { __onemapMaps: { id: string; map: { project: (c: [number, number]) => { x: number; y: number } } }[] }).__onemapMaps.find((x) => x.id === 'collision');
          const q = m?.map.project([lon as number, lat as number]);
          return { x: q?.x ?? 0, y: q?.y ?? 0 };
        },
        [p.lon, p.lat],
      );
      await w.page.click('[data-testid=draw-area]');
      await w.page.mouse.click(map.x + px.x, map.y + px.y);
      await w.page.mouse.click(map.x + px.x + 2, map.y + px.y);
      await w.page.click('[data-testid=finish-area]');
    }
    await w.page.click('[data-testid=run-collision]');
    await w.page.waitForSelector('[data-testid=collision-results], [data-testid=error]', { timeout: 60_000 });
    await shot(w.page, 'analyst-collision');
    expect(await w.page.locator('[data-testid=error]').count()).toBe(0);
    expect(await w.page.textContent('[data-testid=collision-results]')).toContain(t.name);
    await w.context.close();
  });
});
