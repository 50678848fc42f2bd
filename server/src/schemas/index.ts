/**
 * The API's TypeBox schemas and their static types — the contract. Routes import them from the
 * module of their subtree; the web app imports the static types only:
 * `import type { Profile, Trajectory } from '@onemap/server/schemas'` (nothing reaches its bundle).
 * Every list answer is `ListOf(item)`: `{items, total?, truncated?}`.
 */
export * from './admin.ts';
export * from './analysis.ts';
export * from './areas.ts';
export * from './audit.ts';
export * from './auth.ts';
export * from './catalog.ts';
export * from './common.ts';
export * from './entities.ts';
export * from './health.ts';
export * from './ingest.ts';
export * from './layers.ts';
export * from './quality.ts';
export * from './resolution.ts';
export * from './series.ts';
export * from './warnings.ts';
export * from './watches.ts';
