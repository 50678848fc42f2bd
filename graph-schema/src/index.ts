/** The universal (import-safe) exports of graph-schema: browser and Node both import these. */
export * from './universal/graph-model.ts';
export * from './universal/catalog-types.ts';
export * from './universal/attribute-meta.ts';
export * from './universal/id-check-chars.ts';
export * from './universal/golden-value.ts';
export * from './universal/errors.ts';
export * from './universal/beijing-time.ts';
export * from './universal/geo/index.ts';
export * from './universal/csv-cell.ts';
export * from './universal/place-facts.ts';
export * from './universal/entity-naming.ts';
