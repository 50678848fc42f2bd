import type { SourceMapping } from '@onemap/graph-schema';
import { describe, expect, it } from 'vitest';
import { compileMapping, restrictMapping, validateMapping } from './compile-mapping.ts';
import { standardizeRecord } from './standardize-record.ts';

const hotel: SourceMapping = {
  id: 'hotel',
  recordIdColumn: 'rid',
  entities: [
    { role: 'guest', kind: 'Person' },
    { role: 'hotel', kind: 'Place', placeKind: 'hotel' },
  ],
  fields: [
    { column: 'rid', target: 'record.id', meaning: 'id', sensitivity: 1, required: true },
    { column: 'name', target: 'guest.name', meaning: 'name', sensitivity: 3, required: true },
    { column: 'id_no', target: 'guest.residentId', meaning: 'id', sensitivity: 4 },
    { column: 'phone', target: 'guest.phone', meaning: 'phone', sensitivity: 3 },
    { column: 'hotel_code', target: 'hotel.placeCode', meaning: 'code', sensitivity: 1 },
    { column: 'check_in', target: 'record.at', meaning: 'time', sensitivity: 1 },
  ],
};

describe('standardizeRecord', () => {
  it('makes one mention per role with valid identifiers and record attributes', () => {
    const r = standardizeRecord(
      {
        rid: 'r1',
        name: '張偉',
        id_no: '11010519491231002X',
        phone: '138 0013 8000',
        hotel_code: 'H01',
        check_in: '20260302121526',
      },
      hotel,
      { source: 'hotel', file: 'f.csv', line: 2 },
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [guest, place] = r.mentions;
    expect(guest).toMatchObject({ key: 'hotel:r1:guest', kind: 'Person', line: 2 });
    expect(guest?.attrs).toMatchObject({
      name: '张伟',
      pyFamily: 'zhang',
      birthDate: '1949-12-31',
      sex: 'F',
      phone: '+8613800138000',
    });
    expect(guest?.identifiers).toEqual([
      { kind: 'resident_id', value: '11010519491231002X' },
      { kind: 'phone', value: '+8613800138000' },
    ]);
    expect(place).toMatchObject({
      key: 'hotel:r1:hotel',
      kind: 'Place',
      attrs: { placeCode: 'H01', placeKind: 'hotel' },
    });
    expect(r.record).toEqual({ id: 'r1', at: '2026-03-02T12:15:26' });
  });

  it('flags an invalid resident id with file, line and field, keeps it raw, and never makes it an identifier', () => {
    const r = standardizeRecord({ rid: 'r2', name: '张伟', id_no: '110105194912310021' }, hotel, {
      source: 'hotel',
      file: 'f.csv',
      line: 3,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.mentions[0]?.identifiers).toEqual([]);
    expect(r.mentions[0]?.attrs.residentIdRaw).toBe('110105194912310021');
    expect(r.mentions[0]?.attrs.residentId).toBeUndefined();
    expect(r.mentions[0]?.flags).toContain('residentId:bad_check_digit');
    expect(r.problems).toEqual([
      expect.objectContaining({
        file: 'f.csv',
        line: 3,
        field: 'id_no',
        code: 'ONEMAP_ERR_BAD_ID_CHECKSUM',
        recordId: 'r2',
      }),
    ]);
  });

  it('rejects a record whose required field is empty', () => {
    const r = standardizeRecord({ rid: 'r3', name: ' ' }, hotel, { source: 'hotel', line: 4 });
    expect(r).toMatchObject({ ok: false, rejection: { code: 'ONEMAP_ERR_REQUIRED_MISSING', field: 'name', line: 4 } });
  });

  it('rejects a record without an id', () => {
    expect(standardizeRecord({ name: '张伟' }, hotel).ok).toBe(false);
  });

  it('flags a value in the wrong encoding and treats it as missing', () => {
    const r = standardizeRecord({ rid: 'r4', name: '张伟', phone: '138\uFFFD' }, hotel, { source: 'hotel', line: 5 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.problems).toEqual([expect.objectContaining({ code: 'ONEMAP_ERR_BAD_ENCODING', field: 'phone', line: 5 })]);
    expect(r.mentions[0]?.attrs.phone).toBeUndefined();
  });

  it('rejects a required field in the wrong encoding', () => {
    const r = standardizeRecord({ rid: 'r5', name: '\uFFFD\uFFFD' }, hotel, { source: 'hotel', line: 6 });
    expect(r).toMatchObject({ ok: false, rejection: { code: 'ONEMAP_ERR_BAD_ENCODING', field: 'name' } });
    expect(r.problems[0]?.code).toBe('ONEMAP_ERR_BAD_ENCODING');
  });

  it('copies the phone of a HAS_PHONE relation onto the subscriber as evidence', () => {
    const telecom: SourceMapping = {
      recordIdColumn: 'rid',
      entities: [
        { role: 'phone', kind: 'Phone' },
        { role: 'subscriber', kind: 'Person' },
      ],
      fields: [
        { column: 'msisdn', target: 'phone.phone', meaning: '', sensitivity: 3 },
        { column: 'name', target: 'subscriber.name', meaning: '', sensitivity: 3 },
      ],
      relations: [{ type: 'HAS_PHONE', from: 'subscriber', to: 'phone' }],
    };
    const r = standardizeRecord({ rid: '1', msisdn: '13800138000', name: 'Emily Brown' }, telecom, { source: 't' });
    expect(r.ok && r.mentions[1]?.attrs.phone).toBe('+8613800138000');
  });

  it('joins several columns mapped to one attribute', () => {
    const m: SourceMapping = {
      recordIdColumn: 'id',
      entities: [{ role: 'p', kind: 'Person' }],
      fields: [
        { column: 'no', target: 'p.address', meaning: '', sensitivity: 1 },
        { column: 'street', target: 'p.address', meaning: '', sensitivity: 1 },
      ],
    };
    const r = standardizeRecord({ id: '1', no: '6', street: 'Tullaroop Street' }, m, { source: 's' });
    expect(r.ok && r.mentions[0]?.attrs.address).toBe('6 TULLAROOP ST');
  });
});

describe('standardizeRecord keeps only what the graph can store (tenth review)', () => {
  const withPoint: SourceMapping = {
    ...hotel,
    fields: [
      ...hotel.fields,
      { column: 'lon', target: 'hotel.lon', meaning: 'lon', sensitivity: 1 },
      { column: 'lat', target: 'hotel.lat', meaning: 'lat', sensitivity: 1 },
    ],
  };
  const good = { rid: 'r9', name: '张伟', hotel_code: 'H000061', lon: '103.07', lat: '36.55' };

  it('a latitude beyond ±90 (swapped with its longitude) is that value’s problem, not a point', () => {
    const r = standardizeRecord({ ...good, lon: '36.55', lat: '103.07' }, withPoint, { source: 'hotel', line: 5 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const place = r.mentions.find((m) => m.role === 'hotel')!;
    expect(place.attrs.lat).toBeUndefined();
    expect(place.attrs.latRaw).toBe('103.07');
    expect(place.attrs.lon).toBe('36.55');
    expect(r.problems).toEqual([expect.objectContaining({ field: 'lat', line: 5 })]);
  });

  it('a coordinate of 0 is a placeholder for no position, flagged and kept raw', () => {
    const r = standardizeRecord({ ...good, lon: '0', lat: '0.0' }, withPoint, { source: 'hotel', line: 5 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const place = r.mentions.find((m) => m.role === 'hotel')!;
    expect(place.attrs.lon).toBeUndefined();
    expect(place.attrs.lat).toBeUndefined();
    expect(place.attrs.lonRaw).toBe('0');
    expect(r.problems.map((p) => [p.field, p.reason])).toEqual([
      ['lon', 'hotel.lon: zero_coordinate'],
      ['lat', 'hotel.lat: zero_coordinate'],
    ]);
  });

  it('no kept value is longer than the graph’s index keys allow; an over-long record id rejects its record', () => {
    const long = 'H'.repeat(9000);
    const han = '张'.repeat(3000);
    const r = standardizeRecord({ ...good, hotel_code: long, phone: long, id_no: han }, withPoint, { source: 'hotel', line: 6 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    for (const m of r.mentions) {
      for (const [k, v] of Object.entries(m.attrs)) if (!k.endsWith('Raw')) expect(String(v).length, k).toBeLessThanOrEqual(1000);
      for (const i of m.identifiers) expect(i.value.length, i.kind).toBeLessThanOrEqual(1000);
    }
    expect(r.problems.map((p) => p.field).sort()).toEqual(['hotel_code', 'id_no', 'phone']);
    const byId = standardizeRecord({ ...good, rid: 'R'.repeat(300) }, withPoint, { source: 'hotel', line: 7 });
    expect(byId).toMatchObject({ ok: false, rejection: { code: 'ONEMAP_ERR_BAD_VALUE', field: 'rid', line: 7 } });
  });
});

describe('validateMapping', () => {
  it('collects every problem at once', () => {
    const problems = validateMapping({
      recordIdColumn: '',
      entities: [
        { role: 'p', kind: 'Person' },
        { role: 'p', kind: 'Alien' as never },
      ],
      fields: [
        { column: 'a', target: 'p.shoeSize', meaning: '', sensitivity: 1 },
        { column: 'b', target: 'q.name', meaning: '', sensitivity: 1 },
        { column: 'c', target: 'record.nope', meaning: '', sensitivity: 1 },
      ],
    });
    expect(problems).toHaveLength(6);
    expect(problems.join('\n')).toMatch(/recordIdColumn/);
    expect(problems.join('\n')).toMatch(/shoeSize/);
    expect(problems.join('\n')).toMatch(/role "q"/);
  });
});

describe('a fleet record: the plate tells the owning company region', () => {
  const fleet: SourceMapping = {
    id: 'vehicle_registry',
    recordIdColumn: 'rid',
    entities: [
      { role: 'vehicle', kind: 'Vehicle' },
      { role: 'company', kind: 'Organization' },
    ],
    fields: [
      { column: 'rid', target: 'record.id', meaning: 'id', sensitivity: 1, required: true },
      { column: 'plate', target: 'vehicle.plate', meaning: 'plate', sensitivity: 2, required: true },
      { column: 'org', target: 'company.name', meaning: 'owner', sensitivity: 2 },
    ],
    relations: [{ type: 'OWNS', from: 'company', to: 'vehicle' }],
  };
  const regionOf = (org: string, plate: string, m: SourceMapping | ReturnType<typeof restrictMapping> = fleet) => {
    const r = standardizeRecord({ rid: 'r1', plate, org }, m as SourceMapping, { source: 'vehicle_registry' });
    if (!r.ok) throw new Error('rejected');
    const company = r.mentions.find((x) => x.role === 'company');
    return { code: company?.attrs.orgRegionCode, flagged: company?.flags.includes('orgRegionCode:from_fleet_plate') ?? false };
  };

  it('fills a name without its region, or with the province only, with the prefecture that issued the plate', () => {
    // 甘E: Tianshui (6205); 甘N: Linxia (6229)
    expect(regionOf('恒通华夏文化传媒有限公司', '甘E12345')).toEqual({ code: '6205', flagged: true });
    expect(regionOf('甘肃恒通华夏文化传媒有限公司', '甘E12345')).toEqual({ code: '6205', flagged: true });
    expect(regionOf('甘肃金鼎陇原股份有限公司', '甘N0A123')).toEqual({ code: '6229', flagged: true });
  });

  it('keeps a city or county the name states, and learns nothing from a plate of another province', () => {
    expect(regionOf('兰州恒通华夏文化传媒有限公司', '甘E12345')).toEqual({ code: '6201', flagged: false });
    expect(regionOf('天水恒通华夏文化传媒有限公司', '甘E12345')).toEqual({ code: '6205', flagged: false });
    expect(regionOf('甘肃恒通华夏文化传媒有限公司', '京A12345')).toEqual({ code: '62', flagged: false });
  });

  it('reads the plate for the organizations alone too (the vehicle a hidden helper role)', () => {
    const orgsOnly = restrictMapping(compileMapping(fleet, 'vehicle_registry'), new Set(['Organization']));
    expect(regionOf('甘肃恒通华夏文化传媒有限公司', '甘E12345', orgsOnly)).toEqual({ code: '6205', flagged: true });
  });
});
