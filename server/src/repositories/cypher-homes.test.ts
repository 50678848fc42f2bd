import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The source roots scanned for Cypher and for sessions/transactions (one list; add a package's src here). */
export const SCANNED_ROOTS = ['server/src', 'graph-schema/src', 'resolver/src'] as const;

/**
 * The only places that may hold Cypher or open a session/transaction: repository modules, the
 * schema's migrations, and the transaction helpers themselves.
 */
const REPOSITORY_HOMES = [
  'server/src/repositories/',
  'resolver/src/graph/',
  'graph-schema/src/repositories/',
  'graph-schema/src/migrations/',
  'graph-schema/src/neo4j/driver.ts',
] as const;

/** What counts as Cypher or a session/transaction call, with a name for the report. */
const PATTERNS: [string, RegExp][] = [
  ['opens a session', /\.session\(/],
  ['opens a transaction', /\b(readTx|writeTx|runAutoCommit)\(|\.(executeRead|executeWrite|executeQuery|beginTransaction)\(/],
  ['runs a statement', /\btx\.run\(|\.run\(\s*['"`]/],
  ['holds Cypher', /['"`][^'"`\n]*\b(MATCH|MERGE|UNWIND|OPTIONAL MATCH|DETACH DELETE)\b\s*\(|['"`]\s*(MATCH|MERGE|UNWIND|CREATE|RETURN)\b[^'"`\n]*['"`]/],
];

/** Every `path:line what` where `text` (the file at `file`) holds Cypher or opens a session. */
export function cypherOutsideRepositories(file: string, text: string): string[] {
  if (REPOSITORY_HOMES.some((home) => file.startsWith(home))) return [];
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    for (const [what, re] of PATTERNS) if (re.test(line)) found.push(`${file}:${i + 1} ${what}`);
  });
  return found;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((d) => {
    const rel = `${dir}/${d.name}`;
    if (d.isDirectory()) return sourceFiles(rel);
    return /\.tsx?$/.test(d.name) && !/\.test\.tsx?$/.test(d.name) ? [rel] : [];
  });
}

describe('Cypher lives only in repository modules', () => {
  it('no file outside a repository module holds Cypher or opens a session or transaction', () => {
    const found = SCANNED_ROOTS.flatMap((root) => sourceFiles(root).flatMap((f) => cypherOutsideRepositories(f, fs.readFileSync(path.join(ROOT, f), 'utf8'))));
    expect(found, `move these into a repository module:\n${found.join('\n')}`).toEqual([]);
  });

  it('flags a route that opens a session or runs Cypher itself', () => {
    const route = [
      "const s = app.graph.driver.session({ database: 'neo4j' });",
      "await readTx(app.graph, (tx) => tx.run('MATCH (r:SourceRecord {rid: $rid}) RETURN r', { rid }));",
    ].join('\n');
    expect(cypherOutsideRepositories('server/src/routes/api/x.ts', route)).toEqual([
      'server/src/routes/api/x.ts:1 opens a session',
      'server/src/routes/api/x.ts:2 opens a transaction',
      'server/src/routes/api/x.ts:2 runs a statement',
      'server/src/routes/api/x.ts:2 holds Cypher',
    ]);
    expect(cypherOutsideRepositories('server/src/repositories/x.ts', route)).toEqual([]);
  });
});
