// time the worker's first whole-graph sync, and its heap after it (node --expose-gc --import tsx)
import { loadResolverConfig } from './src/config.ts';
import { pipelineFromConfig } from './src/pipeline/index.ts';
const config = loadResolverConfig();
const p = pipelineFromConfig(config);
const t0 = performance.now();
await p.resolver.warm();
const ms = performance.now() - t0;
(globalThis as { gc?: () => void }).gc?.();
const mu = process.memoryUsage();
console.log(JSON.stringify({ syncS: +(ms / 1000).toFixed(1), heapMiB: Math.round(mu.heapUsed / 2 ** 20), rssMiB: Math.round(mu.rss / 2 ** 20), peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
await p.shutdown();
