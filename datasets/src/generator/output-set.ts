/**
 * All files of one generation run: a daily file per source, the truth files, duplicate
 * deliveries and the manifest. Holds one bounded buffer per open file, nothing else.
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { SourceCatalogEntry } from '@onemap/graph-schema';
import type { NoiseInjector, NoiseTag } from '../noise/noise-injector.ts';
import { BufferedFile, csvLine } from '../output/daily-writer.ts';
import { Rng } from '../random/rng.ts';
import { noiseRate, type ResolvedOptions, type SourceId } from './options.ts';
import type { Mention, Row } from './rows/row-context.ts';
import { formatTime } from './time.ts';

const DAY = 86_400;
const RECORD_PREFIX: Record<SourceId, string> = {
  household: 'HJ',
  hotel: 'LG',
  netcafe: 'WB',
  rail: 'E',
  vehicle_registry: 'JD',
  checkpoint: 'KK',
  business: 'GS',
  telecom: 'DX',
  incident: 'JQ',
};

/** One written file as listed in the manifest. */
export interface FileEntry {
  path: string;
  sha256: string;
  bytes: number;
  records: number;
}

interface DayFile {
  file: BufferedFile;
  duplicate: boolean;
}

/** Writers for every source/day plus truth files. */
export class OutputSet {
  private readonly days: DayFile[][];
  private readonly counters = new Map<SourceId, number>();
  readonly records = new Map<SourceId, number>();
  readonly truth: Record<'records' | 'noise' | 'companions' | 'sharedPhones' | 'aliases', BufferedFile> & { series?: BufferedFile };
  readonly files: FileEntry[] = [];
  /** Noise tags written to `truth/noise.csv`, per kind (dropped records excluded). */
  readonly noiseWritten: Record<string, number> = {};
  dropped = 0;

  constructor(
    private readonly opts: ResolvedOptions,
    private readonly catalog: Map<SourceId, SourceCatalogEntry>,
    private readonly sources: readonly SourceId[],
    private readonly start: number,
    private readonly noise: NoiseInjector,
  ) {
    rmSync(opts.outDir, { recursive: true, force: true });
    mkdirSync(opts.outDir, { recursive: true });
    this.days = sources.map((source) => {
      const entry = this.entry(source);
      const ext = entry.file.format;
      return Array.from({ length: opts.days }, (_, d) => {
        const date = formatTime(start + d * DAY, 'yyyy-MM-dd');
        const file = new BufferedFile(join(opts.outDir, source, `${date}.${ext}`), entry.file.encoding);
        if (ext === 'csv') file.writeLine(entry.fields.map((f) => f.column).join(entry.file.delimiter ?? ','));
        const duplicate =
          entry.updateMode === 'batch' &&
          Rng.derive(opts.seed, 'duplicate', source, d).next() < noiseRate(opts, source, 'duplicateDelivery');
        return { file, duplicate };
      });
    });
    const truthDir = join(opts.outDir, 'truth');
    const truthFile = (name: string, header: string) => {
      const f = new BufferedFile(join(truthDir, name));
      f.writeLine(header);
      return f;
    };
    this.truth = {
      records: truthFile('records.csv', 'source,record_id,role,entity_kind,entity_id'),
      noise: truthFile('noise.csv', 'source,record_id,field,noise_kind'),
      companions: truthFile('companions.csv', 'group_id,person_entity_id'),
      sharedPhones: truthFile('shared_phones.csv', 'phone,person_entity_id'),
      aliases: truthFile('aliases.csv', 'person_entity_id,name_a,name_b'),
      ...(opts.series.perTenThousand > 0
        ? { series: truthFile('series.csv', 'series_id,case_entity_id,kind,offender_entity_ids') }
        : {}),
    };
  }

  private entry(source: SourceId): SourceCatalogEntry {
    const e = this.catalog.get(source);
    if (!e) throw new Error(`no catalog entry for ${source}`);
    return e;
  }

  /** Write one record to its source's daily file and its truth rows. Out-of-window records are dropped. */
  emit(source: SourceId, at: number, row: Row, mentions: Mention[], tags: NoiseTag[]): void {
    const day = Math.floor((at - this.start) / DAY);
    const si = this.sources.indexOf(source);
    const target = this.days[si]?.[day];
    if (!target) {
      this.dropped++;
      return;
    }
    const n = (this.counters.get(source) ?? 0) + 1;
    this.counters.set(source, n);
    const recordId =
      (row.record_id as string | undefined) ??
      `${RECORD_PREFIX[source]}${formatTime(at, 'yyyyMMdd')}${String(n).padStart(8, '0')}`;
    const entry = this.entry(source);
    const full: Row = { ...row, record_id: recordId };
    if (entry.file.format === 'csv') {
      target.file.writeLine(csvLine(entry.fields.map((f) => full[f.column] ?? '')));
    } else {
      const obj: Row = {};
      for (const f of entry.fields) obj[f.column] = full[f.column] ?? '';
      target.file.writeLine(JSON.stringify(obj));
    }
    this.records.set(source, (this.records.get(source) ?? 0) + 1);
    for (const m of mentions) this.truth.records.writeLine(`${source},${recordId},${m.role},${m.kind},${m.eid}`);
    const all = target.duplicate ? [...tags, { field: '', kind: 'duplicate_delivery' as const }] : tags;
    for (const t of all) {
      this.truth.noise.writeLine(`${source},${recordId},${t.field},${t.kind}`);
      this.noiseWritten[t.kind] = (this.noiseWritten[t.kind] ?? 0) + 1;
    }
    if (target.duplicate) this.noise.count('duplicate_delivery', source);
  }

  /** Close everything, make the duplicate deliveries, and list every file with its hash. */
  close(): FileEntry[] {
    const rel = (p: string) => relative(this.opts.outDir, p).split('\\').join('/');
    this.sources.forEach((source, si) => {
      const ext = this.entry(source).file.format;
      for (const { file, duplicate } of this.days[si] ?? []) {
        const sha256 = file.close();
        const records = file.lines - (ext === 'csv' ? 1 : 0);
        this.files.push({ path: rel(file.path), sha256, bytes: file.bytes, records });
        if (duplicate && records > 0) {
          const copy = file.path.replace(/\.(csv|jsonl)$/, `.redelivered.$1`);
          copyFileSync(file.path, copy);
          this.files.push({ path: rel(copy), sha256, bytes: file.bytes, records });
        }
      }
    });
    for (const f of Object.values(this.truth)) {
      if (!f) continue;
      const sha256 = f.close();
      this.files.push({ path: rel(f.path), sha256, bytes: f.bytes, records: f.lines - 1 });
    }
    this.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return this.files;
  }
}
