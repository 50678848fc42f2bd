/**
 * What every row builder shares: the row and mention types, the context, and helpers
 * for venue columns and the names persons give.
 */
import type { EntityKind } from '@onemap/graph-schema';
import type { NoiseInjector, NoiseTag } from '../../noise/noise-injector.ts';
import type { Rng } from '../../random/rng.ts';
import type { SourceId } from '../options.ts';
import type { Venue } from '../places.ts';
import type { Person } from '../population.ts';

/** A raw source row: column → value. */
export type Row = Record<string, string | number>;

/** One entity mention in a record, for `truth/records.csv`. */
export interface Mention {
  role: string;
  kind: EntityKind;
  eid: string;
}

/** Where rows go: the generator's writer. `at` picks the daily file. */
export type Emit = (source: SourceId, at: number, row: Row, mentions: Mention[], tags: NoiseTag[]) => void;

/** Everything a row builder needs. */
export interface RecordContext {
  rng: Rng;
  noise: NoiseInjector;
  emit: Emit;
}

export const SEX_ZH = { M: '男', F: '女' } as const;

export function venueColumns(prefix: string, v: Venue): Row {
  return {
    [`${prefix}_code`]: v.id,
    [`${prefix}_name`]: v.name,
    [`${prefix}_address`]: v.address,
    [`${prefix}_lon`]: v.point[0],
    [`${prefix}_lat`]: v.point[1],
  };
}

/** The name a person gives in an event record: with probability `aliasShare` the planted alias. */
export function eventName(
  ctx: RecordContext,
  source: SourceId,
  p: Person,
  field: string,
  tags: NoiseTag[],
  aliasShare = 0.5,
): string {
  if (p.alias && ctx.rng.chance(aliasShare)) {
    tags.push({ field, kind: 'alias_name' });
    ctx.noise.count('alias_name', source);
    return ctx.noise.name(ctx.rng, source, p, field, tags, p.alias);
  }
  return ctx.noise.name(ctx.rng, source, p, field, tags);
}
