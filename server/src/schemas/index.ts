/**
 * The API's TypeBox schemas and their static types, for the web app:
 * `import type { Profile, Trajectory } from '@onemap/server/schemas'`.
 */
export * from './analysis.ts';
export * from './common.ts';
export * from './entities.ts';
export * from './layers.ts';
export * from './catalog.ts';
