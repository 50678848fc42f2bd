/** Starts the OneMap server: `tsx server/src/main.ts` (config from the environment). */
import net from 'node:net';
import { loadConfig } from './config.ts';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (e) {
  // ResolverError's message already reads `invalid configuration: VAR must be … (got …)`; prefix its stable code.
  const code = (e as { code?: string }).code;
  console.error(`server: ${code ? `${code}: ` : ''}${(e as Error).message}`);
  process.exit(2);
}
// The app (and every plugin) loads only once the configuration is known to be good.
const { buildApp } = await import('./app.ts');
const { stopOnSignal } = await import('@onemap/resolver/jobs');
// listening before the app starts; the stop (requests in flight, an embedded worker's jobs) is
// bounded by ONEMAP_WORKER_STOP_MS, then the process exits anyway
const stop = stopOnSignal({ name: 'server', graceMs: config.ONEMAP_WORKER_STOP_MS });
const app = await buildApp({ config });
/** Says why the server cannot listen and exits 2 (a port held elsewhere, said before a warm-up would make one wait for it). */
function cannotListen(e: unknown): never {
  const err = e as NodeJS.ErrnoException;
  console.error(
    err.code === 'EADDRINUSE'
      ? `server: port ${config.PORT} on ${config.HOST} is already in use — stop what holds it or set PORT`
      : `server: could not start: ${err.message}`,
  );
  process.exit(2);
}
/** Binds the port and lets it go at once: whether `listen` would fail, known before the warm-up. */
async function checkPort(): Promise<void> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen({ host: config.HOST, port: config.PORT }, () => probe.close(() => resolve()));
  }).catch(cannotListen);
}
let stopping = false;
void stop.then(async (signal) => {
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  await app.close();
  process.exit(0);
});
// The plans warmed before it listens (a request that can reach the server is not met by a cold plan),
// at most ONEMAP_WARM_UP_WAIT_MS; past it the warm-up goes on in the background. A stop signal stops it.
if (config.ONEMAP_WARM_UP && config.ONEMAP_WARM_UP_WAIT_MS > 0) {
  if (config.PORT !== 0) await checkPort();
  await app.ready();
  app.log.info(
    `warming query plans before listening (at most ${Math.round(config.ONEMAP_WARM_UP_WAIT_MS / 1000)} s, ONEMAP_WARM_UP_WAIT_MS)`,
  );
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    app.warmUpPlans(),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, config.ONEMAP_WARM_UP_WAIT_MS);
    }),
  ]);
  clearTimeout(timer);
}
// stopped while it warmed up: the stop closes the app and exits; nothing to listen for
if (stopping) await stop;
else
  try {
    await app.listen({ host: config.HOST, port: config.PORT });
  } catch (e) {
    cannotListen(e);
  }
