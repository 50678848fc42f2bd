/**
 * The venues of the province: rail stations, hotels, internet cafés and vehicle
 * checkpoints, each with a stable place entity id (`H000001`), a source-side place code
 * and coordinates inside its county. Homes are not held here: a home's id is derived
 * from its household (see `homePlaceId`).
 */
import type { PlaceKind } from '@onemap/graph-schema';
import type { Position } from '../geo/point-in-polygon.ts';
import { Rng } from '../random/rng.ts';
import type { County, Geography } from './geography.ts';

/** A venue. `id` is the truth entity id and also the place code the sources carry. */
export interface Venue {
  id: string;
  kind: PlaceKind;
  name: string;
  address: string;
  county: County;
  point: Position;
}

/** Real main stations (name per prefecture); Gannan's is on the Lanzhou–Hezuo line. */
// biome-ignore format: a table reads better packed
const STATIONS: Record<string, string> = {
  '620100': '兰州站', '620200': '嘉峪关南站', '620300': '金昌站', '620400': '白银南站', '620500': '天水南站',
  '620600': '武威站', '620700': '张掖西站', '620800': '平凉站', '620900': '酒泉站', '621000': '庆阳站',
  '621100': '定西北站', '621200': '陇南站', '622900': '临夏站', '623000': '合作站',
};
const HOTEL_BRANDS = [
  '如家',
  '汉庭',
  '7天',
  '锦江之星',
  '格林豪泰',
  '速8',
  '宾馆',
  '大酒店',
  '商务酒店',
  '快捷酒店',
  '招待所',
  '假日酒店',
];
const CAFE_WORDS = ['网咖', '网吧', '电竞馆', '网络会所'];
const SHOP_WORDS = ['星空', '极速', '飞翔', '蓝海', '天骄', '网鱼', '领航', '新时代', '龙腾', '金色', '阳光', '彩虹'];

/** Pad an entity number: `P000123`. */
export function eid(prefix: string, n: number): string {
  return prefix + String(n).padStart(6, '0');
}

/** All venues, grouped for fast lookup. */
export class PlaceRegistry {
  readonly venues: Venue[] = [];
  readonly stationByCity = new Map<string, Venue>();
  readonly hotelsByCity = new Map<string, Venue[]>();
  readonly hotelsByCounty = new Map<string, Venue[]>();
  readonly cafesByCounty = new Map<string, Venue[]>();
  readonly checkpointsByCounty = new Map<string, Venue[]>();

  /**
   * @param persons population size; hotels and cafés scale with it
   */
  constructor(
    readonly geo: Geography,
    seed: string,
    persons: number,
  ) {
    const rng = Rng.derive(seed, 'places');
    for (const city of geo.cities) {
      const county = geo.countiesOf(city.code)[0] as County;
      this.add('rail_station', STATIONS[city.code] ?? `${city.name}站`, county, rng, 0.02);
    }
    for (const v of this.venues) this.stationByCity.set(v.county.city.code, v);
    const totalWeight = geo.counties.reduce((s, c) => s + c.weight, 0);
    for (const county of geo.counties) {
      const share = county.weight / totalWeight;
      const short = county.name.replace(/(区|县|市|自治县)$/, '').slice(0, 4);
      const hotels = Math.max(2, Math.round((persons / 120) * share));
      for (let i = 0; i < hotels; i++) {
        const brand = rng.pick(HOTEL_BRANDS);
        const name =
          brand.length <= 2 && i % 2 === 0
            ? `${brand}酒店(${short}${rng.pick(county.towns).slice(0, 2)}店)`
            : `${short}${rng.pick(SHOP_WORDS)}${brand}`;
        this.add('hotel', name, county, rng, 0.03);
      }
      const cafes = Math.max(1, Math.round((persons / 400) * share));
      for (let i = 0; i < cafes; i++)
        this.add('internet_cafe', `${rng.pick(SHOP_WORDS)}${rng.pick(CAFE_WORDS)}`, county, rng, 0.03);
      const checkpoints = county.weight >= 3 ? 4 : 2;
      for (let i = 0; i < checkpoints; i++)
        this.add('checkpoint', `${short}${rng.pick(county.towns).slice(0, 4)}卡口`, county, rng, 0.05);
    }
  }

  private add(kind: PlaceKind, name: string, county: County, rng: Rng, sigma: number): void {
    const v: Venue = {
      id: eid('H', this.venues.length + 1),
      kind,
      name,
      address: this.geo.address(rng, county, false),
      county,
      point: this.geo.pointIn(rng, county, sigma),
    };
    this.venues.push(v);
    const push = (m: Map<string, Venue[]>, key: string) => {
      const list = m.get(key) ?? [];
      list.push(v);
      m.set(key, list);
    };
    if (kind === 'hotel') {
      push(this.hotelsByCity, county.city.code);
      push(this.hotelsByCounty, county.code);
    } else if (kind === 'internet_cafe') push(this.cafesByCounty, county.code);
    else if (kind === 'checkpoint') push(this.checkpointsByCounty, county.code);
  }

  /** Place entity id of the home of the household whose first member has index `start`. */
  homePlaceId(householdStart: number): string {
    return eid('H', this.venues.length + 1 + householdStart);
  }

  /** Cafés near a county (its own, else the city seat's). */
  cafesNear(county: County): Venue[] {
    return this.cafesByCounty.get(county.code) ?? [];
  }
}
