/**
 * Layout rules of resolver/src, checked on the source text:
 * - no import cycle between stage folders (a file at the top, e.g. `types.ts`, counts as its own node);
 * - Cypher and transactions only in `graph/` (the resolver's repository modules).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));
const SELF = fileURLToPath(import.meta.url);

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    else if (/\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

/** Relative module specifiers of `import … from`, `export … from`, `import '…'` and `import('…')`. */
function relativeImports(text: string): string[] {
  const specs: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
  for (const m of text.matchAll(re)) specs.push(m[1]!);
  return specs;
}

/** The stage a file belongs to: its first folder under src, or the file itself when it sits at the top. */
function nodeOf(file: string): string {
  const parts = relative(SRC, file).split(sep);
  return parts.length > 1 ? `${parts[0]}/` : parts[0]!;
}

/** Folder-level edges: from stage -> to stage -> one file import that makes the edge. */
function folderGraph(files: Array<{ file: string; text: string }>): Map<string, Map<string, string>> {
  const g = new Map<string, Map<string, string>>();
  for (const { file, text } of files) {
    const from = nodeOf(file);
    for (const spec of relativeImports(text)) {
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(SRC + sep)) continue;
      const to = nodeOf(target);
      if (to === from) continue;
      const edges = g.get(from) ?? new Map<string, string>();
      if (!edges.has(to)) edges.set(to, `${relative(SRC, file)} -> ${spec}`);
      g.set(from, edges);
    }
  }
  return g;
}

/** Every cycle's strongly connected component (Tarjan), each described by one cycle through it. */
function folderCycles(g: Map<string, Map<string, string>>): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const sccs: string[][] = [];
  let i = 0;
  const visit = (v: string): void => {
    index.set(v, i);
    low.set(v, i);
    i++;
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) sccs.push(scc);
    }
  };
  for (const v of g.keys()) if (!index.has(v)) visit(v);
  return sccs.map((scc) => {
    // Walk one cycle inside the component and name the import behind each step.
    const inScc = new Set(scc);
    const start = [...scc].sort()[0]!;
    const path = [start];
    const seen = new Set([start]);
    let cur = start;
    for (;;) {
      const next = [...(g.get(cur)?.keys() ?? [])].filter((n) => inScc.has(n)).sort();
      const back = next.find((n) => n === start && path.length > 1) ?? next.find((n) => !seen.has(n)) ?? next[0]!;
      path.push(back);
      if (back === start || seen.has(back)) break;
      seen.add(back);
      cur = back;
    }
    const steps = path.slice(1).map((to, k) => `${path[k]} → ${to} (${g.get(path[k]!)!.get(to)})`);
    return `cycle among {${scc.sort().join(', ')}}: ${steps.join('; ')}`;
  });
}

/** Cypher clauses as they appear in query strings, and the calls that open sessions or transactions. */
const CYPHER = /\b(?:MATCH|OPTIONAL MATCH|MERGE|CREATE|UNWIND)\s*[($]|\bDETACH DELETE\b|\bRETURN\s+DISTINCT\b/;
const SESSION = /\.session\(|\bbeginTransaction\(|\bexecuteRead\(|\bexecuteWrite\(|\breadTx\(|\bwriteTx\(|\btx\.run\(/;

/** Lines outside graph/ that hold Cypher or open a session/transaction. */
function cypherOutsideGraph(files: Array<{ file: string; text: string }>): string[] {
  const hits: string[] = [];
  for (const { file, text } of files) {
    if (nodeOf(file) === 'graph/') continue;
    text.split('\n').forEach((line, n) => {
      if (CYPHER.test(line) || SESSION.test(line)) hits.push(`${relative(SRC, file)}:${n + 1}: ${line.trim()}`);
    });
  }
  return hits;
}

const files = sourceFiles(SRC)
  .filter((f) => f !== SELF)
  .map((file) => ({ file, text: readFileSync(file, 'utf8') }));

describe('resolver layout', () => {
  it('has no import cycle between stage folders', () => {
    expect(folderCycles(folderGraph(files))).toEqual([]);
  });

  it('keeps Cypher and transactions in graph/ only', () => {
    expect(cypherOutsideGraph(files)).toEqual([]);
  });

  it('finds a folder cycle when one is there (the check can fail)', () => {
    const a = join(SRC, 'scoring', 'x.ts');
    const b = join(SRC, 'blocking', 'y.ts');
    const cycles = folderCycles(
      folderGraph([
        { file: a, text: "import { y } from '../blocking/y.ts';" },
        { file: b, text: "import type { X } from '../scoring/x.ts';" },
      ]),
    );
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toContain('blocking/ → scoring/');
  });

  it('finds Cypher and transactions outside graph/ (the check can fail)', () => {
    const hits = cypherOutsideGraph([
      {
        file: join(SRC, 'quality', 'q.ts'),
        text: "const r = await readTx(graph, (t) => t.run('MATCH (n:X) RETURN n'));",
      },
      { file: join(SRC, 'graph', 'ok.ts'), text: "tx.run('MERGE (n:X {id: $id})')" },
      { file: join(SRC, 'derive', 'd.ts'), text: '`UNWIND $eids AS eid`' },
    ]);
    expect(hits).toEqual([
      "quality/q.ts:1: const r = await readTx(graph, (t) => t.run('MATCH (n:X) RETURN n'));",
      'derive/d.ts:1: `UNWIND $eids AS eid`',
    ]);
  });
});
