/** BullMQ workers that run pipeline work. */
export { startIngestWorker } from './ingest-worker.ts';
