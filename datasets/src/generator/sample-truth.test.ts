/**
 * Checks on the committed sample in datasets/sample: shapes match the catalog, every
 * record has its true entities, every id is valid unless the noise file says otherwise.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isValidCreditCode, isValidResidentId, type SourceCatalogEntry } from '@onemap/graph-schema';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/load-catalog.ts';
import { containsPoint, preparePolygon } from '../geo/point-in-polygon.ts';
import { loadJurisdictions } from '../geo/units.ts';
import { listSourceFiles, parseCsvLine, readSourceFile } from '../replay/read-source-files.ts';
import { SAMPLE_DIR } from '../sample.ts';

const catalog = loadCatalog();

function readCsv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  const cols = parseCsvLine(header ?? '');
  return lines.map((l) => Object.fromEntries(parseCsvLine(l).map((v, i) => [cols[i], v])));
}

const truth = readCsv(join(SAMPLE_DIR, 'truth/records.csv'));
const noise = readCsv(join(SAMPLE_DIR, 'truth/noise.csv'));
const noiseKey = new Set(noise.map((n) => `${n.source}|${n.record_id}|${n.field}|${n.noise_kind}`));
const rows = new Map<string, Record<string, unknown>[]>(
  catalog.map((e) => [e.id, listSourceFiles(SAMPLE_DIR, e).flatMap((f) => readSourceFile(f, e))]),
);

describe('committed sample', () => {
  it('has 2,000–3,000 persons, a few MB, and a manifest hash for every file', () => {
    const manifest = JSON.parse(readFileSync(join(SAMPLE_DIR, 'manifest.json'), 'utf8'));
    expect(manifest.persons).toBeGreaterThanOrEqual(2000);
    expect(manifest.persons).toBeLessThanOrEqual(3000);
    const bytes = manifest.files.reduce((s: number, f: { bytes: number }) => s + f.bytes, 0);
    expect(bytes).toBeLessThan(8 * 2 ** 20);
    for (const e of catalog) {
      const files = readdirSync(join(SAMPLE_DIR, e.id));
      for (const f of files) expect(manifest.files.some((m: { path: string }) => m.path === `${e.id}/${f}`)).toBe(true);
    }
  });

  it('writes every source in its catalog shape, one column per catalog field', () => {
    for (const e of catalog) {
      const list = rows.get(e.id) ?? [];
      expect(list.length, e.id).toBeGreaterThan(0);
      for (const r of list) expect(Object.keys(r), e.id).toEqual(e.fields.map((f) => f.column));
    }
  });

  it('has ground truth for every record and no truth without a record', () => {
    const fromFiles = new Set<string>();
    for (const [source, list] of rows) for (const r of list) fromFiles.add(`${source}|${r.record_id}`);
    const fromTruth = new Set(truth.map((t) => `${t.source}|${t.record_id}`));
    expect([...fromFiles].filter((k) => !fromTruth.has(k))).toEqual([]);
    expect([...fromTruth].filter((k) => !fromFiles.has(k))).toEqual([]);
    for (const t of truth) expect(t.entity_id).toMatch(/^[POVHTC]\d{6,}$/);
  });

  it('names in truth only roles the catalog declares for the source', () => {
    const roles = new Map(
      catalog.map((e: SourceCatalogEntry) => [e.id, new Map(e.entities.map((r) => [r.role, r.kind]))]),
    );
    for (const t of truth) expect(roles.get(t.source as string)?.get(t.role as string)).toBe(t.entity_kind);
  });

  it('keeps every resident id and credit code valid unless noise.csv says it was corrupted', () => {
    const idFields = new Map(
      catalog.map((e) => [e.id, e.fields.filter((f) => f.target?.endsWith('.residentId')).map((f) => f.column)]),
    );
    let checked = 0;
    for (const [source, list] of rows) {
      for (const r of list) {
        for (const col of idFields.get(source) ?? []) {
          const v = String(r[col] ?? '');
          if (!v) continue;
          checked++;
          if (!isValidResidentId(v)) {
            const tagged = ['bad_check_digit', 'transposed_id'].some((k) =>
              noiseKey.has(`${source}|${r.record_id}|${col}|${k}`),
            );
            expect(tagged, `${source} ${r.record_id} ${col}=${v}`).toBe(true);
          }
        }
        const code = source === 'business' ? 'credit_code' : source === 'vehicle_registry' ? 'owner_credit_code' : '';
        const v = code ? String(r[code] ?? '') : '';
        if (code && (source === 'business' || v) && !isValidCreditCode(v)) {
          const tagged = ['credit_lower', 'credit_typo'].find((k) =>
            noiseKey.has(`${source}|${r.record_id}|${code}|${k}`),
          );
          expect(tagged, `${source} ${r.record_id} ${code}=${v}`).toBeDefined();
          // lower case is only lower case; a typo is one character away and fails the check
          if (tagged === 'credit_lower') expect(isValidCreditCode(v.toUpperCase())).toBe(true);
        }
      }
    }
    expect(checked).toBeGreaterThan(5000);
  });

  it('places venues and homes inside the county the record names', () => {
    const polys = new Map(loadJurisdictions().features.map((f) => [f.properties.code, preparePolygon(f.geometry)]));
    const checks: [string, string, string][] = [
      ['household', 'home_lon', 'home_lat'],
      ['hotel', 'hotel_lon', 'hotel_lat'],
      ['netcafe', 'cafe_lon', 'cafe_lat'],
      ['checkpoint', 'checkpoint_lon', 'checkpoint_lat'],
    ];
    for (const [source, lon, lat] of checks) {
      for (const r of rows.get(source) ?? []) {
        const poly = polys.get(String(r.division_code));
        expect(poly, `${source} ${r.division_code}`).toBeDefined();
        if (poly) expect(containsPoint(poly, [Number(r[lon]), Number(r[lat])]), `${source} ${r.record_id}`).toBe(true);
      }
    }
  });

  it('has local plates (甘A..甘P) and 11-digit mobile numbers', () => {
    for (const r of rows.get('vehicle_registry') ?? [])
      expect(String(r.plate)).toMatch(/^甘[A-HJ-NP][0-9A-HJ-NP-Z]{5,6}$/);
    for (const r of rows.get('telecom') ?? []) expect(String(r.msisdn)).toMatch(/^1[3-9]\d{9}$/);
  });

  it('delivers one source in GBK and duplicate deliveries byte for byte', () => {
    const gbk = catalog.filter((e) => e.file.encoding === 'gbk');
    expect(gbk.map((e) => e.id)).toEqual(['netcafe']);
    const raw = readFileSync(listSourceFiles(SAMPLE_DIR, gbk[0] as SourceCatalogEntry)[0] as string);
    expect(raw.toString('utf8')).toContain('\uFFFD');
    const dups = catalog.flatMap((e) =>
      listSourceFiles(SAMPLE_DIR, e, true).filter((f) => f.includes('.redelivered.')),
    );
    expect(dups.length).toBeGreaterThan(0);
    for (const d of dups) expect(readFileSync(d).equals(readFileSync(d.replace('.redelivered', '')))).toBe(true);
  });

  it('plants companions who really share trains and hotels, shared phones and aliases', () => {
    const companions = readCsv(join(SAMPLE_DIR, 'truth/companions.csv'));
    const groups = new Map<string, string[]>();
    for (const c of companions)
      groups.set(c.group_id as string, [...(groups.get(c.group_id as string) ?? []), c.person_entity_id as string]);
    expect(groups.size).toBeGreaterThan(3);
    const railOf = new Map<string, Set<string>>();
    const railRows = new Map((rows.get('rail') ?? []).map((r) => [String(r.record_id), r]));
    for (const t of truth.filter((x) => x.source === 'rail' && x.role === 'passenger')) {
      const r = railRows.get(t.record_id as string);
      const s = railOf.get(t.entity_id as string) ?? new Set<string>();
      s.add(`${r?.train_no}|${r?.from_station_code}`);
      railOf.set(t.entity_id as string, s);
    }
    for (const members of groups.values()) {
      expect(members.length).toBeGreaterThanOrEqual(2);
      const [first, ...rest] = members.map((m) => railOf.get(m) ?? new Set<string>());
      const shared = [...(first ?? [])].filter((k) => rest.every((s) => s.has(k)));
      expect(shared.length).toBeGreaterThan(0);
    }
    const phones = readCsv(join(SAMPLE_DIR, 'truth/shared_phones.csv'));
    const byPhone = new Map<string, number>();
    for (const p of phones) byPhone.set(p.phone as string, (byPhone.get(p.phone as string) ?? 0) + 1);
    expect(byPhone.size).toBeGreaterThan(3);
    for (const n of byPhone.values()) expect(n).toBe(2);
    const aliases = readCsv(join(SAMPLE_DIR, 'truth/aliases.csv'));
    expect(aliases.length).toBeGreaterThan(2);
    for (const a of aliases) expect(a.name_a).not.toBe(a.name_b);
    const personOf = new Map(
      truth.filter((t) => t.entity_kind === 'Person').map((t) => [`${t.source}|${t.record_id}`, t.entity_id]),
    );
    const seenAlias = new Set(
      noise.filter((n) => n.noise_kind === 'alias_name').map((n) => personOf.get(`${n.source}|${n.record_id}`)),
    );
    for (const a of aliases) expect(seenAlias.has(a.person_entity_id), a.person_entity_id).toBe(true);
    const phoneOf = new Map<string, Set<string>>();
    for (const [source, list] of rows)
      for (const r of list) {
        const who = personOf.get(`${source}|${r.record_id}`);
        if (!who) continue;
        const set = phoneOf.get(who) ?? new Set<string>();
        for (const [k, v] of Object.entries(r)) if (k.includes('phone') || k === 'msisdn') set.add(String(v));
        phoneOf.set(who, set);
      }
    for (const p of phones)
      expect(phoneOf.get(p.person_entity_id as string)?.has(p.phone as string), p.phone).toBe(true);
  });
});
