/**
 * Injects source noise into field values and records every change as a noise tag
 * (`field`, `kind`) so quality rules can be scored for precision and recall.
 * For each kind it counts opportunities (mentions where the kind could apply) and
 * applications, so tests can check the realised rate against the configured one.
 */

import { residentIdCheckChar } from '@onemap/graph-schema';
import { type NoiseRates, noiseRate, type ResolvedOptions, type SourceId } from '../generator/options.ts';
import { ALT_DATE_FORMATS, ALT_TIME_FORMATS, formatTime, type TimeFormat } from '../generator/time.ts';
import { homophoneVariant, pinyinVariant, swappedVariant, traditionalVariant, typoVariant } from '../names/variants.ts';
import type { Rng } from '../random/rng.ts';

/** Kinds of noise written to `truth/noise.csv`. */
export type NoiseKind =
  | 'homophone'
  | 'typo'
  | 'traditional'
  | 'pinyin_only'
  | 'swapped_order'
  | 'missing_id'
  | 'bad_check_digit'
  | 'transposed_id'
  | 'date_format'
  | 'old_address'
  | 'plate_misread'
  | 'duplicate_delivery'
  | 'alias_name'
  | 'partial_identity'
  | 'late_update'
  | 'org_legal_form'
  | 'org_region'
  | 'org_spaces'
  | 'org_drop_industry'
  | 'credit_lower'
  | 'credit_typo'
  | 'org_traditional'
  | 'credit_missing'
  | 'missing_field';

/** One change made to one field of a record. */
export interface NoiseTag {
  field: string;
  kind: NoiseKind;
}

const KIND_OF: Record<keyof NoiseRates, NoiseKind> = {
  homophone: 'homophone',
  typo: 'typo',
  traditional: 'traditional',
  pinyinOnly: 'pinyin_only',
  swappedOrder: 'swapped_order',
  missingId: 'missing_id',
  badCheckDigit: 'bad_check_digit',
  transposedId: 'transposed_id',
  dateFormat: 'date_format',
  oldAddress: 'old_address',
  plateMisread: 'plate_misread',
  duplicateDelivery: 'duplicate_delivery',
  orgLegalForm: 'org_legal_form',
  orgRegion: 'org_region',
  orgSpaces: 'org_spaces',
  orgTraditional: 'org_traditional',
  orgDropIndustry: 'org_drop_industry',
  creditMissing: 'credit_missing',
  creditLower: 'credit_lower',
  creditTypo: 'credit_typo',
};

const MISREAD: Record<string, string> = {
  '8': 'B',
  B: '8',
  '0': 'D',
  D: '0',
  '1': 'T',
  '5': 'S',
  S: '5',
  '2': 'Z',
  Z: '2',
  Q: '0',
};

/** A person as far as name noise is concerned. */
export interface NamedPerson {
  name: string;
  familyLength: number;
  foreign: unknown;
}

/** Noise injection with per-kind bookkeeping. */
export class NoiseInjector {
  /** Applications per noise kind. */
  readonly applied: Record<string, number> = {};
  /** Opportunities per noise kind (mentions where it could have applied). */
  readonly opportunities: Record<string, number> = {};
  /** The same per source: `bySource[source][kind] = { applied, opportunities }`. */
  readonly bySource: Record<string, Record<string, { applied: number; opportunities: number }>> = {};

  constructor(private readonly opts: ResolvedOptions) {}

  private stat(source: string, kind: string): { applied: number; opportunities: number } {
    const perSource = this.bySource[source] ?? {};
    this.bySource[source] = perSource;
    const stat = perSource[kind] ?? { applied: 0, opportunities: 0 };
    perSource[kind] = stat;
    return stat;
  }

  private roll(rng: Rng, source: SourceId, kind: keyof NoiseRates): boolean {
    const k = KIND_OF[kind];
    this.opportunities[k] = (this.opportunities[k] ?? 0) + 1;
    const st = this.stat(source, k);
    st.opportunities++;
    const hit = rng.next() < noiseRate(this.opts, source, kind);
    if (hit) {
      this.applied[k] = (this.applied[k] ?? 0) + 1;
      st.applied++;
    }
    return hit;
  }

  /** Count a tag that is not drawn from a rate (aliases, partial identities, duplicates). */
  count(kind: NoiseKind, source: SourceId, n = 1): void {
    this.applied[kind] = (this.applied[kind] ?? 0) + n;
    this.stat(source, kind).applied += n;
  }

  /** True with the configured probability of `kind` for `source` (counted). */
  chance(rng: Rng, source: SourceId, kind: keyof NoiseRates): boolean {
    return this.roll(rng, source, kind);
  }

  /**
   * A person's name as the source writes it: one of homophone, typo, traditional, Pinyin-only
   * or swapped order, each independently with its rate, at most one applied.
   */
  name(rng: Rng, source: SourceId, p: NamedPerson, field: string, tags: NoiseTag[], written = p.name): string {
    if (p.foreign) return written;
    const homo = homophoneVariant(rng, written);
    if (homo && this.roll(rng, source, 'homophone')) return tag(tags, field, 'homophone', homo);
    const typo = typoVariant(rng, written);
    if (typo && this.roll(rng, source, 'typo')) return tag(tags, field, 'typo', typo);
    const trad = traditionalVariant(written);
    if (trad && this.roll(rng, source, 'traditional')) return tag(tags, field, 'traditional', trad);
    const famLen = written === p.name ? p.familyLength : 1;
    if (this.roll(rng, source, 'pinyinOnly'))
      return tag(tags, field, 'pinyin_only', pinyinVariant(rng, written, famLen));
    const swapped = swappedVariant(written, famLen);
    if (swapped && this.roll(rng, source, 'swappedOrder')) return tag(tags, field, 'swapped_order', swapped);
    return written;
  }

  /** A resident id as written: missing, wrong check character, or two digits transposed. */
  residentId(rng: Rng, source: SourceId, id: string, field: string, tags: NoiseTag[]): string {
    if (!id) return id;
    if (this.roll(rng, source, 'missingId')) return tag(tags, field, 'missing_id', '');
    if (this.roll(rng, source, 'badCheckDigit')) {
      const good = id[17] as string;
      const chars = '0123456789X'.replace(good, '');
      return tag(tags, field, 'bad_check_digit', id.slice(0, 17) + chars[rng.int(chars.length)]);
    }
    if (this.roll(rng, source, 'transposedId')) {
      for (let tries = 0; tries < 20; tries++) {
        const i = rng.range(6, 15);
        if (id[i] !== id[i + 1]) {
          const out = id.slice(0, i) + id[i + 1] + id[i] + id.slice(i + 2);
          if (residentIdCheckChar(out.slice(0, 17)) !== out[17]) return tag(tags, field, 'transposed_id', out);
        }
      }
    }
    return id;
  }

  /** A timestamp in the source's format, or (noise) in another one. */
  time(
    rng: Rng,
    source: SourceId,
    sec: number,
    fmt: TimeFormat,
    field: string,
    tags: NoiseTag[],
    dateOnly = false,
  ): string {
    if (this.roll(rng, source, 'dateFormat')) {
      const alts = (dateOnly ? ALT_DATE_FORMATS : ALT_TIME_FORMATS).filter((f) => f !== fmt);
      return tag(tags, field, 'date_format', formatTime(sec, rng.pick(alts)));
    }
    return formatTime(sec, fmt);
  }

  /** The current address, or (noise) an old one when the person has moved. */
  address(rng: Rng, source: SourceId, current: string, old: string | null, field: string, tags: NoiseTag[]): string {
    if (old && this.roll(rng, source, 'oldAddress')) return tag(tags, field, 'old_address', old);
    return current;
  }

  /** A plate as a camera reads it: one similar-looking character misread. */
  plate(rng: Rng, source: SourceId, plate: string, field: string, tags: NoiseTag[]): string {
    const chars = [...plate];
    const positions = chars.map((c, i) => (i >= 2 && MISREAD[c] ? i : -1)).filter((i) => i >= 0);
    if (positions.length === 0 || !this.roll(rng, source, 'plateMisread')) return plate;
    const i = rng.pick(positions);
    chars[i] = MISREAD[chars[i] as string] as string;
    return tag(tags, field, 'plate_misread', chars.join(''));
  }
}

function tag<T>(tags: NoiseTag[], field: string, kind: NoiseKind, value: T): T {
  tags.push({ field, kind });
  return value;
}
