/** The pipeline into Neo4j: a staged batch read, resolved incrementally, written, with its derivations scheduled. */
export { authorityFromCatalog, goldenValues } from './golden-values.ts';
export { GraphResolver, type ProcessStats } from './graph-resolver.ts';
export { type RecordFacts, recordFacts, type RoleVisit } from './record-facts.ts';
export { IngestPipeline, type PipelineDeps, type SubmitResult } from './ingest-pipeline.ts';
export { pipelineFromConfig, pipelineSettingsOf } from './pipeline-from-config.ts';
export { type EntityEvent, EVENTS_CHANNEL, publishEvents } from './publish-events.ts';
export { withResolveLock } from './resolve-lock.ts';
