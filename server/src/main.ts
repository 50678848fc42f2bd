/** Starts the OneMap server: `tsx server/src/main.ts` (config from the environment). */
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
void stop.then(async (signal) => {
  app.log.info({ signal }, 'shutting down');
  await app.close();
  process.exit(0);
});
try {
  await app.listen({ host: config.HOST, port: config.PORT });
} catch (e) {
  const err = e as NodeJS.ErrnoException;
  console.error(
    err.code === 'EADDRINUSE'
      ? `server: port ${config.PORT} on ${config.HOST} is already in use — stop what holds it or set PORT`
      : `server: could not start: ${err.message}`,
  );
  process.exit(2);
}
