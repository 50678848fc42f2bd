/**
 * The code a `new Worker(code, { eval: true })` runs to load a worker module: the module itself
 * when this runs as JavaScript, else the same module through tsx's API (a worker's entry module
 * does not see the parent's `--import tsx` hooks on Node 20). `moduleUrl` names the `.ts` file;
 * a built tree has the `.js` beside it.
 */
export function workerBoot(moduleUrl: URL): string {
  const url = moduleUrl.href;
  if (!import.meta.url.endsWith('.ts')) return `import(${JSON.stringify(url.replace(/\.ts$/, '.js'))})`;
  const api = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(api)}).then((t) => { t.register(); return import(${JSON.stringify(url)}); })`;
}
