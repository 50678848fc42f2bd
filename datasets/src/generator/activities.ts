/**
 * Movement and events over the simulated days: internet-café evenings, commutes through
 * checkpoints, trips between cities by rail or car with hotel stays, companion groups
 * that travel together, and incidents. Every draw comes from a stream derived from the
 * person or group, so output does not depend on iteration order.
 */
import { Rng } from '../random/rng.ts';
import { Geography } from './geography.ts';
import type { PlaceRegistry, Venue } from './places.ts';
import { eid } from './places.ts';
import type { Block, Person } from './population.ts';
import {
  checkpointRow,
  hotelRow,
  type Identity,
  type IncidentCase,
  incidentRow,
  netcafeRow,
  railRow,
} from './rows/event-rows.ts';
import type { RecordContext } from './rows/row-context.ts';

const DAY = 86_400;
const CASE_TYPES: [string, string][] = [
  ['盗窃', '报警人称其放在{place}的财物被盗'],
  ['诈骗', '报警人称接到自称客服的电话后被骗转账'],
  ['纠纷', '双方在{place}因琐事发生口角'],
  ['故意伤害', '双方在{place}发生肢体冲突致一人受伤'],
  ['交通事故', '两车在{place}附近发生轻微碰撞'],
  ['寻衅滋事', '有人在{place}酒后滋事'],
  ['求助', '报警人称家中老人走失'],
];
const INVOLVED_ROLES = ['嫌疑人', '证人', '当事人'];

/** Run-wide activity settings and counters. */
export interface ActivityContext {
  seed: string;
  start: number;
  days: number;
  geo: Geography;
  places: PlaceRegistry;
  cases: { count: number };
}

interface Leg {
  members: Person[];
  from: Venue;
  to: Venue;
  depart: number;
  arrive: number;
  train: string;
}

/** A train shared by everyone on the same route at the same hour. */
function train(
  ctx: ActivityContext,
  from: Venue,
  to: Venue,
  day: number,
  hour: number,
): { code: string; depart: number; arrive: number } {
  const o = ctx.geo.cities.findIndex((c) => c.code === from.county.city.code);
  const d = ctx.geo.cities.findIndex((c) => c.code === to.county.city.code);
  const km = Geography.distanceKm(from.point, to.point) * 1.3;
  const fast = (o + d + hour) % 3 !== 0;
  const minute = (o * 13 + d * 7 + hour * 5) % 60;
  const depart = ctx.start + day * DAY + hour * 3600 + minute * 60;
  const arrive = depart + Math.round(((km / (fast ? 160 : 80) + 0.25) * 3600) / 60) * 60;
  const code = `${fast ? 'D' : 'K'}${fast ? 2000 + o * 100 + d * 5 + (hour % 5) : 9000 + o * 50 + d * 3 + (hour % 3)}`;
  return { code, depart, arrive };
}

function rideRail(rc: RecordContext, leg: Leg): void {
  const coach = rc.rng.range(1, 16);
  const row = rc.rng.range(1, 17);
  leg.members.forEach((p, i) => {
    const seat = `${String(coach).padStart(2, '0')}车${String(row + Math.floor(i / 3)).padStart(2, '0')}${'ABC'[i % 3]}号`;
    railRow(rc, p, leg.train, leg.from, leg.to, leg.depart, leg.arrive, seat);
  });
}

function driveThrough(
  rc: RecordContext,
  ctx: ActivityContext,
  p: Person,
  countyCode: string,
  at: number,
  direction: string,
): void {
  const cps = ctx.places.checkpointsByCounty.get(countyCode);
  if (!p.vehicle || !cps || cps.length === 0) return;
  checkpointRow(rc, p.vehicle, rc.rng.pick(cps), at, direction);
}

/**
 * A trip of one or more persons from the first member's city to `destCity` for `nights`
 * nights: rail (or the first member's car) out, a hotel stay, and back.
 */
function trip(
  rc: RecordContext,
  ctx: ActivityContext,
  members: Person[],
  day: number,
  destCity: string,
  nights: number,
  byCar: boolean,
): void {
  const { rng } = rc;
  const lead = members[0] as Person;
  const home = ctx.places.stationByCity.get(lead.county.city.code) as Venue;
  const away = ctx.places.stationByCity.get(destCity) as Venue;
  const outHour = rng.range(7, 18);
  let arrive: number;
  const outTrain = train(ctx, home, away, day, outHour);
  if (byCar) {
    const depart = ctx.start + day * DAY + outHour * 3600 + rng.int(3600);
    arrive = depart + Math.round(Geography.distanceKm(home.point, away.point) * 1.4 * 50);
    driveThrough(rc, ctx, lead, lead.county.code, depart + 600, '出城');
    driveThrough(rc, ctx, lead, away.county.code, arrive - 600, '进城');
  } else {
    arrive = outTrain.arrive;
    rideRail(rc, { members, from: home, to: away, depart: outTrain.depart, arrive, train: outTrain.code });
  }
  const hotels = ctx.places.hotelsByCity.get(destCity) ?? [];
  const hotel = hotels.length > 0 ? rng.pick(hotels) : null;
  const checkOut = ctx.start + (day + nights) * DAY + rng.range(8, 12) * 3600 + rng.int(3600);
  if (hotel) {
    const checkIn = arrive + rng.range(20, 90) * 60;
    const room = `${rng.range(2, 12)}${String(rng.range(1, 30)).padStart(2, '0')}`;
    members.forEach((p, i) => {
      const r = members.length > 1 ? String(Number(room) + Math.floor(i / 2)) : room;
      hotelRow(rc, p, hotel, checkIn + i * rng.range(0, 4) * 60 + rng.int(60), checkOut + rng.int(300), r);
    });
    if (members.length > 1 && rng.chance(0.4)) {
      const cafes = ctx.places.cafesNear(hotel.county);
      if (cafes.length > 0) {
        const cafe = rng.pick(cafes);
        const login = ctx.start + day * DAY + 20 * 3600 + rng.int(3600);
        const base = rng.range(1, 80);
        for (const [i, p] of members.entries())
          if (p.residentId)
            netcafeRow(
              rc,
              p,
              cafe,
              login + i * rng.int(240),
              login + rng.range(2, 4) * 3600,
              `A${String(base + i).padStart(3, '0')}`,
            );
      }
    }
  }
  const backHour = Math.min(21, Math.floor((checkOut - ctx.start - (day + nights) * DAY) / 3600) + rng.range(1, 4));
  if (byCar) {
    const depart = checkOut + rng.range(1, 3) * 3600;
    driveThrough(rc, ctx, lead, away.county.code, depart + 600, '出城');
    driveThrough(
      rc,
      ctx,
      lead,
      lead.county.code,
      depart + Math.round(Geography.distanceKm(home.point, away.point) * 1.4 * 50),
      '进城',
    );
  } else {
    const back = train(ctx, away, home, day + nights, backHour);
    rideRail(rc, { members, from: away, to: home, depart: back.depart, arrive: back.arrive, train: back.code });
  }
}

function otherCity(rng: Rng, ctx: ActivityContext, home: string): string {
  const weights: number[] = ctx.geo.cities.map((c) => (c.code === home ? 0 : c.code === '620100' ? 6 : 1));
  let x = rng.next() * weights.reduce((a: number, b: number) => a + b, 0);
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i] as number;
    if (x < 0) return (ctx.geo.cities[i] as { code: string }).code;
  }
  return '620100';
}

function incident(rc: RecordContext, ctx: ActivityContext, p: Person, day: number, others: Person[]): void {
  const { rng } = rc;
  const [caseType, template] = rng.pick(CASE_TYPES);
  const venueCase = caseType === '交通事故' || caseType === '寻衅滋事' || caseType === '故意伤害';
  const occurredAt = ctx.start + day * DAY + rng.range(6, 23) * 3600 + rng.int(3600);
  const venues = [...(ctx.places.hotelsByCounty.get(p.county.code) ?? []), ...ctx.places.cafesNear(p.county)];
  const atHome = venues.length === 0 || (!venueCase && rng.chance(0.6));
  const v = atHome ? null : rng.pick(venues);
  const site = v
    ? { id: v.id, name: v.name, address: v.address, point: v.point }
    : { id: p.homeId, name: `住宅(户号${p.householdNo})`, address: p.address, point: p.homePoint };
  const n = ++ctx.cases.count;
  const stationCode = p.stationCode || `${p.county.code}001`;
  const date = new Date(occurredAt * 1000).toISOString().slice(0, 10).replace(/-/g, '');
  const c: IncidentCase = {
    eid: eid('C', n),
    caseNumber: `J${stationCode}${date}${String(n % 10000).padStart(4, '0')}`,
    caseType,
    description: template.replace('{place}', v ? v.name : '住处'),
    occurredAt,
    reportedAt: occurredAt + rng.range(2, 90) * 60,
    site,
    stationCode,
  };
  const reporterIdentity: Identity = rng.chance(0.6) ? 'full' : rng.chance(0.75) ? 'name_phone' : 'name';
  incidentRow(rc, c, p, caseType === '纠纷' ? '当事人' : rng.chance(0.5) ? '报警人' : '受害人', reporterIdentity, 1);
  const k = rng.int(3);
  for (let i = 0; i < k && others.length > 0; i++) {
    const o = rng.pick(others);
    if (o === p) continue;
    const identity: Identity = rng.chance(0.4) ? 'name' : rng.chance(0.5) ? 'name_phone' : 'name_id';
    incidentRow(rc, c, o, rng.pick(INVOLVED_ROLES), identity, i + 2);
  }
}

/**
 * Everything one person does over the simulated days (solo behaviour only; group trips
 * come from `groupActivities`).
 * @param others persons of the same block, candidates for incident involvement
 */
export function personActivities(
  rc0: Omit<RecordContext, 'rng'>,
  ctx: ActivityContext,
  p: Person,
  others: Person[],
): void {
  const rng = Rng.derive(ctx.seed, 'activity', p.idx);
  const rc: RecordContext = { ...rc0, rng };
  const adult = p.age >= 18;
  const favouriteCafes = p.netcafeUser ? ctx.places.cafesNear(p.county) : [];
  const cps = ctx.places.checkpointsByCounty.get(p.county.code) ?? [];
  // a driver who works in another county of the city also passes that county's checkpoints
  const workCounty =
    p.vehicle && p.age <= 60 && rng.chance(0.3) ? rng.pick(ctx.geo.countiesOf(p.county.city.code)) : p.county;
  const workCps = ctx.places.checkpointsByCounty.get(workCounty.code) ?? [];
  let busyUntil = -1;
  for (let day = 0; day < ctx.days; day++) {
    const t0 = ctx.start + day * DAY;
    const weekday = (new Date(t0 * 1000).getUTCDay() + 6) % 7 < 5;
    if (p.foreign) {
      if (day > busyUntil && rng.chance(0.15)) {
        const nights = rng.range(1, 3);
        trip(rc, ctx, [p], day, otherCity(rng, ctx, p.county.city.code), nights, false);
        busyUntil = day + nights;
      }
      continue;
    }
    if (adult && day > busyUntil && rng.chance(0.012)) {
      const nights = rng.range(1, 3);
      trip(rc, ctx, [p], day, otherCity(rng, ctx, p.county.city.code), nights, p.vehicle !== null && rng.chance(0.3));
      busyUntil = day + nights;
      continue;
    }
    if (day <= busyUntil) continue;
    if (favouriteCafes.length > 0 && rng.chance(0.3)) {
      const login = t0 + rng.range(14, 22) * 3600 + rng.int(3600);
      const cafe = favouriteCafes[p.idx % favouriteCafes.length] as Venue;
      netcafeRow(
        rc,
        p,
        cafe,
        login,
        login + rng.range(1, 5) * 3600 + rng.int(3600),
        `A${String(rng.range(1, 120)).padStart(3, '0')}`,
      );
    }
    if (p.vehicle && cps.length > 0 && rng.chance(weekday ? 0.45 : 0.25)) {
      const a = cps[p.idx % cps.length] as Venue;
      const b = cps[(p.idx + 1) % cps.length] as Venue;
      const morning = t0 + rng.range(7, 8) * 3600 + rng.int(3600);
      const evening = t0 + rng.range(17, 19) * 3600 + rng.int(3600);
      checkpointRow(rc, p.vehicle, a, morning, '出城');
      const w =
        workCps.length > 0 && workCounty !== p.county && weekday ? (workCps[p.idx % workCps.length] as Venue) : null;
      if (w) {
        checkpointRow(rc, p.vehicle, w, morning + rng.range(15, 50) * 60, '进城');
        checkpointRow(rc, p.vehicle, w, evening - rng.range(15, 50) * 60, '出城');
      }
      checkpointRow(rc, p.vehicle, b, evening, '进城');
    }
    if (rng.chance(0.0008)) incident(rc, ctx, p, day, others);
  }
}

/** Joint trips of a planted companion group: same trains, same hotel, same café. */
export function groupActivities(
  rc0: Omit<RecordContext, 'rng'>,
  ctx: ActivityContext,
  group: Block['groups'][number],
): void {
  const rng = Rng.derive(ctx.seed, 'group', group.gid);
  const rc: RecordContext = { ...rc0, rng };
  const trips = rng.range(1, 2);
  let day = rng.int(Math.max(1, Math.floor(ctx.days / 2)));
  for (let t = 0; t < trips && day < ctx.days; t++) {
    const nights = rng.range(1, 2);
    const lead = group.members[0] as Person;
    trip(rc, ctx, group.members, day, otherCity(rng, ctx, lead.county.city.code), nights, false);
    day += nights + rng.range(1, 3);
  }
}
