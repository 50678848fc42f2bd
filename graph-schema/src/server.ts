/** Node-only exports of graph-schema: driver, transactions, errors, migrations, repositories. */
export * from './neo4j/config.ts';
export * from './neo4j/driver.ts';
export { boltWritesCoalesced } from './neo4j/bolt-writes.ts';
export * from './neo4j/errors.ts';
export * from './neo4j/values.ts';
export * from './node/event-loop-slices.ts';
export * from './migrations/migrations.ts';
export * from './repositories/units.ts';
export * from './repositories/place-facts.ts';
export * from './repositories/visit-place.ts';
export * from './repositories/newest-per-source.ts';
export * from './repositories/eid-redirects.ts';
export * from './repositories/watches.ts';
