/** The resolver's repository modules that other packages read: staged batches and their status. */
export { type BatchInfo, type BatchStatus, findBatch, listBatches } from './batches.ts';
