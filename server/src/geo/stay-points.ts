import { toBeijingIso } from '@onemap/graph-schema';
import distance from '@turf/distance';

/** Distance threshold of a stay, in metres (trackintel's default). */
export const DEFAULT_STAY_RADIUS_M = 100;
/** Time threshold of a stay, in minutes (trackintel's default). */
export const DEFAULT_STAY_MIN_MINUTES = 5;

/** Options of `stayPoints`. */
export interface StayPointOptions {
  /** distance threshold in metres; default `DEFAULT_STAY_RADIUS_M` */
  radiusM?: number;
  /** time threshold in minutes; default `DEFAULT_STAY_MIN_MINUTES` */
  minMinutes?: number;
}

export interface TimedPoint {
  lon: number;
  lat: number;
  /** ISO start time. */
  at: string;
  /** ISO end time when the sighting has one (a hotel stay). */
  until?: string | null;
  placeEid?: string;
}

export interface StayPointResult {
  lon: number;
  lat: number;
  /** start, ISO 8601 with the explicit Beijing offset `+08:00` */
  start: string;
  /** end, ISO 8601 with the explicit Beijing offset `+08:00` */
  end: string;
  minutes: number;
  points: number;
  placeEids: string[];
}

/**
 * Stay points of a time-ordered trajectory (Li et al. 2008, as in trackintel's
 * `generate_staypoints`): a run of consecutive points that stays within `radiusM` metres of its
 * first point for at least `minMinutes` becomes one stay point at the run's mean position.
 * A single sighting whose own `until` spans `minMinutes` is a stay by itself.
 * @param points points ordered by `at`
 * @param options `radiusM` (default `DEFAULT_STAY_RADIUS_M`) and `minMinutes` (default `DEFAULT_STAY_MIN_MINUTES`)
 * @returns stay points in time order, start and end both in Beijing time (`+08:00`)
 * @example stayPoints([{lon:103.8,lat:36.06,at:'2026-11-01T08:00:00Z'},{lon:103.8001,lat:36.06,at:'2026-11-01T08:30:00Z'}], { radiusM: 100 }) // one stay of 30 min
 */
export function stayPoints(points: readonly TimedPoint[], options: StayPointOptions = {}): StayPointResult[] {
  const radiusM = options.radiusM ?? DEFAULT_STAY_RADIUS_M;
  const minMinutes = options.minMinutes ?? DEFAULT_STAY_MIN_MINUTES;
  const out: StayPointResult[] = [];
  const endOf = (p: TimedPoint) => Date.parse(p.until ?? p.at);
  let i = 0;
  while (i < points.length) {
    const first = points[i] as TimedPoint;
    let j = i + 1;
    while (j < points.length) {
      const p = points[j] as TimedPoint;
      if (distance([first.lon, first.lat], [p.lon, p.lat], { units: 'meters' }) > radiusM) break;
      j++;
    }
    const run = points.slice(i, j);
    const start = Date.parse(first.at);
    const end = Math.max(...run.map(endOf));
    const minutes = (end - start) / 60000;
    if (minutes >= minMinutes) {
      out.push({
        lon: run.reduce((s, p) => s + p.lon, 0) / run.length,
        lat: run.reduce((s, p) => s + p.lat, 0) / run.length,
        start: toBeijingIso(start),
        end: toBeijingIso(end),
        minutes: Math.round(minutes * 10) / 10,
        points: run.length,
        placeEids: [...new Set(run.map((p) => p.placeEid).filter((x): x is string => Boolean(x)))],
      });
      i = j;
    } else {
      i++;
    }
  }
  return out;
}
