/**
 * Headless Chromium for the web tests and the bench: Debian's /usr/bin/chromium driven by
 * playwright-core, WebGL through SwiftShader (see shared notes on headless WebGL). Pixel checks
 * decode screenshots inside the page (createImageBitmap), so no PNG library is needed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts/web');

/** Flags that give WebGL2 through SwiftShader and keep Chromium off the network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export interface WebPage {
  context: BrowserContext;
  page: Page;
  /** Requests the page made to any origin other than the app's (must stay empty: offline). */
  foreignRequests: string[];
  consoleErrors: string[];
}

/** A fresh context (own sessionStorage) with a fixed viewport, recording off-origin requests. */
export async function openPage(browser: Browser, baseUrl: string, opts: { lang?: 'zh' | 'en'; viewport?: { width: number; height: number } } = {}): Promise<WebPage> {
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1400, height: 860 }, deviceScaleFactor: 1, locale: 'zh-CN' });
  const page = await context.newPage();
  const origin = new URL(baseUrl).origin;
  const foreignRequests: string[] = [];
  const consoleErrors: string[] = [];
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) foreignRequests.push(u);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  // Functions passed to page.evaluate keep esbuild's `__name(...)` wrappers when run under tsx
  // (the bench): give the page a no-op `__name` so they still run.
  await context.addInitScript('globalThis.__name = globalThis.__name || ((f) => f);');
  if (opts.lang === 'en') await context.addInitScript(() => localStorage.setItem('onemap.lang', 'en'));
  await page.goto(baseUrl);
  return { context, page, foreignRequests, consoleErrors };
}

export async function login(page: Page, username: string, password: string): Promise<void> {
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=nav]', { timeout: 30_000 });
}

/** Waits until the named map has loaded its style and tiles and every deck layer is loaded, plus a few frames. */
export async function waitForMap(page: Page, id: string, timeoutMs = 60_000): Promise<void> {
  await page.waitForFunction(
    (mapId) => {
      const maps = (window as unknown as { __onemapMaps?: { id: string; settled: () => boolean }[] }).__onemapMaps;
      const p = maps?.find((m) => m.id === mapId);
      return Boolean(p?.settled());
    },
    id,
    { timeout: timeoutMs, polling: 100 },
  );
  // Let deck.gl and maplibre draw a few more frames (aggregation layers settle late under SwiftShader).
  await page.evaluate(() => new Promise<void>((r) => { let n = 0; const f = () => (++n >= 10 ? r() : requestAnimationFrame(f)); requestAnimationFrame(f); }));
  await page.waitForTimeout(300);
}

/** Screenshot of one element, saved under test-artifacts/web/<name>.png; returns the PNG. */
export async function shot(page: Page, name: string, selector?: string): Promise<Buffer> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  const buf = selector ? await page.locator(selector).first().screenshot({ path: file }) : await page.screenshot({ path: file });
  return buf;
}

/**
 * A blank page in the same browser context for decoding screenshots: the app's own pages run
 * under the server's CSP (connect-src 'self'), which forbids fetching data: URLs.
 */
const decoders = new WeakMap<BrowserContext, Promise<Page>>();
function decoder(page: Page): Promise<Page> {
  const ctx = page.context();
  let p = decoders.get(ctx);
  if (!p) {
    p = ctx.newPage();
    decoders.set(ctx, p);
  }
  return p;
}

/**
 * Counts pixels that differ between two PNGs of the same size by more than `tol` (0–255) in
 * any channel. Decoded in the page, so the test needs no image library.
 */
export async function changedPixels(page: Page, a: Buffer, b: Buffer, tol = 8): Promise<{ changed: number; total: number }> {
  return (await decoder(page)).evaluate(
    async ({ a64, b64, tol }) => {
      const decode = async (s: string) => {
        const blob = await (await fetch(`data:image/png;base64,${s}`)).blob();
        const bmp = await createImageBitmap(blob);
        const c = new OffscreenCanvas(bmp.width, bmp.height);
        const ctx = c.getContext('2d') as OffscreenCanvasRenderingContext2D;
        ctx.drawImage(bmp, 0, 0);
        return ctx.getImageData(0, 0, bmp.width, bmp.height);
      };
      const [x, y] = await Promise.all([decode(a64), decode(b64)]);
      if (x.width !== y.width || x.height !== y.height) return { changed: -1, total: 0 };
      let changed = 0;
      for (let i = 0; i < x.data.length; i += 4) {
        if (Math.abs((x.data[i] ?? 0) - (y.data[i] ?? 0)) > tol || Math.abs((x.data[i + 1] ?? 0) - (y.data[i + 1] ?? 0)) > tol || Math.abs((x.data[i + 2] ?? 0) - (y.data[i + 2] ?? 0)) > tol) changed++;
      }
      return { changed, total: x.width * x.height };
    },
    { a64: a.toString('base64'), b64: b.toString('base64'), tol },
  );
}

/** Number of pixels in a PNG whose colour is close to `rgb` (± tol per channel). */
export async function countColour(page: Page, png: Buffer, rgb: [number, number, number], tol = 40): Promise<number> {
  return (await decoder(page)).evaluate(
    async ({ s, rgb, tol }) => {
      const blob = await (await fetch(`data:image/png;base64,${s}`)).blob();
      const bmp = await createImageBitmap(blob);
      const c = new OffscreenCanvas(bmp.width, bmp.height);
      const ctx = c.getContext('2d') as OffscreenCanvasRenderingContext2D;
      ctx.drawImage(bmp, 0, 0);
      const d = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (Math.abs((d[i] ?? 0) - rgb[0]) <= tol && Math.abs((d[i + 1] ?? 0) - rgb[1]) <= tol && Math.abs((d[i + 2] ?? 0) - rgb[2]) <= tol) n++;
      return n;
    },
    { s: png.toString('base64'), rgb, tol },
  );
}

/** Distinct colours (quantised to 16 levels per channel) in a PNG: a blank canvas has one or two. */
export async function distinctColours(page: Page, png: Buffer): Promise<number> {
  return (await decoder(page)).evaluate(async (s) => {
    const blob = await (await fetch(`data:image/png;base64,${s}`)).blob();
    const bmp = await createImageBitmap(blob);
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = c.getContext('2d') as OffscreenCanvasRenderingContext2D;
    ctx.drawImage(bmp, 0, 0);
    const d = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < d.length; i += 4) seen.add((((d[i] ?? 0) >> 4) << 8) | (((d[i + 1] ?? 0) >> 4) << 4) | ((d[i + 2] ?? 0) >> 4));
    return seen.size;
  }, png.toString('base64'));
}
