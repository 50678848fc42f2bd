import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Graph, readTx, runAutoCommit, writeTx } from '../neo4j/driver.ts';
import { GraphError, GraphErrorCode } from '../neo4j/errors.ts';
import { Label } from '../universal/graph-model.ts';

/** Default folder of the versioned Cypher files `V<NNN>__<description>.cypher`. */
export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

export interface Migration {
  version: number;
  description: string;
  file: string;
  checksum: string;
  statements: string[];
}

export interface MigrationResult {
  applied: number[];
  alreadyApplied: number[];
}

const FILE_RE = /^V(\d{3,})__([\w-]+)\.cypher$/;

/** Splits a Cypher file into statements on `;` at line ends, dropping `//` comment lines. */
export function splitStatements(text: string): string[] {
  const body = text
    .split('\n')
    .filter((l) => !l.trim().startsWith('//'))
    .join('\n');
  return body
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Reads the migration files in version order; a malformed name or duplicate version is an error. */
export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const seen = new Map<number, string>();
  const out: Migration[] = [];
  for (const file of fs.readdirSync(dir).sort()) {
    if (!file.endsWith('.cypher')) continue;
    const m = FILE_RE.exec(file);
    if (!m) throw new GraphError(GraphErrorCode.MigrationFailed, { detail: `migration file name ${file} does not match V<NNN>__<name>.cypher` });
    const version = Number(m[1]);
    if (seen.has(version)) throw new GraphError(GraphErrorCode.MigrationFailed, { detail: `migrations ${seen.get(version)} and ${file} share version ${version}` });
    seen.set(version, file);
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    out.push({
      version,
      description: m[2] ?? '',
      file,
      checksum: createHash('sha256').update(text).digest('hex'),
      statements: splitStatements(text),
    });
  }
  return out.sort((a, b) => a.version - b.version);
}

const CREATE_INDEX = /^\s*CREATE\s+(?:\w+\s+)?INDEX\s+(\w+)/i;
const DROP_INDEX = /^\s*DROP\s+INDEX\s+(\w+)/i;
const DROP_STATEMENT = /^\s*DROP\s+(?:INDEX|CONSTRAINT)\b/i;

/**
 * The statements of `pending` (in order) that create an index a later pending migration drops:
 * building it would be wasted (at a million records a full-text index is ~30 s of population on a
 * fresh bulk-loaded graph, dropped a few statements later and built again), so `migrate` skips them.
 * @returns keys `<version>:<statement index>`
 */
export function supersededIndexStatements(pending: readonly Pick<Migration, 'version' | 'statements'>[]): Set<string> {
  const lastDrop = new Map<string, number>();
  for (const m of pending)
    for (const st of m.statements) {
      const name = DROP_INDEX.exec(st)?.[1];
      if (name) lastDrop.set(name, Math.max(lastDrop.get(name) ?? 0, m.version));
    }
  const out = new Set<string>();
  for (const m of pending)
    for (const [i, st] of m.statements.entries()) {
      const name = CREATE_INDEX.exec(st)?.[1];
      if (name && (lastDrop.get(name) ?? 0) > m.version) out.add(`${m.version}:${i}`);
    }
  return out;
}

export interface MigrateOptions {
  /** Told of each statement run, with its wall time (a bulk load reports the slow ones). */
  onStatement?: (s: { version: number; file: string; index: number; ms: number }) => void;
  /**
   * The graph was just written whole by this code's bulk import (neo4j-admin): only the schema
   * statements run (`isSchemaStatement`), every migration is recorded. A migration's data
   * statements bring a graph written by older code up to date; the import writes today's
   * properties already, so they would change nothing and only scan the store (at a million
   * records several seconds, on a store whose caches are cold). `pipeline-bulk-load.test.ts`
   * runs every data statement on a bulk-loaded graph and fails if one changes anything.
   */
  freshImport?: boolean;
}

const SCHEMA_STATEMENT = /^\s*(?:CREATE|DROP)\s+(?:\w+\s+)?(?:INDEX|CONSTRAINT)\b/i;

/** Whether a migration statement changes the schema (an index or constraint), not the data. */
export function isSchemaStatement(statement: string): boolean {
  return SCHEMA_STATEMENT.test(statement);
}

/**
 * Applies pending migrations in order and records each as a `__OneMapMigration` node with its
 * checksum. An applied migration whose file changed since is an error, never a silent re-run.
 * An index a later pending migration drops is not built (`supersededIndexStatements`); on a graph
 * a bulk import just wrote, only schema statements run, indexes before constraints
 * (`MigrateOptions.freshImport`, `freshImportStatements`).
 */
export async function migrate(graph: Graph, dir = MIGRATIONS_DIR, opts: MigrateOptions = {}): Promise<MigrationResult> {
  const migrations = readMigrations(dir);
  await runAutoCommit(
    graph,
    `CREATE CONSTRAINT onemap_migration_version IF NOT EXISTS FOR (m:${Label.Migration}) REQUIRE m.version IS UNIQUE`,
  );
  const applied = await readTx(graph, async (tx) => {
    const r = await tx.run(`MATCH (m:${Label.Migration}) RETURN m.version AS version, m.checksum AS checksum, m.file AS file`);
    return new Map(r.records.map((x) => [x.get('version') as number, { checksum: x.get('checksum') as string, file: x.get('file') as string }]));
  });
  const result: MigrationResult = { applied: [], alreadyApplied: [] };
  const pending: Migration[] = [];
  for (const m of migrations) {
    const before = applied.get(m.version);
    if (!before) {
      pending.push(m);
      continue;
    }
    if (before.checksum !== m.checksum) throw new GraphError(GraphErrorCode.MigrationChanged, { version: m.version, file: m.file });
    result.alreadyApplied.push(m.version);
  }
  const skip = supersededIndexStatements(pending);
  const run = async (m: Migration, i: number) => {
    const t = performance.now();
    try {
      await runAutoCommit(graph, m.statements[i]!);
      opts.onStatement?.({ version: m.version, file: m.file, index: i, ms: performance.now() - t });
    } catch (e) {
      throw new GraphError(
        GraphErrorCode.MigrationFailed,
        { detail: `migration ${m.file} statement ${i + 1} failed: ${(e as Error).message}`, version: m.version },
        { cause: e },
      );
    }
  };
  const record = async (m: Migration) => {
    await writeTx(graph, (tx) =>
      tx.run(
        `CREATE (:${Label.Migration} {version: $version, description: $description, file: $file, checksum: $checksum, appliedAt: datetime()})`,
        { version: m.version, description: m.description, file: m.file, checksum: m.checksum },
      ),
    );
    result.applied.push(m.version);
  };
  if (opts.freshImport) {
    for (const { m, i } of freshImportStatements(pending, skip)) await run(m, i);
    for (const m of pending) await record(m);
    return result;
  }
  for (const m of pending) {
    for (const i of m.statements.keys()) if (!skip.has(`${m.version}:${i}`)) await run(m, i);
    await record(m);
  }
  return result;
}

/**
 * What a freshly imported graph runs of the pending migrations (`MigrateOptions.freshImport`),
 * in the order that builds its schema soonest: the schema statements only, DROPs first (no-ops
 * there: the import made no index, and an index a pending migration drops and makes again is made
 * after them), then every CREATE INDEX (each populates in the background, not waited for), then
 * the constraints (each populates its index as it is created, beside the indexes populating). At a
 * million records on two cores: every index ONLINE in 17.6–19.2 s against 23.6–25.5 s in version
 * order. An index a later pending migration drops is left out (`supersededIndexStatements`).
 */
export function freshImportStatements<M extends Pick<Migration, 'version' | 'statements'>>(pending: readonly M[], skip = supersededIndexStatements(pending)): { m: M; i: number }[] {
  const rank = (st: string) => (DROP_STATEMENT.test(st) ? 0 : CREATE_INDEX.test(st) ? 1 : 2);
  return pending
    .flatMap((m) => m.statements.map((st, i) => ({ m, i, st })))
    .filter((x) => isSchemaStatement(x.st) && !skip.has(`${x.m.version}:${x.i}`))
    .map((x, at) => ({ ...x, at, rank: rank(x.st) }))
    .sort((a, b) => a.rank - b.rank || a.at - b.at)
    .map(({ m, i }) => ({ m, i }));
}

/** A stable text of the schema (constraints and indexes), to compare before and after. */
export async function describeSchema(graph: Graph): Promise<string[]> {
  return readTx(graph, async (tx) => {
    const c = await tx.run('SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties RETURN name, type, labelsOrTypes, properties');
    const i = await tx.run(
      'SHOW INDEXES YIELD name, type, labelsOrTypes, properties, options WHERE type <> "LOOKUP" RETURN name, type, labelsOrTypes, properties',
    );
    return [...c.records, ...i.records].map((r) => JSON.stringify(r.toObject())).sort();
  });
}
