/** The pipeline into Neo4j: staging, jobs, incremental resolution, writes, derivations. */
export { IngestPipeline, type PipelineDeps, type SubmitResult } from './ingest-pipeline.ts';
export { pipelineFromConfig, pipelineSettingsOf } from './pipeline-from-config.ts';
export { GraphResolver, type ProcessStats } from './graph-resolver.ts';
export { withResolveLock } from './resolve-lock.ts';
export { EVENTS_CHANNEL, type EntityEvent, publishEvents } from './publish-events.ts';
export { goldenValues, authorityFromCatalog } from './golden-values.ts';
export { stageFile, stageRecords, type StagedBatch } from '../intake/staged-batch.ts';
export { readRejectsReport, writeRejectsReport } from '../intake/rejects-report.ts';
export { type BatchInfo, findBatch, listBatches } from '../graph/batches.ts';
export { deriveCoTravel, type CoTravelSettings } from '../derive/co-travel.ts';
export { startIngestWorker } from '../jobs/ingest-worker.ts';
export { type BackgroundJobs, startBackgroundJobs } from '../jobs/background-jobs.ts';
export { redisConnectionOf } from '../queue/connection.ts';
export { loadResolverConfig, type PipelineConfig, type ResolverConfig } from '../config.ts';
