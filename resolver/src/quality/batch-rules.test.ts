import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCatalog } from '@onemap/datasets';
import { afterAll, describe, expect, it } from 'vitest';
import { readBatch } from '../intake/read-batch.ts';
import { stageFile } from '../intake/staged-batch.ts';
import { authorityConflictRule, staleAuthorityFinding } from './authority-rule.ts';
import { runBatchRules } from './batch-rules.ts';
import { durationMs } from './graph-rules.ts';
import { qualitySettings } from './rules-config.ts';
import type { BatchQualityInput } from './types.ts';

const catalog = loadCatalog();
const entry = (id: string) => catalog.find((e) => e.id === id)!;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-quality-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const ID = '620402197411046954'; // valid, male, born 1974-11-04
const GOOD_GUEST = {
  guest_name: '马良翰',
  sex: '男',
  birth_date: '19741104',
  id_type: '居民身份证',
  id_number: ID,
  phone: '18512345678',
};
let n = 0;
function hotel(over: Record<string, unknown>, recordId = `LGQ${++n}`) {
  return {
    record_id: recordId,
    hotel_code: 'H000061',
    hotel_name: '榆中领航商务酒店',
    hotel_address: '甘肃省兰州市榆中县韦营乡团结路287号',
    hotel_lon: 103.07185,
    hotel_lat: 36.55432,
    division_code: '620123',
    ...GOOD_GUEST,
    passport_no: '',
    nationality: 'CHN',
    address: '甘肃省白银市白银区纺织路街道北环路248号',
    room_no: '1',
    check_in: '2026-03-02 12:15:26',
    check_out: '2026-03-03 10:00:00',
    ...over,
  };
}

/** Stages and standardizes hotel records for real, as the pipeline does. */
function hotelBatch(rows: Record<string, unknown>[], extra: Partial<BatchQualityInput> = {}): BatchQualityInput {
  const file = path.join(dir, `h${++n}.jsonl`);
  fs.writeFileSync(file, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  const e = entry('hotel');
  const read = readBatch(stageFile(path.join(dir, 'staging'), 'hotel', file, e.file), e);
  return {
    source: 'hotel',
    entry: e,
    records: read.records,
    rejects: read.rejects,
    flagged: read.flagged,
    arrivedAt: '2026-03-02T06:00:00Z',
    ...extra,
  };
}

function findings(input: BatchQualityInput, rule: string) {
  return runBatchRules(input).findings.filter((f) => f.rule === rule);
}

describe('per-batch quality rules', () => {
  it('key_fields flags a guest without any identity document and passes one with a resident id', () => {
    const input = hotelBatch([hotel({ id_number: '', passport_no: '' }, 'LGK1'), hotel({}, 'LGK2')]);
    expect(findings(input, 'key_fields').map((f) => [f.rid, f.field])).toEqual([['hotel:LGK1', 'id_number']]);
  });

  it('id_check_digit flags a resident id whose check character is wrong (and a transposition) and passes a valid one', () => {
    const input = hotelBatch([
      hotel({ id_number: '620402197411046955' }, 'LGC1'),
      hotel({ id_number: '620402197411049654' }, 'LGC2'),
      hotel({}, 'LGC3'),
    ]);
    const f = findings(input, 'id_check_digit');
    expect(f.map((x) => x.rid).sort()).toEqual(['hotel:LGC1', 'hotel:LGC2']);
    expect(f[0]).toMatchObject({ field: 'id_number', severity: 'error', attribute: 'residentId' });
  });

  it('id_consistency flags a stated sex and birth date that contradict the resident id and passes matching ones', () => {
    const input = hotelBatch([hotel({ sex: '女', birth_date: '19800101' }, 'LGS1'), hotel({}, 'LGS2')]);
    const f = findings(input, 'id_consistency');
    expect(new Set(f.map((x) => x.rid))).toEqual(new Set(['hotel:LGS1']));
    expect(f.map((x) => x.field).sort()).toEqual(['birth_date', 'sex']);
  });

  it('coordinates_in_province flags a hotel located outside Gansu and passes one inside', () => {
    const input = hotelBatch([
      hotel({ hotel_code: 'H999001', hotel_lon: 121.47, hotel_lat: 31.23 }, 'LGG1'),
      hotel({}, 'LGG2'),
    ]);
    expect(findings(input, 'coordinates_in_province').map((f) => f.rid)).toEqual(['hotel:LGG1']);
    // The position is the example's value (masked like its column); the free-text detail never repeats it.
    const [f] = findings(input, 'coordinates_in_province');
    expect(f?.value).toBe('121.47,31.23');
    expect(f?.detail).not.toMatch(/121|31\.2/);
  });

  it('time_order flags a check-out before the check-in and passes a normal stay', () => {
    const input = hotelBatch([hotel({ check_out: '2026-03-01 10:00:00' }, 'LGT1'), hotel({}, 'LGT2')]);
    expect(findings(input, 'time_order').map((f) => [f.rid, f.field])).toEqual([['hotel:LGT1', 'check_out']]);
  });

  it('record_age flags a check-in that arrives days late (or from the future) and passes a fresh one', () => {
    const input = hotelBatch(
      [
        hotel({ check_in: '2026-02-20 12:00:00' }, 'LGA1'),
        hotel({ check_in: '2026-03-09 12:00:00', check_out: '' }, 'LGA2'),
        hotel({}, 'LGA3'),
      ],
      { arrivedAt: '2026-03-02T06:00:00Z' },
    );
    expect(
      findings(input, 'record_age')
        .map((f) => f.rid)
        .sort(),
    ).toEqual(['hotel:LGA1', 'hotel:LGA2']);
  });

  it('duplicates flags a record delivered again unchanged and passes a changed or new one', () => {
    const first = hotelBatch([hotel({}, 'LGD1'), hotel({}, 'LGD2')]);
    const prior = new Map(first.records.map((r) => [r.rid, r.hash]));
    const again = hotelBatch([hotel({}, 'LGD1'), hotel({ room_no: '2' }, 'LGD2'), hotel({}, 'LGD3')], {
      priorHashes: prior,
    });
    expect(findings(again, 'duplicates').map((f) => f.rid)).toEqual(['hotel:LGD1']);
  });

  it('duplicates flags one person twice in one authoritative delivery', () => {
    const file = path.join(dir, 'hh.csv');
    const head =
      'record_id,household_no,relation_to_head,name,sex,ethnicity,birth_date,id_number,phone,address,division_code,station_code,home_code,home_name,home_lon,home_lat,home_address,registered_at';
    const row = (id: string) =>
      `${id},1234567891,户主,马良翰,1,汉族,19741104,${ID},18512345678,甘肃省白银市白银区北环路248号,620402,620402001,H000491,住宅,104.15009,36.53424,甘肃省白银市白银区北环路248号,2016-04-23`;
    fs.writeFileSync(file, `${head}\n${row('HJQ1')}\n${row('HJQ2')}\n`);
    const e = entry('household');
    const read = readBatch(stageFile(path.join(dir, 'staging'), 'household', file, e.file), e);
    const input: BatchQualityInput = {
      source: 'household',
      entry: e,
      records: read.records,
      rejects: read.rejects,
      flagged: read.flagged,
      arrivedAt: '2026-03-02T06:00:00Z',
    };
    expect(findings(input, 'duplicates').map((f) => [f.rid, f.field])).toEqual([['household:HJQ2', 'id_number']]);
  });

  it('no finding of any rule repeats a value of its record in its free-text detail (the value is masked; the detail is not)', () => {
    const input = hotelBatch(
      [
        hotel({ id_number: '', passport_no: '' }, 'LGV1'),
        hotel({ id_number: '620402197411046955' }, 'LGV2'),
        hotel({ sex: '女', birth_date: '19800101' }, 'LGV3'),
        hotel({ hotel_code: 'H999001', hotel_lon: 121.47, hotel_lat: 31.23 }, 'LGV4'),
        hotel({ check_out: '2026-03-01 10:00:00' }, 'LGV5'),
        hotel({ check_in: '2026-02-20 12:00:00', check_out: '2026-02-21 09:30:00' }, 'LGV6'),
        hotel({ check_in: '2026-03-09 12:00:00', check_out: '' }, 'LGV7'),
        hotel({ phone: '1851234', birth_date: '19740231' }, 'LGV8'),
      ],
      { arrivedAt: '2026-03-02T06:00:00Z' },
    );
    const found = runBatchRules(input).findings;
    // every rule this batch can break, broken
    expect([...new Set(found.map((f) => f.rule))].sort()).toEqual(['key_fields', 'id_check_digit', 'id_consistency', 'coordinates_in_province', 'time_order', 'record_age', 'date_validity'].sort());
    // the pieces of a value that tell it (digits of a time, a number or a position; Hanzi of a name or an address), not words like the role's name
    const pieces = (v: unknown) =>
      String(v ?? '')
        .split(/[\s:T,]+/)
        .filter((p) => (/\d/.test(p) && p.length >= 4) || /\p{Script=Han}{2}/u.test(p));
    for (const f of found) {
      const rec = input.records.find((r) => r.rid === f.rid)!;
      const values = [f.value, ...Object.values(rec.record), ...rec.mentions.flatMap((m) => [...Object.values(m.attrs), ...m.identifiers.map((i) => i.value)])];
      for (const v of values) for (const p of pieces(v)) expect(f.detail, `${f.rule} on ${f.rid}`).not.toContain(p);
    }
  });

  it('a clean batch scores 1 on every rule', () => {
    const r = runBatchRules(hotelBatch([hotel({}, 'LGOK1'), hotel({}, 'LGOK2')]));
    expect(r.findings).toEqual([]);
    expect(r.overall).toBe(1);
    for (const s of r.scores) expect(s.score).toBe(1);
  });
});

describe('per-source settings', () => {
  it('defaults follow the entity kinds the source maps; a catalog `quality` key overrides them', () => {
    expect(qualitySettings(entry('hotel'))).toMatchObject({
      keyFields: ['guest.residentId|passport|nationalId'],
      maxRecordAgeHours: 48,
      disabled: [],
    });
    expect(qualitySettings(entry('household')).uniqueKeys).toEqual(['person.residentId']);
    const tuned = { ...entry('hotel'), quality: { maxRecordAgeHours: 1, disabled: ['time_order'] } };
    expect(qualitySettings(tuned)).toMatchObject({ maxRecordAgeHours: 1, disabled: ['time_order'] });
    const input = hotelBatch([hotel({ check_out: '2026-03-01 10:00:00' }, 'LGP1')], { entry: tuned });
    expect(runBatchRules(input).scores.map((x) => x.rule)).not.toContain('time_order');
  });
});

describe('authority rules', () => {
  it('authority_conflict flags an address that differs from the authority and passes an equal one', () => {
    const input = hotelBatch([hotel({}, 'LGX1')]);
    const key = input.records[0]!.mentions.find((m) => m.role === 'guest')!.attrs.addressKey!;
    const differ = authorityConflictRule(input.entry, input.records, (attr) =>
      attr === 'address'
        ? { value: '甘肃省兰州市城关区别处1号', key: '别处1号', source: 'household', rid: 'household:HJ1' }
        : undefined,
    );
    expect(differ.findings.map((f) => [f.rid, f.field, f.attribute])).toEqual([['hotel:LGX1', 'address', 'address']]);
    const same = authorityConflictRule(input.entry, input.records, (attr) =>
      attr === 'address' ? { value: 'x', key, source: 'household', rid: 'household:HJ1' } : undefined,
    );
    expect(same.findings).toEqual([]);
  });

  it('authority_conflict does not count a Pinyin-only or traditional spelling of the authority name, but does a homophone', () => {
    const byName = (name: string) => (attr: string) =>
      attr === 'name' ? { value: name, key: name, source: 'household', rid: 'household:HJ9' } : undefined;
    const pinyin = hotelBatch([hotel({ guest_name: 'MA LIANGHAN' }, 'LGN1')]);
    expect(authorityConflictRule(pinyin.entry, pinyin.records, byName('马良翰')).findings).toEqual([]);
    const traditional = hotelBatch([hotel({ guest_name: '馬良翰' }, 'LGN2')]);
    expect(authorityConflictRule(traditional.entry, traditional.records, byName('马良翰')).findings).toEqual([]);
    const homophone = hotelBatch([hotel({ guest_name: '马良汉' }, 'LGN3')]);
    expect(authorityConflictRule(homophone.entry, homophone.records, byName('马良翰')).findings.map((f) => [f.rid, f.attribute])).toEqual([
      ['hotel:LGN3', 'name'],
    ]);
  });

  it('stale_authority flags the earlier authority record when the authority later states another value', () => {
    const e = entry('household');
    const input = hotelBatch([hotel({}, 'LGY1')]);
    const rec = { ...input.records[0]!, rid: 'household:HJ2' };
    const stale = staleAuthorityFinding(e, rec, 'address', {
      value: 'old',
      key: 'old',
      source: 'household',
      rid: 'household:HJ1',
    });
    expect(stale).toMatchObject({ rule: 'stale_authority', rid: 'household:HJ1' });
    const key = rec.mentions.find((m) => m.role === 'guest')!.attrs.addressKey!;
    expect(
      staleAuthorityFinding(e, rec, 'address', { value: 'same', key, source: 'household', rid: 'household:HJ1' }),
    ).toBeUndefined();
  });

  it('durationMs reads the catalog frequencies', () => {
    expect(durationMs('PT1M')).toBe(60_000);
    expect(durationMs('P1D')).toBe(86_400_000);
    expect(durationMs('nonsense')).toBeNaN();
  });
});
