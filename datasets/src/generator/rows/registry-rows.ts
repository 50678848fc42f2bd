/**
 * Row builders of the registries (户籍, 机动车登记, 工商登记, 实名手机): the authoritative
 * sources, delivered as a full copy on the first day and deltas after.
 */
import type { NoiseTag } from '../../noise/noise-injector.ts';
import { creditCodeVariant, orgNameVariant } from '../org-variants.ts';
import type { Company, Person, PhoneLine, Vehicle } from '../population.ts';
import { eventName, type Mention, type RecordContext, type Row } from './row-context.ts';

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
      // the home the row lists: the previous one in a late update (another place, with its own
      // code, address and position), not the one the person lives in now
      { role: 'home', kind: 'Place', eid: home.id },
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
    owner_org_name: v.company ? orgNameVariant(rng, noise, 'vehicle_registry', v.company, 'owner_org_name', tags) : '',
    owner_credit_code: v.company
      ? creditCodeVariant(rng, noise, 'vehicle_registry', v.company.creditCode, 'owner_credit_code', tags)
      : '',
    registered_at: noise.time(rng, 'vehicle_registry', v.registered, 'yyyy-MM-dd', 'registered_at', tags, true),
  };
  const mentions = [{ role: 'vehicle', kind: 'Vehicle', eid: v.eid }] as Mention[];
  if (o) mentions.push({ role: 'owner', kind: 'Person', eid: o.eid });
  if (v.company) mentions.push({ role: 'company', kind: 'Organization', eid: v.company.eid });
  ctx.emit('vehicle_registry', at, row, mentions, tags);
}

/**
 * 工商登记: one row per company (and per status change). A change registration (`change`)
 * is written by another clerk: address, phone and legal representative are each filled in
 * only sometimes.
 */
export function businessRow(ctx: RecordContext, c: Company, at: number, status = c.status, change = false): void {
  const { rng, noise } = ctx;
  const tags: NoiseTag[] = [];
  const keep = (field: string) => {
    if (!change || rng.chance(0.6)) return true;
    tags.push({ field, kind: 'missing_field' });
    noise.count('missing_field', 'business');
    return false;
  };
  const row: Row = {
    credit_code: creditCodeVariant(rng, noise, 'business', c.creditCode, 'credit_code', tags),
    company_name: orgNameVariant(rng, noise, 'business', c, 'company_name', tags),
    address: keep('address') ? c.address : '',
    phone: keep('phone') ? c.phone : '',
    industry: c.industry,
    registered_at: noise.time(rng, 'business', c.registeredAt, 'yyyy-MM-dd', 'registered_at', tags, true),
    status,
    registered_capital: c.capital,
    legal_rep_name: '',
    legal_rep_id: '',
    registry_unit: c.county.code,
  };
  const mentions: Mention[] = [{ role: 'company', kind: 'Organization', eid: c.eid }];
  if (keep('legal_rep_name')) {
    row.legal_rep_name = noise.name(rng, 'business', c.rep, 'legal_rep_name', tags);
    row.legal_rep_id = noise.residentId(rng, 'business', c.rep.residentId, 'legal_rep_id', tags);
    mentions.push({ role: 'legal_rep', kind: 'Person', eid: c.rep.eid });
  }
  ctx.emit('business', at, row, mentions, tags);
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
