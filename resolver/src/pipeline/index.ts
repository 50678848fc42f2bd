/** The pipeline into Neo4j: a staged batch read, resolved incrementally, written, with its derivations scheduled. */
export { authorityFromCatalog, goldenValues, nodePropertyOf } from './golden-values.ts';
export { bulkCoTravel } from './bulk-co-travel.ts';
export { GraphResolver, type ProcessStats, SYNC_PROGRESS_EVERY_MS, type SyncProgress } from './graph-resolver.ts';
export { type RecordFacts, recordFacts, type RoleVisit } from './record-facts.ts';
export { GroupCommit } from './group-commit.ts';
export { GROUP_TIMINGS_KEY, type GroupTiming, readGroupTimings, recordGroupTiming } from './group-timings.ts';
export { IngestPipeline, type IngestLane, type PipelineDeps, type SubmitResult } from './ingest-pipeline.ts';
export { LEADER_KEY, LeaderLease, type LeaderLeaseOptions } from './leader-lease.ts';
export {
  type AfterCommitJob,
  type AfterCommitRun,
  GROUP_MAX_PUSHES,
  isTraceOnly,
  type PushJob,
  REALTIME_CONCURRENCY,
  RealtimeIngest,
} from './realtime-ingest.ts';
export { pipelineFromConfig, pipelineSettingsOf } from './pipeline-from-config.ts';
export { type EntityEvent, EVENTS_CHANNEL, publishEvents } from './publish-events.ts';
export { SharedResolveLock, withResolveLock } from './resolve-lock.ts';
