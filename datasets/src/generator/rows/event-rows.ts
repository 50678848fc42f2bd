/**
 * Row builders of the event sources (旅馆住宿, 网吧上网, 铁路售票, 卡口过车, 警情): each
 * renders one sighting in the source's own columns, with noise and true entities.
 */
import type { NoiseTag } from '../../noise/noise-injector.ts';
import type { Venue } from '../places.ts';
import type { Person, Vehicle } from '../population.ts';
import { formatTime } from '../time.ts';
import { eventName, type RecordContext, type Row, SEX_ZH, venueColumns } from './row-context.ts';

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
