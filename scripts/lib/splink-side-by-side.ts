/**
 * Splink on the same organization mentions as `onemap resolve`, in the same run (bench
 * `--splink`): writes the mentions lightly cleaned (the old resolver's name key: simplified,
 * folded, no spaces or legal-form suffix; upper-case credit code), runs
 * `scripts/lib/splink_orgs.py` with the repository's `.venv` (created with
 * `python3 -m venv .venv && .venv/bin/pip install splink`), and reads back its clusters.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Mention } from '@onemap/resolver';

const PYTHON = '.venv/bin/python';

const csvCell = (v: string | undefined) => {
  const s = v ?? '';
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Why Splink cannot run here, or undefined when it can. */
export function splinkUnavailable(): string | undefined {
  const py = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  if (py.error || py.status !== 0)
    return 'python3 is not installed: install Python 3.9+ to compare with Splink (the OneMap figures above stand alone)';
  if (!existsSync(PYTHON))
    return 'no .venv with Splink: run `python3 -m venv .venv && .venv/bin/pip install splink` in the repository root';
  const s = spawnSync(PYTHON, ['-c', 'import splink'], { encoding: 'utf8' });
  if (s.status !== 0) return 'splink is not importable from .venv: run `.venv/bin/pip install splink`';
  return undefined;
}

/** @returns mention key -> Splink cluster id, and Splink's wall time in ms */
export function runSplink(mentions: Mention[], threshold = 0.9): { entityOf: Map<string, string>; ms: number } {
  const dir = mkdtempSync(join(tmpdir(), 'onemap-splink-'));
  try {
    const inp = join(dir, 'orgs.csv');
    const out = join(dir, 'clusters.csv');
    const lines = ['unique_id,name,credit_code,address,phone,legal_rep'];
    mentions.forEach((m, i) => {
      const a = m.attrs;
      lines.push(
        [String(i), a.nameKey, a.creditCode ?? a.creditCodeRaw, a.address, a.phone, a.legalRep].map(csvCell).join(','),
      );
    });
    writeFileSync(inp, `${lines.join('\n')}\n`);
    const t0 = performance.now();
    const r = spawnSync(PYTHON, ['scripts/lib/splink_orgs.py', inp, out, String(threshold)], {
      encoding: 'utf8',
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`splink failed (exit ${r.status})`);
    const entityOf = new Map<string, string>();
    for (const line of readFileSync(out, 'utf8').trim().split('\n').slice(1)) {
      const [id, cluster] = line.split(',');
      entityOf.set(mentions[Number(id)]!.key, `S${cluster}`);
    }
    return { entityOf, ms };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
