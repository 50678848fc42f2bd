/**
 * `npm run bench web`: the web app's performance, measured.
 *
 * 1. Bundle: every emitted file of a production build (test-artifacts/web-dist/assets), raw and gzip, and what the login page
 *    loads (index.html's entry and its preloads) against what the map and graph screens add.
 * 2. Time to first drawn map: navigation start → the map's first `idle` (style, geography and
 *    layers drawn), logged in, in headless Chromium (SwiftShader), median of N runs.
 * 3. Layer panel with 1,000,000 trace points: the density layer aggregates 1M binary points on
 *    the GPU (`?benchPoints=1000000`); we time the first aggregation, then toggle layers and drag
 *    opacity and measure click → next painted frame, and long tasks on the main thread.
 *
 * Runs against the test-profile services (seeded like the web tests). Prints a table and writes
 * bench-results/web.json. Options: --runs N (default 3), --points N (default 1000000).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { ensureWebBuilt, startWebFixture, WEB_DIST } from '../test/helpers/web-app.ts';
import { login, openPage, waitForMap } from '../test/helpers/web-browser.ts';
import { WEB_PASSWORD, WEB_USERS } from '../test/helpers/web-seed.ts';
import { busiestTraveller } from '../test/helpers/web-subjects.ts';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const RUNS = arg('runs', 3);
const POINTS = arg('points', 1_000_000);

const kB = (n: number) => `${(n / 1024).toFixed(1)} kB`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))] ?? Number.NaN;
};

const dir = () => path.join(WEB_DIST, 'assets');

function bundle() {
  const assets = dir();
  const files = fs.readdirSync(assets).map((f) => {
    const buf = fs.readFileSync(path.join(assets, f));
    return { file: f, raw: buf.length, gzip: zlib.gzipSync(buf, { level: 9 }).length };
  });
  files.sort((a, b) => b.raw - a.raw);
  const html = fs.readFileSync(path.join(WEB_DIST, 'index.html'), 'utf8');
  const loginFiles = [...html.matchAll(/(?:src|href)="\/assets\/([^"]+)"/g)].map((m) => m[1] as string);
  const login = files.filter((f) => loginFiles.includes(f.file));
  const sum = (fs_: typeof files, k: 'raw' | 'gzip') => fs_.reduce((s, f) => s + f[k], 0);
  const js = files.filter((f) => f.file.endsWith('.js') || f.file.endsWith('.mjs'));
  return {
    files,
    login: { files: login.map((f) => f.file), raw: sum(login, 'raw'), gzip: sum(login, 'gzip') },
    allJs: { raw: sum(js, 'raw'), gzip: sum(js, 'gzip') },
  };
}

async function main() {
  ensureWebBuilt();
  const b = bundle();
  console.log(`\n== bundle (${path.relative(process.cwd(), dir())}) ==`);
  for (const f of b.files) console.log(`${f.file.padEnd(48)} ${kB(f.raw).padStart(10)} ${kB(f.gzip).padStart(10)} gz`);
  console.log(`login page loads: ${b.login.files.join(', ')} = ${kB(b.login.raw)} (${kB(b.login.gzip)} gz)`);
  console.log(`all JS: ${kB(b.allJs.raw)} (${kB(b.allJs.gzip)} gz)`);

  const fx = await startWebFixture(console.log);
  const results: Record<string, unknown> = { bundle: b, loadAverageAtStart: os.loadavg(), cores: os.cpus().length };
  try {
    // A token for the planner, put in sessionStorage before the app loads.
    const res = await fetch(`${fx.server.url}api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: WEB_USERS.planner.username, password: WEB_PASSWORD }) });
    const { token, user } = (await res.json()) as { token: string; user: { username: string; displayName: string; unitCode: string; roles: string[] } };
    const session = { token, user: { username: user.username, name: user.displayName, role: user.roles[0], roles: user.roles, unitCode: user.unitCode } };

    const firstMap: number[] = [];
    const phases: { created: number; load: number; idle: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const ctx = await fx.browser.newContext({ viewport: { width: 1400, height: 860 } });
      await ctx.addInitScript('globalThis.__name = globalThis.__name || ((f) => f);');
      await ctx.addInitScript((s) => {
        sessionStorage.setItem('onemap.token', s.token);
        sessionStorage.setItem('onemap.user', JSON.stringify(s.user));
      }, session);
      const page = await ctx.newPage();
      await page.goto(`${fx.server.url}#/map`);
      await page.waitForFunction(() => (window as unknown as { __onemapMaps?: { firstIdleAt?: number }[] }).__onemapMaps?.[0]?.firstIdleAt !== undefined, null, { timeout: 120_000 });
      const ph = await page.evaluate(() => {
        const m = (window as unknown as { __onemapMaps: { createdAt: number; loadAt?: number; firstIdleAt: number }[] }).__onemapMaps[0];
        return { created: m?.createdAt ?? Number.NaN, load: m?.loadAt ?? Number.NaN, idle: m?.firstIdleAt ?? Number.NaN };
      });
      phases.push(ph);
      firstMap.push(ph.idle);
      await ctx.close();
    }
    console.log(`\n== time to first drawn map (navigation → map idle), ${RUNS} runs; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores ==`);
    console.log(`median ${median(firstMap).toFixed(0)} ms; runs ${firstMap.map((x) => x.toFixed(0)).join(', ')} ms`);
    console.log(`phases (ms since navigation): ${phases.map((p) => `map constructed ${p.created.toFixed(0)}, style loaded ${p.load.toFixed(0)}, first idle ${p.idle.toFixed(0)}`).join(' | ')}`);
    results.firstMapMs = { median: median(firstMap), runs: firstMap, phases };

    // Login form → first drawn map: what a planner waits for after pressing 登录.
    const loginToMap: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const lw = await openPage(fx.browser, fx.server.url);
      await lw.page.fill('input[name=username]', WEB_USERS.planner.username);
      await lw.page.fill('input[name=password]', WEB_PASSWORD);
      const t = Date.now();
      await lw.page.click('button[type=submit]');
      await lw.page.waitForFunction(() => (window as unknown as { __onemapMaps?: { firstIdleAt?: number }[] }).__onemapMaps?.[0]?.firstIdleAt !== undefined, null, { timeout: 180_000, polling: 50 });
      loginToMap.push(Date.now() - t);
      await lw.context.close();
    }
    console.log(`\n== login (submit) → first drawn map, ${RUNS} runs; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} ==`);
    console.log(`median ${median(loginToMap).toFixed(0)} ms; runs ${loginToMap.map((x) => x.toFixed(0)).join(', ')} ms`);
    results.loginToFirstMapMs = { median: median(loginToMap), runs: loginToMap };

    // Trajectory drawn: an officer picks the busiest traveller; from the click on the hit to the
    // track's layer drawn and the map settled (purpose already given on the search).
    const traveller = await busiestTraveller(fx.graph);
    const trajectoryMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const tw = await openPage(fx.browser, fx.server.url);
      await login(tw.page, WEB_USERS.officer.username, WEB_PASSWORD);
      await tw.page.goto(`${fx.server.url}#/trajectory`);
      await waitForMap(tw.page, 'trajectory', 180_000);
      await tw.page.fill('[data-testid=trajectory-picker] input', traveller.residentId);
      await tw.page.click('[data-testid=trajectory-picker] button[type=submit]');
      await tw.page.waitForSelector('[data-testid=purpose-prompt]');
      await tw.page.fill('[data-testid=purpose-prompt] input[name=purpose-case]', 'A6201022026030001');
      await tw.page.fill('[data-testid=purpose-prompt] textarea', '性能测试 轨迹');
      await tw.page.click('[data-testid=purpose-prompt] button[type=submit]');
      const hit = `[data-testid=trajectory-picker] [data-eid="${traveller.eid}"]`;
      await tw.page.waitForSelector(hit);
      const t = Date.now();
      await tw.page.click(hit);
      await tw.page.waitForSelector('[data-testid=trajectory-places] li', { timeout: 180_000 });
      await waitForMap(tw.page, 'trajectory', 180_000);
      trajectoryMs.push(Date.now() - t);
      await tw.context.close();
    }
    console.log(`\n== trajectory: pick → track drawn and map settled, ${RUNS} runs; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} ==`);
    console.log(`median ${median(trajectoryMs).toFixed(0)} ms; runs ${trajectoryMs.map((x) => x.toFixed(0)).join(', ')} ms`);
    results.trajectoryDrawnMs = { median: median(trajectoryMs), runs: trajectoryMs, loadAverage: os.loadavg() };

    // 1M points aggregated on the GPU; then the panel's responsiveness.
    const w = await openPage(fx.browser, `${fx.server.url}?benchPoints=${POINTS}#/map`);
    await w.page.fill('input[name=username]', WEB_USERS.planner.username);
    await w.page.fill('input[name=password]', WEB_PASSWORD);
    await w.page.click('button[type=submit]');
    await waitForMap(w.page, 'onemap', 120_000);
    await w.page.evaluate(() => {
      const win = window as unknown as { __longTasks: number[] };
      win.__longTasks = [];
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) win.__longTasks.push(e.duration);
      }).observe({ type: 'longtask', buffered: false });
    });
    const t0 = Date.now();
    await w.page.check('[data-testid=layer-toggle-density]');
    await waitForMap(w.page, 'onemap', 300_000);
    const firstAggregation = Date.now() - t0;
    console.log(`\n== ${POINTS.toLocaleString()} trace points, GPU hexagon aggregation ==`);
    console.log(`first aggregation and draw: ${firstAggregation} ms`);

    /** Click → the next animation frame after the click's handlers ran (what the user feels). */
    const clickToFrame = async (selector: string) =>
      w.page.evaluate(
        (sel) =>
          new Promise<number>((resolve) => {
            const el = document.querySelector(sel) as HTMLElement;
            const t = performance.now();
            el.click();
            requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t)));
          }),
        selector,
      );
    const toggles: number[] = [];
    for (let i = 0; i < 10; i++) {
      for (const id of ['jurisdictions', 'density']) toggles.push(await clickToFrame(`[data-testid=layer-toggle-${id}]`));
      await w.page.waitForTimeout(200);
    }
    const opacity: number[] = [];
    for (let i = 0; i < 10; i++) {
      opacity.push(
        await w.page.evaluate(
          (v) =>
            new Promise<number>((resolve) => {
              const el = document.querySelector('[data-testid=layer-opacity-density]') as HTMLInputElement;
              const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
              const t = performance.now();
              setter?.call(el, String(v));
              el.dispatchEvent(new Event('input', { bubbles: true }));
              requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t)));
            }),
          (i % 2 ? 0.3 : 0.9) as number,
        ),
      );
    }
    const longTasks = await w.page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
    const domNodes = await w.page.evaluate(() => document.getElementsByTagName('*').length);
    console.log(`layer toggle click → painted frame: median ${median(toggles).toFixed(0)} ms, p90 ${pct(toggles, 90).toFixed(0)} ms, max ${Math.max(...toggles).toFixed(0)} ms (${toggles.length} clicks)`);
    console.log(`opacity change → painted frame: median ${median(opacity).toFixed(0)} ms, max ${Math.max(...opacity).toFixed(0)} ms`);
    console.log(`long tasks after load: ${longTasks.length} (max ${longTasks.length ? Math.max(...longTasks).toFixed(0) : 0} ms); DOM elements on the page: ${domNodes}`);
    results.million = { points: POINTS, firstAggregationMs: firstAggregation, toggleMs: { median: median(toggles), p90: pct(toggles, 90), max: Math.max(...toggles) }, opacityMs: { median: median(opacity), max: Math.max(...opacity) }, longTasks, domNodes };
    await w.context.close();
  } finally {
    await fx.close();
  }
  fs.mkdirSync('bench-results', { recursive: true });
  fs.writeFileSync('bench-results/web.json', `${JSON.stringify(results, null, 2)}\n`);
  console.log('\nwrote bench-results/web.json');
}

await main();
process.exit(0);
