/**
 * Options of the synthetic province generator and the noise it injects.
 */
import { type CompanyOptions, DEFAULT_COMPANY_OPTIONS } from './org-variants.ts';
import { DEFAULT_SERIES_OPTIONS, type SeriesOptions } from './series.ts';

/** The sources the generator writes, by catalog id. */
export const SOURCE_IDS = [
  'household',
  'hotel',
  'netcafe',
  'rail',
  'vehicle_registry',
  'checkpoint',
  'business',
  'telecom',
  'incident',
] as const;
export type SourceId = (typeof SOURCE_IDS)[number];

/**
 * Per-record noise rates (probabilities, before `noiseScale`). Name and id rates apply
 * to each person mention that has that field; `duplicateDelivery` applies per daily
 * batch file.
 */
export interface NoiseRates {
  /** One name character replaced by a same-Pinyin character (伟→玮). */
  homophone: number;
  /** One name character replaced by a look-alike (王→玉), or the last one dropped. */
  typo: number;
  /** Name written in traditional characters (张→張). */
  traditional: number;
  /** Name written in Pinyin only (`ZHANG Wei`, `Wei Zhang`). */
  pinyinOnly: number;
  /** Given name before family name (伟张). */
  swappedOrder: number;
  /** Resident id left empty. */
  missingId: number;
  /** Resident id with a wrong check character. */
  badCheckDigit: number;
  /** Resident id with two adjacent digits transposed (check no longer matches). */
  transposedId: number;
  /** A timestamp or date written in another format than the source's own. */
  dateFormat: number;
  /** A previous address given instead of the current one. */
  oldAddress: number;
  /** A plate read wrongly by a camera (8↔B, 0↔D, ...). */
  plateMisread: number;
  /** A daily batch file delivered twice under another file name. */
  duplicateDelivery: number;
  /** Company name: another legal form (有限责任公司, （有限公司）, 股份有限公司). */
  orgLegalForm: number;
  /** Company name: the region as the province, the city with 市, in parentheses after the trade name, or left out. */
  orgRegion: number;
  /** Company name: a stray (half- or full-width) space. */
  orgSpaces: number;
  /** Company name in traditional characters. */
  orgTraditional: number;
  /** Company name without its industry word. */
  orgDropIndustry: number;
  /** Credit code left empty. */
  creditMissing: number;
  /** Credit code written in lower case. */
  creditLower: number;
  /** Credit code with one character mistyped (the check character no longer matches). */
  creditTypo: number;
}

/** Default noise rates for event sources. */
export const DEFAULT_NOISE: NoiseRates = {
  homophone: 0.02,
  typo: 0.005,
  traditional: 0.01,
  pinyinOnly: 0.01,
  swappedOrder: 0.005,
  missingId: 0.03,
  badCheckDigit: 0.005,
  transposedId: 0.005,
  dateFormat: 0.02,
  oldAddress: 0.05,
  plateMisread: 0.01,
  duplicateDelivery: 0.15,
  orgLegalForm: 0.12,
  orgRegion: 0.2,
  orgSpaces: 0.04,
  orgTraditional: 0.03,
  orgDropIndustry: 0.06,
  creditMissing: 0.25,
  creditLower: 0.04,
  creditTypo: 0.03,
};

/** Per-source multipliers on top of the defaults: the registries are cleaner. */
export const SOURCE_NOISE: Partial<Record<SourceId, Partial<NoiseRates>>> = {
  household: {
    pinyinOnly: 0,
    swappedOrder: 0,
    missingId: 0,
    oldAddress: 0,
    homophone: 0.004,
    typo: 0.001,
    traditional: 0.002,
    badCheckDigit: 0.001,
    transposedId: 0.001,
  },
  business: {
    pinyinOnly: 0,
    swappedOrder: 0,
    oldAddress: 0,
    // the registry is the authority: its own change records are cleaner than other sources
    orgLegalForm: 0.05,
    orgRegion: 0.08,
    orgDropIndustry: 0.02,
    // the code is a required column of the registry: it is never left out nor mistyped there
    creditMissing: 0,
    creditTypo: 0,
  },
  vehicle_registry: { pinyinOnly: 0, swappedOrder: 0, missingId: 0.005 },
  telecom: { pinyinOnly: 0, missingId: 0.01 },
  hotel: { pinyinOnly: 0.02 },
  rail: { pinyinOnly: 0.01, traditional: 0.005 },
};

/** Options of `generateProvince`. */
export interface GenerateOptions {
  /** Number of resident persons (foreign visitors come on top, about 0.5 %). Default 10,000. */
  persons?: number;
  /** Seed string; the same seed and options give byte-identical output. Default `onemap`. */
  seed?: string;
  /** Output directory. Default `datasets/out/<persons>`. */
  outDir?: string;
  /** Number of days of activity. Default 10. */
  days?: number;
  /** First day, `YYYY-MM-DD`. Default `2026-03-02`. */
  startDate?: string;
  /** Multiplier on every noise rate (0 = clean data). Default 1. */
  noiseScale?: number;
  /** Overrides of the default noise rates (before per-source rates and the scale). */
  noise?: Partial<NoiseRates>;
  /** Rates of planted organization hard negatives and change records (see `CompanyOptions`). */
  companies?: Partial<CompanyOptions>;
  /** Planted case series and look-alikes (see `SeriesOptions`); `{ perTenThousand: 0 }` plants none. */
  series?: Partial<SeriesOptions>;
  /** Progress messages; default none. */
  log?: (message: string) => void;
}

/** Options with every default filled in. */
export type ResolvedOptions = Required<Omit<GenerateOptions, 'noise' | 'log' | 'companies' | 'series'>> & {
  noise: NoiseRates;
  companies: CompanyOptions;
  series: SeriesOptions;
  log: (message: string) => void;
};

/**
 * Fill defaults and check ranges.
 * @throws Error naming every invalid option
 */
export function resolveOptions(o: GenerateOptions): ResolvedOptions {
  const persons = o.persons ?? 10_000;
  const problems: string[] = [];
  if (!Number.isInteger(persons) || persons < 1) problems.push(`persons must be a positive integer, got ${persons}`);
  if (o.days !== undefined && (!Number.isInteger(o.days) || o.days < 1 || o.days > 366))
    problems.push(`days must be 1..366, got ${o.days}`);
  if (o.startDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(o.startDate))
    problems.push(`startDate must be YYYY-MM-DD, got ${o.startDate}`);
  if (o.noiseScale !== undefined && !(o.noiseScale >= 0)) problems.push(`noiseScale must be >= 0, got ${o.noiseScale}`);
  if (problems.length > 0) throw new Error(`invalid options: ${problems.join('; ')}`);
  return {
    persons,
    seed: o.seed ?? 'onemap',
    outDir: o.outDir ?? `datasets/out/${persons}`,
    days: o.days ?? 10,
    startDate: o.startDate ?? '2026-03-02',
    noiseScale: o.noiseScale ?? 1,
    noise: { ...DEFAULT_NOISE, ...o.noise },
    companies: { ...DEFAULT_COMPANY_OPTIONS, ...o.companies },
    series: { ...DEFAULT_SERIES_OPTIONS, ...o.series },
    log: o.log ?? (() => {}),
  };
}

/** The effective rate of one noise kind in one source. */
export function noiseRate(opts: ResolvedOptions, source: SourceId, kind: keyof NoiseRates): number {
  const base = SOURCE_NOISE[source]?.[kind] ?? opts.noise[kind];
  return Math.min(1, base * opts.noiseScale);
}
