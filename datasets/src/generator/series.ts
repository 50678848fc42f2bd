/**
 * Planted case series (类案串并) with ground truth: one offender (sometimes with an accomplice)
 * commits several cases of one type over days across the counties of one city, each written with
 * a variation of the series' modus operandi (MO) in Chinese; the offender is named as suspect in
 * some of them, and their vehicle passes a checkpoint, or they log in at an internet café, near a
 * scene at the right time. Look-alikes are unrelated cases of the same type written from the same
 * MO family (similar text, different people, places and days) — the hard negatives.
 * Every draw comes from a stream derived from the block and series index, so nothing else moves.
 */
import { Rng } from '../random/rng.ts';
import type { ActivityContext } from './activities.ts';
import { type County, Geography } from './geography.ts';
import { eid, type Venue } from './places.ts';
import type { Person } from './population.ts';
import { checkpointRow, type Identity, type IncidentCase, incidentRow, netcafeRow } from './rows/event-rows.ts';
import type { RecordContext } from './rows/row-context.ts';

const DAY = 86_400;

/** An MO family: the case type, text templates and the details an offender keeps from case to case. */
interface MoFamily {
  caseType: string;
  templates: string[];
  tools: string[];
  targets: string[];
  times: string[];
}

// Templates take {place} {tool} {target} {time}; each family's templates say the same thing in other words.
const MO_FAMILIES: MoFamily[] = [
  {
    caseType: '盗窃',
    templates: [
      '{time}嫌疑人用{tool}撬开{place}附近住户防盗门锁芯，入室盗走{target}',
      '报警人称{time}家中被人撬锁入室，{target}被盗，门锁有{tool}痕迹，地点{place}附近',
      '{place}旁居民楼一住户{time}被盗，嫌疑人以{tool}破坏锁芯进入，窃取{target}',
      '{time}有人用{tool}开锁进入{place}附近民宅，翻找卧室后盗走{target}',
    ],
    tools: ['螺丝刀', '锡纸', '液压钳', '万能钥匙'],
    targets: ['现金和金饰', '金项链、手镯', '笔记本电脑', '现金约三千元'],
    times: ['凌晨', '白天上班时间', '夜间', '午后'],
  },
  {
    caseType: '盗窃',
    templates: [
      '{time}停放在{place}附近的车辆车窗被{tool}砸破，车内{target}被盗',
      '报警人称其车停在{place}门口，{time}发现车窗玻璃被人用{tool}击碎，丢失{target}',
      '{place}停车场内一辆轿车{time}被砸窗，嫌疑人使用{tool}，盗走车内{target}',
    ],
    tools: ['破窗器', '石块', '钢珠弹弓', '安全锤'],
    targets: ['背包和现金', '笔记本电脑', '香烟和购物卡', '手提包'],
    times: ['夜间', '凌晨', '傍晚'],
  },
  {
    caseType: '诈骗',
    templates: [
      '报警人{time}接到自称{tool}的电话，称其{target}，按对方要求转账后被骗',
      '{time}事主在{place}附近接到冒充{tool}来电，以{target}为由诱导转账',
      '受害人称{time}有人冒充{tool}，谎称{target}，骗取其银行卡验证码并转走存款',
    ],
    tools: ['快递客服', '公安民警', '银行工作人员', '电商平台客服'],
    targets: ['快递丢失需理赔', '账户涉嫌洗钱', '信用卡额度异常', '订单退款'],
    times: ['上午', '下午', '晚上'],
  },
  {
    caseType: '抢夺',
    templates: [
      '{time}两名男子驾驶{tool}在{place}附近尾随行人，抢走其{target}后逃离',
      '受害人称{time}在{place}路边步行时被骑{tool}的人从身后抢走{target}',
      '{place}附近发生飞车抢夺，嫌疑人骑{tool}，{time}抢夺路人{target}',
    ],
    tools: ['无牌摩托车', '电动车', '黑色踏板车'],
    targets: ['挎包', '金项链', '手机'],
    times: ['傍晚', '夜间', '清晨'],
  },
];

/** Options of series planting. */
export interface SeriesOptions {
  /** Planted series per 10,000 persons (0 = none, and no `truth/series.csv`). */
  perTenThousand: number;
  /** Look-alike unrelated cases per planted series. */
  lookalikes: number;
}

/** Defaults: about 2 series per 1,000 persons, 3 look-alikes each. */
export const DEFAULT_SERIES_OPTIONS: SeriesOptions = { perTenThousand: 20, lookalikes: 3 };

/** One planted truth row: the series (or look-alike) a case belongs to. */
export interface SeriesTruthRow {
  seriesId: string;
  caseEid: string;
  kind: 'series' | 'lookalike';
  offenders: string[];
}

/** How many series a block of persons `[from, to)` plants: proportional, with no rounding drift. */
export function seriesInBlock(opts: SeriesOptions, from: number, to: number): number {
  return Math.floor((to * opts.perTenThousand) / 10_000) - Math.floor((from * opts.perTenThousand) / 10_000);
}

function describe(
  rng: Rng,
  family: MoFamily,
  place: string,
  keep: { tool: string; target: string; time: string } | null,
): string {
  // An offender keeps their tool, target and hour most of the time; the wording changes every time.
  const tool = keep && rng.chance(0.8) ? keep.tool : rng.pick(family.tools);
  const target = keep && rng.chance(0.7) ? keep.target : rng.pick(family.targets);
  const time = keep && rng.chance(0.7) ? keep.time : rng.pick(family.times);
  return rng
    .pick(family.templates)
    .replace('{place}', place)
    .replace('{tool}', tool)
    .replace('{target}', target)
    .replace('{time}', time);
}

function sceneIn(rng: Rng, ctx: ActivityContext, county: County): Venue | null {
  const venues = [
    ...(ctx.places.hotelsByCounty.get(county.code) ?? []),
    ...ctx.places.cafesNear(county),
    ...(ctx.places.checkpointsByCounty.get(county.code) ?? []),
  ];
  return venues.length > 0 ? rng.pick(venues) : null;
}

function plantCase(
  rc: RecordContext,
  ctx: ActivityContext,
  family: MoFamily,
  scene: Venue,
  occurredAt: number,
  description: string,
  victim: Person,
): IncidentCase {
  const n = ++ctx.cases.count;
  const stationCode = `${scene.county.code}001`;
  const date = new Date(occurredAt * 1000).toISOString().slice(0, 10).replace(/-/g, '');
  const c: IncidentCase = {
    eid: eid('C', n),
    caseNumber: `J${stationCode}${date}${String(n % 10000).padStart(4, '0')}`,
    caseType: family.caseType,
    description,
    occurredAt,
    reportedAt: occurredAt + rc.rng.range(10, 120) * 60,
    site: { id: scene.id, name: scene.name, address: scene.address, point: scene.point },
    stationCode,
  };
  const identity: Identity = rc.rng.chance(0.7) ? 'full' : 'name_phone';
  incidentRow(rc, c, victim, rc.rng.chance(0.5) ? '报警人' : '受害人', identity, 1);
  return c;
}

/** The venue of `list` closest to the scene (the scene itself when it is one). */
function nearest(list: readonly Venue[], scene: Venue): Venue | null {
  let best: Venue | null = null;
  let bestKm = Number.POSITIVE_INFINITY;
  for (const v of list) {
    const d = Geography.distanceKm(v.point, scene.point);
    if (d < bestKm) [best, bestKm] = [v, d];
  }
  return best;
}

/** The offender's trace near a scene: their car through the county's checkpoint closest to it, or a login at the closest café. */
function traceNear(rc: RecordContext, ctx: ActivityContext, p: Person, scene: Venue, at: number): void {
  const { rng } = rc;
  const cp = nearest(ctx.places.checkpointsByCounty.get(scene.county.code) ?? [], scene);
  if (p.vehicle && cp) {
    checkpointRow(rc, p.vehicle, cp, at - rng.range(20, 80) * 60, '进城');
    if (rng.chance(0.6)) checkpointRow(rc, p.vehicle, cp, at + rng.range(15, 90) * 60, '出城');
    return;
  }
  const cafe = nearest(ctx.places.cafesNear(scene.county), scene);
  if (cafe) {
    const login = at - rng.range(60, 180) * 60;
    netcafeRow(rc, p, cafe, login, at - rng.range(10, 40) * 60, `A${String(rng.range(1, 120)).padStart(3, '0')}`);
  }
}

/**
 * Plant `seriesInBlock` series and their look-alikes among a block's persons.
 * @param block persons of the block (offenders, victims and look-alike suspects come from here)
 * @param blockStart index of the block's first person, for stream derivation and ids
 * @returns the truth rows, one per planted case
 */
export function plantSeries(
  rc0: Omit<RecordContext, 'rng'>,
  ctx: ActivityContext,
  opts: SeriesOptions,
  block: readonly Person[],
  blockStart: number,
): SeriesTruthRow[] {
  const out: SeriesTruthRow[] = [];
  const adults = block.filter((p) => p.age >= 18 && p.age <= 60 && !p.foreign && p.residentId);
  const count = seriesInBlock(opts, blockStart, blockStart + block.length);
  if (adults.length < 4 || ctx.days < 3) return out;
  for (let s = 0; s < count; s++) {
    const rng = Rng.derive(ctx.seed, 'series', blockStart, s);
    const rc: RecordContext = { ...rc0, rng };
    const seriesId = `S${String(blockStart / 1000).padStart(3, '0')}${s}`;
    const family = rng.pick(MO_FAMILIES);
    const offender = rng.pick(adults);
    const accomplice = rng.chance(0.35) ? rng.pick(adults.filter((p) => p !== offender)) : null;
    const keep = { tool: rng.pick(family.tools), target: rng.pick(family.targets), time: rng.pick(family.times) };
    const counties = ctx.geo.countiesOf(offender.county.city.code);
    const k = rng.range(3, 5);
    let day = rng.int(Math.max(1, ctx.days - k * 2));
    const hour = rng.range(1, 21);
    for (let i = 0; i < k && day < ctx.days; i++) {
      const county = i === 0 ? offender.county : rng.pick(counties);
      const scene = sceneIn(rng, ctx, county);
      if (!scene) continue;
      const occurredAt =
        ctx.start + day * DAY + Math.min(21, Math.max(1, hour + rng.range(-2, 2))) * 3600 + rng.int(3600);
      const victim = rng.pick(block.filter((p) => p !== offender && p !== accomplice));
      const c = plantCase(rc, ctx, family, scene, occurredAt, describe(rng, family, scene.name, keep), victim);
      if (rng.chance(0.45)) {
        const identity: Identity = rng.pick<Identity>(['name_phone', 'name_id', 'full', 'name']);
        incidentRow(rc, c, offender, '嫌疑人', identity, 2);
        if (accomplice && rng.chance(0.5))
          incidentRow(rc, c, accomplice, '嫌疑人', rng.pick<Identity>(['name_phone', 'name']), 3);
      }
      if (rng.chance(0.75)) traceNear(rc, ctx, offender, scene, occurredAt);
      out.push({
        seriesId,
        caseEid: c.eid,
        kind: 'series',
        offenders: accomplice ? [offender.eid, accomplice.eid] : [offender.eid],
      });
      day += rng.range(1, 3);
    }
    // look-alikes: same MO family, same city or a neighbouring one, other people, any day
    for (let j = 0; j < opts.lookalikes; j++) {
      const lrng = Rng.derive(ctx.seed, 'series-lookalike', blockStart, s, j);
      const lrc: RecordContext = { ...rc0, rng: lrng };
      const county = lrng.chance(0.6) ? lrng.pick(counties) : ctx.geo.pickCounty(lrng);
      const scene = sceneIn(lrng, ctx, county);
      if (!scene) continue;
      const occurredAt = ctx.start + lrng.int(ctx.days - 1) * DAY + lrng.range(1, 21) * 3600 + lrng.int(3600);
      const victim = lrng.pick(block);
      const c = plantCase(
        lrc,
        ctx,
        family,
        scene,
        occurredAt,
        describe(lrng, family, scene.name, lrng.chance(0.5) ? keep : null),
        victim,
      );
      const other = lrng.pick(adults.filter((p) => p !== offender && p !== accomplice && p !== victim));
      if (lrng.chance(0.45))
        incidentRow(lrc, c, other, '嫌疑人', lrng.pick<Identity>(['name_phone', 'name_id', 'name']), 2);
      if (lrng.chance(0.5)) traceNear(lrc, ctx, other, scene, occurredAt);
      out.push({ seriesId: `L${seriesId.slice(1)}${j}`, caseEid: c.eid, kind: 'lookalike', offenders: [other.eid] });
    }
  }
  return out;
}
