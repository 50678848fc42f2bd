/**
 * Persons and households, generated one block of persons at a time so a million-person
 * run never holds more than one block. Households, companion groups, shared phones and
 * aliases never cross a block boundary.
 */

import type { Position } from '../geo/point-in-polygon.ts';
import { makeResidentId } from '../ids/resident-id.ts';
import { pickGivenName, pickSurname } from '../names/han-names.ts';
import { dottedName, tibetanName } from '../names/minority-names.ts';
import { Rng } from '../random/rng.ts';
import { hardNegatives, newCompany, newPhone, newVehicle, scramble } from './assets.ts';
import type { County, Geography } from './geography.ts';
import { type CompanyOptions, DEFAULT_COMPANY_OPTIONS } from './org-variants.ts';
import { eid, type PlaceRegistry } from './places.ts';
import type { Block, Company, Person, PhoneLine, PopulationState, Vehicle } from './population-types.ts';
import { formatTime } from './time.ts';

export type { Block, Company, Person, PhoneLine, PopulationState, Vehicle } from './population-types.ts';
export { newPopulationState } from './population-types.ts';

/** Visitors' nationality, given names (male, female) and family names (male, female). */
const NATIONS: [string, string[], string[], string[], string[]][] = [
  [
    'KAZ',
    ['Nursultan', 'Aibek', 'Yerlan'],
    ['Dana', 'Aigerim'],
    ['SERIKOV', 'ABDRAKHMANOV'],
    ['SERIKOVA', 'NURLANOVA'],
  ],
  ['RUS', ['Ivan', 'Sergey', 'Dmitry'], ['Olga', 'Anna'], ['IVANOV', 'SMIRNOV'], ['PETROVA', 'VOLKOVA']],
  ['MNG', ['Bat-Erdene', 'Ganbold'], ['Oyuun', 'Saruul'], ['BATBAYAR', 'DORJ'], ['GANBAATAR', 'DORJ']],
  ['PAK', ['Ahmed', 'Imran'], ['Fatima', 'Ayesha'], ['KHAN', 'MALIK'], ['KHAN', 'HUSSAIN']],
  ['USA', ['John', 'Michael'], ['Emily', 'Sarah'], ['SMITH', 'JOHNSON'], ['BROWN', 'MILLER']],
  ['DEU', ['Lukas', 'Jonas'], ['Anna', 'Lea'], ['MUELLER', 'SCHMIDT'], ['WEBER', 'MEYER']],
  ['KOR', ['Minjun', 'Jiho'], ['Seoyeon', 'Jiwoo'], ['KIM', 'LEE'], ['PARK', 'CHOI']],
  ['JPN', ['Haruto', 'Sota'], ['Yui', 'Hina'], ['SATO', 'SUZUKI'], ['TAKAHASHI', 'TANAKA']],
];

function ethnicityFor(rng: Rng, county: County): string {
  const c = county.code;
  if (c.startsWith('6230')) return rng.chance(0.55) ? '藏族' : rng.chance(0.3) ? '回族' : '汉族';
  if (c === '620623') return rng.chance(0.3) ? '藏族' : '汉族';
  if (c === '622926') return rng.chance(0.8) ? '东乡族' : '回族';
  if (c.startsWith('6229')) return rng.chance(0.35) ? '回族' : rng.chance(0.1) ? '东乡族' : '汉族';
  if (c === '620924') return rng.chance(0.4) ? '哈萨克族' : '汉族';
  const u = rng.next();
  return u < 0.02 ? '回族' : u < 0.022 ? '维吾尔族' : u < 0.026 ? '藏族' : '汉族';
}

/** Population generator bound to one run. */
export class PopulationGenerator {
  constructor(
    private readonly seed: string,
    private readonly geo: Geography,
    private readonly places: PlaceRegistry,
    private readonly refTime: number,
    private readonly totalPersons: number,
    private readonly companyOptions: CompanyOptions = DEFAULT_COMPANY_OPTIONS,
  ) {}

  private residentId(rng: Rng, state: PopulationState, county: County, birth: string, sex: 'M' | 'F'): string {
    const dayKey =
      Math.floor(Date.UTC(+birth.slice(0, 4), +birth.slice(4, 6) - 1, +birth.slice(6, 8)) / 86_400_000) + 30_000;
    for (let attempt = 0; ; attempt++) {
      let seq = rng.int(500) * 2 + (sex === 'M' ? 1 : 0);
      if (attempt > 20) seq = (attempt * 2 + (sex === 'M' ? 1 : 0)) % 1000;
      const key = (county.index * 60_000 + dayKey) * 1000 + seq;
      if (!state.usedIdKeys.has(key)) {
        state.usedIdKeys.add(key);
        return makeResidentId(county.code, birth, seq);
      }
    }
  }

  private nameFor(rng: Rng, ethnicity: string, sex: 'M' | 'F', surname: string | null): [string, number] {
    if (ethnicity === '藏族') return [tibetanName(rng, sex), 0];
    if (ethnicity === '哈萨克族' || ethnicity === '维吾尔族') return [dottedName(rng, sex), 0];
    let fam = surname;
    if (!fam) fam = (ethnicity === '回族' || ethnicity === '东乡族') && rng.chance(0.45) ? '马' : pickSurname(rng);
    return [fam + pickGivenName(rng, sex), fam.length];
  }

  private person(
    idx: number,
    state: PopulationState,
    hh: {
      county: County;
      headSurname: string | null;
      ethnicity: string;
      homeId: string;
      homePoint: Position;
      address: string;
      householdNo: string;
      stationCode: string;
    },
    relation: string,
    age: number,
    sex: 'M' | 'F',
  ): Person {
    const rng = Rng.derive(this.seed, 'person', idx);
    const [name, familyLength] = this.nameFor(
      rng,
      hh.ethnicity,
      sex,
      relation.startsWith('子') || relation.startsWith('女') || relation === '户主' ? hh.headSurname : null,
    );
    const birthSec = this.refTime - age * 365.25 * 86400 - rng.int(365) * 86400;
    const birth = formatTime(birthSec, 'yyyyMMdd');
    const birthCounty =
      rng.chance(0.8) && hh.county.code.slice(4, 5) !== '7' ? hh.county : rng.pick(this.geo.birthCounties);
    const adult = age >= 16;
    const phones: PhoneLine[] = [];
    if (adult && rng.chance(0.95)) phones.push(newPhone(rng, state, this.refTime));
    if (adult && rng.chance(0.08)) phones.push(newPhone(rng, state, this.refTime));
    const moved = adult && rng.chance(0.3);
    const oldCounty = moved ? (rng.chance(0.5) ? hh.county : this.geo.pickCounty(rng)) : null;
    return {
      idx,
      eid: eid('P', idx + 1),
      name,
      familyLength,
      sex,
      birth,
      age,
      residentId: this.residentId(rng, state, birthCounty, birth, sex),
      ethnicity: hh.ethnicity,
      county: hh.county,
      address: hh.address,
      oldAddress: oldCounty ? this.geo.address(rng, oldCounty) : null,
      oldCounty,
      homeId: hh.homeId,
      homePoint: hh.homePoint,
      householdNo: hh.householdNo,
      relation,
      stationCode: hh.stationCode,
      phones,
      contactPhone: phones[0]?.number ?? '',
      vehicle: null,
      netcafeUser: age >= 16 && age <= 40 && rng.chance(0.15),
      alias: null,
      foreign: null,
    };
  }

  private household(start: number, size: number, state: PopulationState, out: Person[]): void {
    const rng = Rng.derive(this.seed, 'household', start);
    const county = this.geo.pickCounty(rng);
    const ethnicity = ethnicityFor(rng, county);
    const station = county.stations.length > 0 ? rng.pick(county.stations).code : `${county.code}001`;
    const hh = {
      county,
      ethnicity,
      headSurname: null as string | null,
      homeId: this.places.homePlaceId(start),
      homePoint: this.geo.pointIn(rng, county, 0.04),
      address: this.geo.address(rng, county),
      householdNo: String(scramble(start, 7919, 10_000_000_000, 1_234_567_891)).padStart(10, '0'),
      stationCode: station,
    };
    const headAge = rng.range(24, 75);
    const headSex: 'M' | 'F' = rng.chance(0.8) ? 'M' : 'F';
    const head = this.person(start, state, hh, '户主', headAge, headSex);
    hh.headSurname = head.familyLength > 0 ? head.name.slice(0, head.familyLength) : null;
    out.push(head);
    for (let k = 1; k < size; k++) {
      let relation: string;
      let age: number;
      let sex: 'M' | 'F';
      if (k === 1 && headAge >= 22) {
        relation = '配偶';
        age = Math.max(20, headAge + rng.range(-5, 5));
        sex = headSex === 'M' ? 'F' : 'M';
      } else if (k === 4 && headAge < 60) {
        sex = rng.chance(0.5) ? 'M' : 'F';
        relation = sex === 'M' ? '父亲' : '母亲';
        age = Math.min(95, headAge + rng.range(22, 32));
      } else {
        sex = rng.chance(0.52) ? 'M' : 'F';
        relation = sex === 'M' ? '子' : '女';
        age = Math.max(0, headAge - rng.range(22, 36));
      }
      out.push(this.person(start + k, state, hh, relation, age, sex));
    }
  }

  private foreigner(k: number, state: PopulationState): Person {
    const rng = Rng.derive(this.seed, 'foreigner', k);
    const [nationality, givenM, givenF, familyM, familyF] = rng.pick(NATIONS);
    const sex: 'M' | 'F' = rng.chance(0.6) ? 'M' : 'F';
    const age = rng.range(22, 65);
    const county = this.geo.pickCounty(rng);
    const phone = rng.chance(0.4) ? [newPhone(rng, state, this.refTime)] : [];
    return {
      idx: this.totalPersons + k,
      eid: eid('P', this.totalPersons + k + 1),
      name: `${rng.pick(sex === 'M' ? givenM : givenF)} ${rng.pick(sex === 'M' ? familyM : familyF)}`,
      familyLength: 0,
      sex,
      birth: formatTime(this.refTime - age * 365.25 * 86400 - rng.int(365) * 86400, 'yyyyMMdd'),
      age,
      residentId: '',
      ethnicity: '',
      county,
      address: '',
      oldAddress: null,
      oldCounty: null,
      homeId: '',
      homePoint: county.seat,
      householdNo: '',
      relation: '',
      stationCode: '',
      phones: phone,
      contactPhone: phone[0]?.number ?? '',
      vehicle: null,
      netcafeUser: false,
      alias: null,
      foreign: {
        passport: `${nationality.slice(0, 1)}${String(scramble(k, 10007, 100_000_000, 3_141_592)).padStart(8, '0')}`,
        nationality,
      },
    };
  }

  /**
   * Generate persons `[from, to)` with their households, phones, vehicles, companies and
   * the planted groups, shared phones and aliases of this block.
   */
  block(from: number, to: number, state: PopulationState): Block {
    const persons: Person[] = [];
    const rng = Rng.derive(this.seed, 'block', from);
    for (let i = from; i < to; ) {
      const u = rng.next();
      const size = Math.min(to - i, u < 0.15 ? 1 : u < 0.4 ? 2 : u < 0.7 ? 3 : u < 0.9 ? 4 : 5);
      this.household(i, size, state, persons);
      i += size;
    }
    const foreignFrom = Math.floor((from * 5) / 1000);
    const foreignTo = Math.floor((to * 5) / 1000);
    const foreigners: Person[] = [];
    for (let k = foreignFrom; k < foreignTo; k++) foreigners.push(this.foreigner(k, state));
    const adults = persons.filter((p) => p.age >= 18 && p.age <= 70);
    const vehicles: Vehicle[] = [];
    for (const p of adults) {
      if (rng.chance(0.22)) {
        p.vehicle = newVehicle(rng, state, this.refTime, p.county, p, null);
        vehicles.push(p.vehicle);
      }
    }
    const companies: Company[] = [];
    const nCompanies = Math.round((to - from) * 0.025 * (0.8 + rng.next() * 0.4));
    for (let k = 0; k < nCompanies && adults.length > 0; k++) {
      const c = newCompany(rng, state, this.refTime, this.geo, rng.pick(adults));
      companies.push(c);
      for (let v = rng.chance(0.3) ? rng.range(1, 2) : 0; v > 0; v--)
        vehicles.push(newVehicle(rng, state, this.refTime, c.county, null, c));
      // a stream of their own, so planting negatives leaves every other draw unchanged
      const nrng = Rng.derive(this.seed, 'org-negatives', c.eid);
      for (const n of hardNegatives(nrng, state, this.refTime, this.geo, c, adults, this.companyOptions)) {
        companies.push(n);
        for (let v = nrng.chance(0.3) ? nrng.range(1, 2) : 0; v > 0; v--)
          vehicles.push(newVehicle(nrng, state, this.refTime, n.county, null, n));
      }
    }
    const groups: Block['groups'] = [];
    const free = adults.filter(() => true);
    const nGroups = Math.round(((to - from) * 0.01) / 3);
    for (let g = 0; g < nGroups && free.length >= 5; g++) {
      const members: Person[] = [];
      const size = rng.range(2, 5);
      for (let m = 0; m < size; m++) members.push(free.splice(rng.int(free.length), 1)[0] as Person);
      groups.push({ gid: eid('G', ++state.groupCount), members });
    }
    const sharedPhones: Block['sharedPhones'] = [];
    const withPhone = adults.filter((p) => p.phones.length > 0);
    const nShared = Math.round((to - from) * 0.004);
    // the second user is a vehicle owner, so the shared number shows up in the registry too
    const drivers = withPhone.filter((p) => p.vehicle);
    for (let s = 0; s < nShared && withPhone.length >= 2 && drivers.length > 0; s++) {
      const a = rng.pick(withPhone);
      const b = rng.pick(drivers);
      if (a === b || a.householdNo === b.householdNo || b.contactPhone !== b.phones[0]?.number) continue;
      const phone = a.phones[0]?.number as string;
      b.contactPhone = phone;
      sharedPhones.push({ phone, persons: [a, b] });
    }
    const nAlias = Math.round((to - from) * 0.003);
    const aliasPool = adults.filter((p) => p.phones.length > 0 && (p.netcafeUser || p.vehicle));
    for (let s = 0; s < nAlias && aliasPool.length > 0; s++) {
      const p = rng.pick(aliasPool);
      if (p.alias || p.familyLength === 0) continue;
      p.alias = pickSurname(rng) + pickGivenName(rng, p.sex);
    }
    return { persons, foreigners, companies, vehicles, groups, sharedPhones };
  }
}
