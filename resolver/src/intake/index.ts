/** Intake: staging deliveries, reading and standardizing source files (one reader), rejects reports. */
export { type LoadedDirectory, loadDirectory, loadDirectoryParallel, loadTruth } from './load-directory.ts';
export { type LoadedSource, type LoadOptions, loadSource } from './load-source.ts';
export { parseCsv } from './parse-csv.ts';
export { type BatchRecord, type ReadBatchResult, readBatch } from './read-batch.ts';
export {
  decodeText,
  type RawRow,
  type ReadResult,
  type ReadSourceOptions,
  type ReadSourceResult,
  readSource,
  readSourceFile,
} from './read-source.ts';
export { readRejectsReport, writeRejectsReport } from './rejects-report.ts';
export { type StagedBatch, sha256, stageFile, stageRecords } from './staged-batch.ts';
