import { loadCatalog } from '@onemap/datasets';
import { findBatch } from '@onemap/resolver/graph';
import { describeSchema, isSchemaStatement, readMigrations, readTx, runAutoCommit } from '@onemap/graph-schema/server';
import { describe, expect, it } from 'vitest';
import { type BulkLoadReport, runBulkLoad, writeLoadedQualityReports } from '../../resolver/src/cli/load-command.ts';
import { testEnv } from '../helpers/env.ts';
import { entityPartition, graphContentLines, graphCounts, lineDifferences } from '../helpers/graph-fingerprint.ts';
import { ingestDirect, queryRows, sampleFiles, useTestPipeline } from '../helpers/pipeline.ts';

const DAYS = ['2026-03-02'];
/** Two loads of a sample day and a Neo4j restart: minutes, and more than 15 on a machine shared by many (load average 30). */
const SLOW = 1_800_000;
const t = useTestPipeline();

/**
 * What both loads must agree on: nodes and edges by kind (not the delivery bookkeeping, nor the
 * per-batch quality reports and the tickets they open, which a bulk load does not make yet).
 */
const facts = (c: Record<string, number>) =>
  Object.fromEntries(
    Object.entries(c).filter(([k]) => !['node:Batch', 'node:QualityReport', 'node:QualityTicket', 'node:PipelineState', 'node:EidRedirect'].includes(k)),
  );

/** RESOLVED_TO edges by whether they are a possible match's and whether they carry a time: only a possible match's is timed (its one reader, the review queue). */
const timedEdges = () =>
  readTx(t.graph, async (tx) =>
    (await tx.run("MATCH ()-[x:RESOLVED_TO]->() RETURN x.decision = 'possible_match' AS possible, x.at IS NOT NULL AS timed, count(*) AS n ORDER BY possible, timed")).records.map((r) => r.toObject()),
  );

/** Each batch report's overall score and rule scores (failed of checked), by batch id. */
async function qualityByBatch(): Promise<Record<string, string>> {
  const rows = await queryRows<{ batchId: string; overall: number; scores: string }>(t, "MATCH (q:QualityReport {kind: 'batch'}) RETURN q.batchId AS batchId, q.overall AS overall, q.scoresJson AS scores");
  return Object.fromEntries(
    rows.map((r) => {
      const scores = (JSON.parse(r.scores) as { rule: string; checked: number; failed: number }[]).map((x) => `${x.rule} ${x.failed}/${x.checked}`).sort();
      return [r.batchId, `${Number(r.overall).toFixed(4)} ${scores.join(', ')}`];
    }),
  );
}

describe('bulk load (neo4j-admin import) writes the graph the incremental pipeline writes', () => {
  let incremental: { partition: string[]; lines: string[]; counts: Record<string, number>; schema: string[] };
  let report: BulkLoadReport;

  it('bulk load of the sample == incremental load of the sample: same entity partition, same facts', async () => {
    const files = sampleFiles(DAYS);
    const results = await ingestDirect(t.pipeline, files);
    expect(results.every((b) => b.status === 'done')).toBe(true);
    incremental = { partition: await entityPartition(t.graph), lines: await graphContentLines(t.graph), counts: await graphCounts(t.graph), schema: await describeSchema(t.graph) };
    expect(incremental.counts['node:SourceRecord']).toBeGreaterThan(900);
    const untimed = (rows: Record<string, unknown>[]) => rows.filter((r) => r.possible !== r.timed);
    const incrementalQuality = await qualityByBatch();
    expect(Object.keys(incrementalQuality).length).toBeGreaterThan(5);
    const incrementalTimes = await timedEdges();
    expect(untimed(incrementalTimes)).toEqual([]);

    report = await runBulkLoad({
      files: files.map(([source, path]) => ({ source, path })),
      catalog: loadCatalog(),
      neo4j: { uri: testEnv.NEO4J_URI, user: testEnv.NEO4J_USER, password: testEnv.NEO4J_PASSWORD, database: testEnv.NEO4J_DATABASE },
      stagingDir: t.pipeline.deps.stagingDir,
      rejectsDir: t.pipeline.deps.rejectsDir,
      eidKey: t.pipeline.deps.eidKey,
      csvDir: `${t.dir}/import-csv`,
      coTravel: { toleranceMinutes: 30, minCount: 2 },
      profile: 'test',
      force: true,
    });
    expect(report.ms.import).toBeGreaterThan(0);
    // the sequence the loaded graph ends at, as the workers' standbys are told it (`onemap load`)
    const [state] = await queryRows<{ seq: number }>(t, 'MATCH (s:PipelineState {id: "main"}) RETURN s.seq AS seq');
    expect(report.seq).toBeGreaterThan(0);
    expect(report.seq).toBe(state?.seq);
    // `onemap load` then writes the loaded batches' quality reports: the ones the incremental path wrote, batch by batch
    expect(await qualityByBatch()).toEqual({});
    const checked = await writeLoadedQualityReports(t.graph, report.loadedBatches ?? [], loadCatalog(), t.pipeline.deps.stagingDir);
    expect(checked).toBe(Object.keys(incrementalQuality).length);
    expect(await qualityByBatch()).toEqual(incrementalQuality);
    expect(await entityPartition(t.graph)).toEqual(incremental.partition);
    expect(facts(await graphCounts(t.graph))).toEqual(facts(incremental.counts));
    expect(untimed(await timedEdges())).toEqual([]);
    expect(lineDifferences(await graphContentLines(t.graph), incremental.lines, 2)).toEqual({ missing: [], extra: [] });

    // The load ran the migrations' schema statements only, indexes before constraints
    // (`freshImport`): the schema the migrations in version order made, and each data statement,
    // run now, must find nothing to change on the graph the import wrote.
    expect(await describeSchema(t.graph)).toEqual(incremental.schema);
    const data = readMigrations().flatMap((m) => m.statements.filter((st) => !isSchemaStatement(st)).map((st) => ({ file: m.file, st })));
    expect(data.length).toBeGreaterThan(5);
    for (const { file, st } of data) {
      const updates = (await runAutoCommit(t.graph, st)).summary.counters.updates();
      expect(Object.entries(updates).filter(([, n]) => n > 0), `${file}: ${st.slice(0, 80)}`).toEqual([]);
    }
  }, SLOW);

  it('after a bulk load the same files delivered again are no-ops and the pipeline continues from it', async () => {
    const files = sampleFiles(DAYS);
    const again = await ingestDirect(t.pipeline, files);
    for (const b of again) expect(b.status).toBe('done');
    expect(await findBatch(t.graph, again[0]!.batchId)).toMatchObject({ status: 'done' });
    const before = await graphCounts(t.graph);
    // A new day resolves against the loaded entities (no duplicate persons for the same resident IDs).
    const next = await ingestDirect(t.pipeline, sampleFiles(['2026-03-03']));
    expect(next.every((b) => b.status === 'done')).toBe(true);
    const after = await graphCounts(t.graph);
    expect(after['node:SourceRecord']!).toBeGreaterThan(before['node:SourceRecord']!);
    const dupes = await import('@onemap/graph-schema/server').then(({ readTx }) =>
      readTx(t.graph, async (tx) => {
        const r = await tx.run("MATCH (i:Identifier {kind: 'resident_id'})<-[:HAS_IDENTIFIER]-(p:Person) WITH i, count(DISTINCT p) AS n WHERE n > 1 RETURN count(i) AS n");
        return Number(r.records[0]!.get('n'));
      }),
    );
    expect(dupes).toBe(0);
  }, SLOW);
});
