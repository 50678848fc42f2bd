/**
 * Rules that span several fields of a request, declared in the schemas (`x-time-range`, `x-bbox`,
 * `x-not-in`, `x-future`, `x-calendar-date`, `x-polygon`, `x-one-area`) and enforced by the same Ajv that validates everything else, so a
 * schema and its validation are one thing: a request the schema accepts is never refused later
 * for its shape. Register them with `addRequestKeywords(ajv)` on every validator compiler.
 */
import { checkPolygon, type GeoPolygon } from '@onemap/graph-schema';
import type { Ajv, ErrorObject, KeywordDefinition } from 'ajv';

type Fn = ((schema: never, data: unknown) => boolean) & { errors?: Partial<ErrorObject>[] };

function fail(fn: Fn, keyword: string, message: string): false {
  fn.errors = [{ keyword, message, params: {} }];
  return false;
}

/** `x-time-range: {from, to, maxDays}`: when both are given, from < to and at most maxDays apart. */
const timeRange: KeywordDefinition = {
  keyword: 'x-time-range',
  type: 'object',
  schemaType: 'object',
  errors: true,
  validate: function check(s: { from: string; to: string; maxDays: number }, data: Record<string, unknown>) {
    const fn = check as unknown as Fn;
    const f = data[s.from];
    const t = data[s.to];
    if (typeof f !== 'string' || typeof t !== 'string') return true;
    const a = Date.parse(f);
    const b = Date.parse(t);
    if (Number.isNaN(a) || Number.isNaN(b)) return fail(fn, 'x-time-range', `${s.from} and ${s.to} must be ISO 8601 times`);
    if (a >= b) return fail(fn, 'x-time-range', `${s.from} must be before ${s.to}`);
    if (b - a > s.maxDays * 86_400_000) return fail(fn, 'x-time-range', `the time range may span at most ${s.maxDays} days`);
    return true;
  } as never,
};

/** `x-bbox: [minLon, minLat, maxLon, maxLat]` (property names): all four or none, min below max. */
const bbox: KeywordDefinition = {
  keyword: 'x-bbox',
  type: 'object',
  schemaType: 'array',
  errors: true,
  validate: function check(keys: [string, string, string, string], data: Record<string, unknown>) {
    const fn = check as unknown as Fn;
    const v = keys.map((k) => data[k]);
    const given = v.filter((x) => x !== undefined).length;
    if (given === 0) return true;
    if (given !== 4) return fail(fn, 'x-bbox', `a bounding box needs all of ${keys.join(', ')}`);
    const [minLon, minLat, maxLon, maxLat] = v as number[];
    if ((minLon as number) >= (maxLon as number) || (minLat as number) >= (maxLat as number)) return fail(fn, 'x-bbox', 'the bounding box is empty (min must be below max)');
    return true;
  } as never,
};

/** `x-not-in: {value, list}`: the value of one property is not an element of another (a list). */
const notIn: KeywordDefinition = {
  keyword: 'x-not-in',
  type: 'object',
  schemaType: 'object',
  errors: true,
  validate: function check(s: { value: string; list: string }, data: Record<string, unknown>) {
    const fn = check as unknown as Fn;
    const list = data[s.list];
    if (Array.isArray(list) && list.includes(data[s.value])) return fail(fn, 'x-not-in', `${s.value} must not also be in ${s.list}`);
    return true;
  } as never,
};

/** `x-future: true` on a date-time string: it lies in the future when the request arrives. */
const future: KeywordDefinition = {
  keyword: 'x-future',
  type: 'string',
  schemaType: 'boolean',
  errors: true,
  validate: function check(on: boolean, data: string) {
    const fn = check as unknown as Fn;
    if (on && !(Date.parse(data) > Date.now())) return fail(fn, 'x-future', 'must be in the future');
    return true;
  } as never,
};

/**
 * `x-calendar-date: true` on a string that starts `YYYY-MM-DD`: that day exists (no 2027-11-31, no
 * 2026-02-29). A pattern cannot say it, and the graph refuses such a time with an error of its own.
 */
const calendarDate: KeywordDefinition = {
  keyword: 'x-calendar-date',
  type: 'string',
  schemaType: 'boolean',
  errors: true,
  validate: function check(on: boolean, data: string) {
    const fn = check as unknown as Fn;
    const m = on ? /^(\d{4})-(\d{2})-(\d{2})/.exec(data) : null;
    if (!m) return true;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
    if (mo < 1 || mo > 12 || d < 1 || d > days) return fail(fn, 'x-calendar-date', `${m[0]} is not a day of the calendar`);
    return true;
  } as never,
};

/** `x-polygon: true` on a GeoJSON Polygon: closed rings, no self-crossing, vertex and area caps (`checkPolygon`). */
const polygon: KeywordDefinition = {
  keyword: 'x-polygon',
  type: 'object',
  schemaType: 'boolean',
  errors: true,
  validate: function check(on: boolean, data: GeoPolygon) {
    const fn = check as unknown as Fn;
    if (!on || !Array.isArray(data?.coordinates)) return true;
    const { problems } = checkPolygon(data);
    return problems.length ? fail(fn, 'x-polygon', problems.join('; ')) : true;
  } as never,
};

/** `x-one-area: [[lon, lat], [polygon], [jurisdiction]]` (groups of property names): exactly one group given, whole. */
const oneArea: KeywordDefinition = {
  keyword: 'x-one-area',
  type: 'object',
  schemaType: 'array',
  errors: true,
  validate: function check(groups: string[][], data: Record<string, unknown>) {
    const fn = check as unknown as Fn;
    const given = groups.filter((g) => g.some((k) => data[k] !== undefined));
    const names = groups.map((g) => g.join(' + ')).join(', or ');
    if (given.length !== 1) return fail(fn, 'x-one-area', `give exactly one area: ${names}`);
    const partial = given[0]!.filter((k) => data[k] === undefined);
    if (partial.length) return fail(fn, 'x-one-area', `${given[0]!.join(' + ')} go together (missing ${partial.join(', ')})`);
    return true;
  } as never,
};

export const REQUEST_KEYWORDS = [timeRange, bbox, notIn, future, calendarDate, polygon, oneArea];

/** Adds the cross-field keywords to an Ajv instance (idempotent). */
export function addRequestKeywords(ajv: Ajv): Ajv {
  for (const k of REQUEST_KEYWORDS) if (!ajv.getKeyword(k.keyword as string)) ajv.addKeyword(k);
  return ajv;
}
