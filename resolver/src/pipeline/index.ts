/** The pipeline into Neo4j: staging, jobs, incremental resolution, writes, derivations. */
export { IngestPipeline, type PipelineDeps, type SubmitResult } from './ingest-pipeline.ts';
export { pipelineFromEnv } from './pipeline-from-env.ts';
export { GraphResolver, type ProcessStats } from './graph-resolver.ts';
export { withResolveLock } from './resolve-lock.ts';
export { EVENTS_CHANNEL, type EntityEvent, publishEvents } from './publish-events.ts';
export { goldenValues, authorityFromCatalog } from './golden-values.ts';
export { stageFile, stageRecords, type StagedBatch, stagingDirFromEnv } from '../intake/staged-batch.ts';
export { readRejectsReport, rejectsDirFromEnv, writeRejectsReport } from '../intake/rejects-report.ts';
export { type BatchInfo, findBatch, listBatches } from '../graph/batches.ts';
export { deriveCoTravel, coTravelSettingsFromEnv } from '../derive/co-travel.ts';
export { startIngestWorker } from '../jobs/ingest-worker.ts';
export { redisConnectionFromEnv } from '../queue/connection.ts';
