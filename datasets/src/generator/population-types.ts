/**
 * The shapes of the synthetic population and the counters that run across blocks.
 */

import type { Position } from '../geo/point-in-polygon.ts';
import type { County } from './geography.ts';
import type { OrgNameParts } from './org-variants.ts';

/** A phone number and its subscription. */
export interface PhoneLine {
  eid: string;
  number: string;
  carrier: string;
  activated: number;
}

/** A synthetic person (resident, or foreign visitor when `foreign` is set). */
export interface Person {
  idx: number;
  eid: string;
  name: string;
  /** Characters of the family name in `name` (0 for Tibetan and dotted names, Latin names). */
  familyLength: number;
  sex: 'M' | 'F';
  birth: string;
  age: number;
  residentId: string;
  ethnicity: string;
  county: County;
  address: string;
  oldAddress: string | null;
  /** County of the previous address, when the person has moved. */
  oldCounty: County | null;
  homeId: string;
  homePoint: Position;
  householdNo: string;
  relation: string;
  stationCode: string;
  phones: PhoneLine[];
  /** The phone this person gives in event records (own, or a shared one). */
  contactPhone: string;
  vehicle: Vehicle | null;
  netcafeUser: boolean;
  alias: string | null;
  foreign: { passport: string; nationality: string } | null;
}

export interface Vehicle {
  eid: string;
  plate: string;
  plateColor: string;
  vin: string;
  brand: string;
  model: string;
  color: string;
  owner: Person | null;
  company: Company | null;
  registered: number;
}

export interface Company {
  eid: string;
  creditCode: string;
  /** The registered name, `composeOrgName(nameParts)`. */
  name: string;
  nameParts: OrgNameParts;
  address: string;
  phone: string;
  industry: string;
  registeredAt: number;
  status: string;
  capital: number;
  rep: Person;
  county: County;
}

/** One block of the population and the planted ground truth inside it. */
export interface Block {
  persons: Person[];
  foreigners: Person[];
  companies: Company[];
  vehicles: Vehicle[];
  groups: { gid: string; members: Person[] }[];
  sharedPhones: { phone: string; persons: Person[] }[];
}

/** Counters that run across blocks (entity numbering, id uniqueness). */
export interface PopulationState {
  phoneCount: number;
  vehicleCount: number;
  companyCount: number;
  groupCount: number;
  usedIdKeys: Set<number>;
  /** Registered company names: a name is unique in the province, as registration requires. */
  usedOrgNames: Set<string>;
}

export function newPopulationState(): PopulationState {
  return {
    phoneCount: 0,
    vehicleCount: 0,
    companyCount: 0,
    groupCount: 0,
    usedIdKeys: new Set(),
    usedOrgNames: new Set(),
  };
}
