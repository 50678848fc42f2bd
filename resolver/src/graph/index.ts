/** The resolver's repository modules that other packages read: staged batches and their status, co-occurrences (co-travel's input). */
export { type BatchInfo, type BatchStatus, findBatch, listBatches, readBatchStatuses } from './batches.ts';
export { countLoadedFacts } from './bulk-load-state.ts';
export { type CoOccurrenceRow, findCoOccurrences, findSightingCoOccurrences, type PersonSightings, type SightingCoOccurrences } from './co-travel.ts';
