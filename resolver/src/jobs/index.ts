/** BullMQ workers that run pipeline work. */
export { type BackgroundJobs, startBackgroundJobs } from './background-jobs.ts';
export { startIngestWorker } from './ingest-worker.ts';
export { type RealtimeWorkers, startRealtimeWorkers } from './realtime-workers.ts';
export { FORCE_MS, STOP_SIGNALS, type StopOptions, type StopSignal, stopOnSignal, type Track } from './stop-on-signal.ts';
