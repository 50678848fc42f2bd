/**
 * `npm run datasets -- <command> [options]`
 *
 *   [generate] --persons N --seed S --out DIR [--days D] [--noise-scale X] [--start YYYY-MM-DD] [--series PER_10K]
 *   sample                         regenerate the committed sample in datasets/sample
 *   replay --source ID --url URL [--rate N] [--key K] [--dir DIR] [--limit N]
 *                                  (K: the source system's key, default $ONEMAP_SOURCE_KEY)
 *   validate                       validate the source catalog
 */
import { loadCatalog } from './catalog/load-catalog.ts';
import { validateCatalog } from './catalog/validate-catalog.ts';
import { generateProvince, type Summary } from './generator/generate-province.ts';
import type { GenerateOptions } from './generator/options.ts';
import { replaySource } from './replay/replay-source.ts';
import { SAMPLE_DIR, SAMPLE_OPTIONS } from './sample.ts';

function parseArgs(argv: string[]): { command: string; flags: Map<string, string> } {
  const flags = new Map<string, string>();
  let command = 'generate';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2) as [string, string | undefined];
      if (v !== undefined) flags.set(k, v);
      else if (argv[i + 1] !== undefined && !(argv[i + 1] as string).startsWith('--'))
        flags.set(k, argv[++i] as string);
      else flags.set(k, 'true');
    } else command = a;
  }
  return { command, flags };
}

function num(flags: Map<string, string>, key: string): number | undefined {
  const v = flags.get(key);
  if (v === undefined) return undefined;
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isFinite(n)) throw new Error(`--${key} must be a number, got ${v}`);
  return n;
}

function printSummary(s: Summary, ms: number): void {
  const bySource = new Map<string, { files: number; bytes: number }>();
  for (const f of s.files) {
    const src = f.path.split('/')[0] as string;
    const e = bySource.get(src) ?? { files: 0, bytes: 0 };
    e.files++;
    e.bytes += f.bytes;
    bySource.set(src, e);
  }
  const rows = Object.entries(s.records).map(([src, n]) => {
    const f = bySource.get(src) ?? { files: 0, bytes: 0 };
    return { source: src, records: n, files: f.files, MiB: +(f.bytes / 2 ** 20).toFixed(1) };
  });
  const t = bySource.get('truth');
  rows.push({ source: 'truth', records: 0, files: t?.files ?? 0, MiB: +((t?.bytes ?? 0) / 2 ** 20).toFixed(1) });
  console.log(`\nRecords per source (${s.outDir}):`);
  console.table(rows);
  console.log('Noise applied (kind: applied / opportunities):');
  console.table(
    Object.entries(s.noise).map(([kind, n]) => {
      const opp = s.noiseOpportunities[kind];
      return { kind, applied: n, opportunities: opp ?? '', rate: opp ? +(n / opp).toFixed(4) : '' };
    }),
  );
  console.log('Planted ground truth:', s.planted);
  console.log(`Duplicate deliveries: ${s.duplicateFiles.length} files`);
  const peak = process.resourceUsage().maxRSS / 1024;
  console.log(`Done in ${(ms / 1000).toFixed(1)} s, peak RSS ${peak.toFixed(0)} MiB`);
}

const USAGE = `npm run datasets -- <command> [options]

  [generate] --persons N --seed S --out DIR [--days D] [--noise-scale X] [--start YYYY-MM-DD] [--series PER_10K]
  sample                         regenerate the committed sample in datasets/sample
  replay --source ID --url URL [--rate N] [--key K] [--dir DIR] [--limit N]
                                 (K: the source system's key, default $ONEMAP_SOURCE_KEY)
  validate                       validate the source catalog`;

/** The options each command takes: anything else is a typo, refused before any work starts. */
const OPTIONS: Record<string, string[]> = {
  generate: ['persons', 'seed', 'out', 'days', 'noise-scale', 'start', 'series'],
  sample: [],
  replay: ['source', 'url', 'rate', 'key', 'dir', 'limit'],
  validate: [],
};

async function main(): Promise<void> {
  const { command, flags } = parseArgs(process.argv.slice(2));
  if (command === 'help' || flags.has('help') || flags.has('h')) {
    console.log(USAGE);
    return;
  }
  const known = OPTIONS[command];
  if (known) {
    const unknown = [...flags.keys()].filter((k) => !known.includes(k));
    if (unknown.length)
      throw new Error(
        `datasets ${command}: unknown option ${unknown.map((k) => `--${k}`).join(', ')} (takes ${known.length ? known.map((k) => `--${k}`).join(', ') : 'no options'}); see npm run datasets -- --help`,
      );
  }
  const log = (m: string) => console.log(m);
  const t0 = Date.now();
  if (command === 'generate' || command === 'sample') {
    const options: GenerateOptions =
      command === 'sample'
        ? { ...SAMPLE_OPTIONS, outDir: SAMPLE_DIR, log }
        : {
            persons: num(flags, 'persons'),
            seed: flags.get('seed'),
            outDir: flags.get('out'),
            days: num(flags, 'days'),
            startDate: flags.get('start'),
            noiseScale: num(flags, 'noise-scale'),
            ...(flags.has('series') ? { series: { perTenThousand: num(flags, 'series') as number } } : {}),
            log,
          };
    console.log(`Generating ${options.persons ?? 10_000} persons, seed ${options.seed ?? 'onemap'} ...`);
    printSummary(await generateProvince(options), Date.now() - t0);
  } else if (command === 'replay') {
    const source = flags.get('source');
    const url = flags.get('url');
    if (!source || !url) throw new Error('replay needs --source ID and --url URL');
    const r = await replaySource({
      source,
      url,
      rate: num(flags, 'rate'),
      key: flags.get('key'),
      dir: flags.get('dir'),
      limit: num(flags, 'limit'),
      log,
    });
    console.log(
      `sent ${r.sent}, accepted ${r.accepted}, rejected ${r.rejected} (${r.batches} batches, ${r.failedBatches} failed)`,
    );
    if (r.failedBatches > 0) process.exitCode = 1;
  } else if (command === 'validate') {
    const { ok, problems } = validateCatalog(loadCatalog());
    for (const p of problems) console.log(`  ${p}`);
    console.log(ok ? 'catalog ok' : `${problems.length} problems`);
    if (!ok) process.exitCode = 1;
  } else {
    throw new Error(`unknown command ${command}; use generate, sample, replay or validate`);
  }
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(1);
});
