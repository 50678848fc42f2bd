export * from './universal/graph-model.ts';
export * from './universal/catalog-types.ts';
export * from './universal/errors.ts';
