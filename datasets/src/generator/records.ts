/**
 * Renders entities and events into each source's own row shape (the columns of its
 * catalog entry), applying noise and listing the true entity of every mention.
 */
import type { EntityKind } from '@onemap/graph-schema';
import type { NoiseInjector, NoiseTag } from '../noise/noise-injector.ts';
import type { Rng } from '../random/rng.ts';
import type { SourceId } from './options.ts';
import type { Venue } from './places.ts';
import type { Company, Person, PhoneLine, Vehicle } from './population.ts';
import { formatTime } from './time.ts';

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

const SEX_ZH = { M: '男', F: '女' } as const;

function venueColumns(prefix: string, v: Venue): Row {
  return {
    [`${prefix}_code`]: v.id,
    [`${prefix}_name`]: v.name,
    [`${prefix}_address`]: v.address,
    [`${prefix}_lon`]: v.point[0],
    [`${prefix}_lat`]: v.point[1],
  };
}

/** The name a person gives in an event record: with probability `aliasShare` the planted alias. */
function eventName(
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

/** A home as the household registry lists it. */
export interface HomeEntry {
  id: string;
  address: string;
  point: [number, number];
}

/**
 * 户籍: one row per person (initial full copy on day 0; a move during the window gives a
 * day-0 row with the previous home, tagged `late_update`, and a row on the day of the move).
 */
export function householdRow(
  ctx: RecordContext,
  p: Person,
  at: number,
  registeredAt: number,
  home: HomeEntry = { id: p.homeId, address: p.address, point: p.homePoint },
): void {
  const { rng, noise } = ctx;
  const tags: NoiseTag[] = [];
  if (home.id !== p.homeId) {
    tags.push({ field: 'address', kind: 'late_update' });
    noise.count('late_update', 'household');
  }
  const row: Row = {
    household_no: p.householdNo,
    relation_to_head: p.relation,
    name: noise.name(rng, 'household', p, 'name', tags),
    sex: p.sex === 'M' ? '1' : '2',
    ethnicity: p.ethnicity,
    birth_date: noise.time(
      rng,
      'household',
      Date.UTC(+p.birth.slice(0, 4), +p.birth.slice(4, 6) - 1, +p.birth.slice(6, 8)) / 1000,
      'yyyyMMdd',
      'birth_date',
      tags,
      true,
    ),
    id_number: noise.residentId(rng, 'household', p.residentId, 'id_number', tags),
    phone: p.phones[0]?.number ?? '',
    address: home.address,
    division_code: home.id === p.homeId ? p.county.code : (p.oldCounty?.code ?? p.county.code),
    station_code: p.stationCode,
    home_code: home.id,
    home_name: `住宅(户号${p.householdNo})`,
    home_lon: home.point[0],
    home_lat: home.point[1],
    home_address: home.address,
    registered_at: noise.time(rng, 'household', registeredAt, 'yyyy-MM-dd', 'registered_at', tags, true),
  };
  ctx.emit(
    'household',
    at,
    row,
    [
      { role: 'person', kind: 'Person', eid: p.eid },
      { role: 'home', kind: 'Place', eid: p.homeId },
    ],
    tags,
  );
}

/** 旅馆住宿: one row per guest per stay. */
export function hotelRow(
  ctx: RecordContext,
  p: Person,
  hotel: Venue,
  checkIn: number,
  checkOut: number,
  room: string,
): void {
  const { rng, noise } = ctx;
  const tags: NoiseTag[] = [];
  const foreign = p.foreign;
  const row: Row = {
    ...venueColumns('hotel', hotel),
    division_code: hotel.county.code,
    guest_name: eventName(ctx, 'hotel', p, 'guest_name', tags),
    sex: foreign ? p.sex : SEX_ZH[p.sex],
    birth_date: p.birth,
    id_type: foreign ? '护照' : '居民身份证',
    id_number: foreign ? '' : noise.residentId(rng, 'hotel', p.residentId, 'id_number', tags),
    passport_no: foreign ? foreign.passport : '',
    nationality: foreign ? foreign.nationality : 'CHN',
    address: foreign ? '' : noise.address(rng, 'hotel', p.address, p.oldAddress, 'address', tags),
    phone: p.contactPhone,
    room_no: room,
    check_in: noise.time(rng, 'hotel', checkIn, 'yyyy-MM-dd HH:mm:ss', 'check_in', tags),
    check_out: noise.time(rng, 'hotel', checkOut, 'yyyy-MM-dd HH:mm:ss', 'check_out', tags),
  };
  ctx.emit(
    'hotel',
    checkIn,
    row,
    [
      { role: 'guest', kind: 'Person', eid: p.eid },
      { role: 'hotel', kind: 'Place', eid: hotel.id },
    ],
    tags,
  );
}

/** 网吧上网: one row per session. */
export function netcafeRow(
  ctx: RecordContext,
  p: Person,
  cafe: Venue,
  login: number,
  logout: number,
  seat: string,
): void {
  const { rng, noise } = ctx;
  const tags: NoiseTag[] = [];
  const row: Row = {
    ...venueColumns('cafe', cafe),
    division_code: cafe.county.code,
    user_name: eventName(ctx, 'netcafe', p, 'user_name', tags),
    id_number: noise.residentId(rng, 'netcafe', p.residentId, 'id_number', tags),
    seat_no: seat,
    login_time: noise.time(rng, 'netcafe', login, 'yyyyMMddHHmmss', 'login_time', tags),
    logout_time: noise.time(rng, 'netcafe', logout, 'yyyyMMddHHmmss', 'logout_time', tags),
  };
  ctx.emit(
    'netcafe',
    login,
    row,
    [
      { role: 'user', kind: 'Person', eid: p.eid },
      { role: 'cafe', kind: 'Place', eid: cafe.id },
    ],
    tags,
  );
}

/** 铁路售票: one row per ticket. */
export function railRow(
  ctx: RecordContext,
  p: Person,
  train: string,
  from: Venue,
  to: Venue,
  dep: number,
  arr: number,
  seat: string,
): void {
  const { rng, noise } = ctx;
  const tags: NoiseTag[] = [];
  const foreign = p.foreign;
  const row: Row = {
    train_no: train,
    passenger_name: eventName(ctx, 'rail', p, 'passenger_name', tags),
    id_type: foreign ? '护照' : '二代身份证',
    id_number: foreign ? '' : noise.residentId(rng, 'rail', p.residentId, 'id_number', tags),
    passport_no: foreign ? foreign.passport : '',
    phone: p.contactPhone,
    from_station_code: from.id,
    from_station: from.name,
    from_lon: from.point[0],
    from_lat: from.point[1],
    to_station_code: to.id,
    to_station: to.name,
    to_lon: to.point[0],
    to_lat: to.point[1],
    depart_time: noise.time(rng, 'rail', dep, 'yyyy-MM-dd HH:mm', 'depart_time', tags),
    arrive_time: noise.time(rng, 'rail', arr, 'yyyy-MM-dd HH:mm', 'arrive_time', tags),
    coach_seat: seat,
  };
  ctx.emit(
    'rail',
    dep,
    row,
    [
      { role: 'passenger', kind: 'Person', eid: p.eid },
      { role: 'origin', kind: 'Place', eid: from.id },
      { role: 'destination', kind: 'Place', eid: to.id },
    ],
    tags,
  );
}

/** 机动车登记: one row per vehicle. */
export function vehicleRegistryRow(ctx: RecordContext, v: Vehicle, at: number): void {
  const { rng, noise } = ctx;
  const tags: NoiseTag[] = [];
  const o = v.owner;
  const row: Row = {
    plate: v.plate,
    plate_color: v.plateColor,
    vin: v.vin,
    brand: v.brand,
    model: v.model,
    color: v.color,
    owner_name: o ? noise.name(rng, 'vehicle_registry', o, 'owner_name', tags) : '',
    owner_id: o ? noise.residentId(rng, 'vehicle_registry', o.residentId, 'owner_id', tags) : '',
    owner_phone: o ? o.contactPhone : '',
    owner_address: o ? noise.address(rng, 'vehicle_registry', o.address, o.oldAddress, 'owner_address', tags) : '',
    owner_org_name: v.company?.name ?? '',
    owner_credit_code: v.company?.creditCode ?? '',
    registered_at: noise.time(rng, 'vehicle_registry', v.registered, 'yyyy-MM-dd', 'registered_at', tags, true),
  };
  const mentions = [{ role: 'vehicle', kind: 'Vehicle', eid: v.eid }] as Mention[];
  if (o) mentions.push({ role: 'owner', kind: 'Person', eid: o.eid });
  if (v.company) mentions.push({ role: 'company', kind: 'Organization', eid: v.company.eid });
  ctx.emit('vehicle_registry', at, row, mentions, tags);
}

/** 卡口过车: one row per pass (no person). */
export function checkpointRow(ctx: RecordContext, v: Vehicle, cp: Venue, at: number, direction: string): void {
  const { rng, noise } = ctx;
  const tags: NoiseTag[] = [];
  const row: Row = {
    plate: noise.plate(rng, 'checkpoint', v.plate, 'plate', tags),
    plate_color: v.plateColor,
    ...venueColumns('checkpoint', cp),
    division_code: cp.county.code,
    direction,
    pass_time: noise.time(rng, 'checkpoint', at, 'iso', 'pass_time', tags),
    speed_kmh: rng.range(25, 95),
  };
  ctx.emit(
    'checkpoint',
    at,
    row,
    [
      { role: 'vehicle', kind: 'Vehicle', eid: v.eid },
      { role: 'checkpoint', kind: 'Place', eid: cp.id },
    ],
    tags,
  );
}

/** 工商登记: one row per company (and per status change). */
export function businessRow(ctx: RecordContext, c: Company, at: number, status = c.status): void {
  const { rng, noise } = ctx;
  const tags: NoiseTag[] = [];
  const row: Row = {
    credit_code: c.creditCode,
    company_name: c.name,
    address: c.address,
    phone: c.phone,
    industry: c.industry,
    registered_at: noise.time(rng, 'business', c.registeredAt, 'yyyy-MM-dd', 'registered_at', tags, true),
    status,
    registered_capital: c.capital,
    legal_rep_name: noise.name(rng, 'business', c.rep, 'legal_rep_name', tags),
    legal_rep_id: noise.residentId(rng, 'business', c.rep.residentId, 'legal_rep_id', tags),
    registry_unit: c.county.code,
  };
  ctx.emit(
    'business',
    at,
    row,
    [
      { role: 'company', kind: 'Organization', eid: c.eid },
      { role: 'legal_rep', kind: 'Person', eid: c.rep.eid },
    ],
    tags,
  );
}

/** 实名手机: one row per subscription. */
export function telecomRow(ctx: RecordContext, p: Person, line: PhoneLine, at: number): void {
  const { rng, noise } = ctx;
  const tags: NoiseTag[] = [];
  const row: Row = {
    msisdn: line.number,
    carrier: line.carrier,
    activated_at: noise.time(rng, 'telecom', line.activated, 'yyyy/MM/dd', 'activated_at', tags, true),
    // a phone registered under the second name is how most aliases surface
    subscriber_name: eventName(ctx, 'telecom', p, 'subscriber_name', tags, 1),
    id_number: p.foreign ? '' : noise.residentId(rng, 'telecom', p.residentId, 'id_number', tags),
    address: p.foreign ? '' : noise.address(rng, 'telecom', p.address, p.oldAddress, 'address', tags),
    status: '正常',
  };
  ctx.emit(
    'telecom',
    at,
    row,
    [
      { role: 'phone', kind: 'Phone', eid: line.eid },
      { role: 'subscriber', kind: 'Person', eid: p.eid },
    ],
    tags,
  );
}

/** A case as the incident source knows it. */
export interface IncidentCase {
  eid: string;
  caseNumber: string;
  caseType: string;
  description: string;
  occurredAt: number;
  reportedAt: number;
  site: { id: string; name: string; address: string; point: [number, number] };
  stationCode: string;
}

/** How much of a person's identity an incident record carries. */
export type Identity = 'full' | 'name_phone' | 'name_id' | 'name';

/** 警情/案事件: one row per person involved in a case. */
export function incidentRow(
  ctx: RecordContext,
  c: IncidentCase,
  p: Person,
  role: string,
  identity: Identity,
  seq: number,
): void {
  const { rng, noise } = ctx;
  const tags: NoiseTag[] = [];
  const withId = identity === 'full' || identity === 'name_id';
  const withPhone = identity === 'full' || identity === 'name_phone';
  if (!withId) {
    tags.push({ field: 'person_id', kind: 'partial_identity' });
    noise.count('partial_identity', 'incident');
  }
  const row: Row = {
    case_number: c.caseNumber,
    case_type: c.caseType,
    occurred_at: formatTime(c.occurredAt, 'yyyy-MM-dd HH:mm:ss'),
    description: c.description,
    case_address: c.site.address,
    case_lon: c.site.point[0],
    case_lat: c.site.point[1],
    place_code: c.site.id,
    place_name: c.site.name,
    place_address: c.site.address,
    place_lon: c.site.point[0],
    place_lat: c.site.point[1],
    station_code: c.stationCode,
    reported_at: noise.time(rng, 'incident', c.reportedAt, 'yyyy-MM-dd HH:mm:ss', 'reported_at', tags),
    person_role: role,
    person_name: eventName(ctx, 'incident', p, 'person_name', tags),
    person_id: withId && !p.foreign ? noise.residentId(rng, 'incident', p.residentId, 'person_id', tags) : '',
    person_phone: withPhone ? p.contactPhone : '',
    person_sex: SEX_ZH[p.sex],
  };
  ctx.emit(
    'incident',
    c.reportedAt,
    { ...row, record_id: `${c.caseNumber}-${seq}` },
    [
      { role: 'case', kind: 'Case', eid: c.eid },
      { role: 'person', kind: 'Person', eid: p.eid },
      { role: 'site', kind: 'Place', eid: c.site.id },
    ],
    tags,
  );
}
