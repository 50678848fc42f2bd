/**
 * The API benchmark's graph, built at scale with neo4j-admin's bulk import instead of Cypher
 * writes: `generateBenchCsv` writes node and relationship CSVs in the shape the pipeline writes
 * (ARCHITECTURE.md, "The graph"), `importBenchCsv` loads them with `neo4j-admin database import
 * full` (org.neo4j.cli.AdminTool on the launcher's classpath) into the bench profile's store,
 * which is kept under `.data/bench-api/n<persons>` and reused by later runs.
 *
 * What is generated (synthetic, deterministic from a seed):
 * - persons (household record as authority for name, resident ID, sex, birth date, address;
 *   golden values and provenance on the node; names and identifiers in `searchText`, Pinyin in
 *   `pinyinKeys` and initials in `pinyinInitials` as V049 and the pipeline write them), 1 % known only
 *   from `incident` records (a source most viewers may not see);
 * - phones (a telecom record; one family in ten shares one), employers (business records),
 *   places (hotels, internet cafés, rail stations; 1 % of them hubs that take 30 % of sightings);
 * - per person `--visits` sightings over 90 days (10 by default): each a SourceRecord of the
 *   place's source RESOLVED_TO both the person and the place, and a VISITED edge, as the pipeline
 *   writes a hotel stay or a rail departure;
 * - relations HAS_PHONE, WORKS_FOR, HAS_IDENTIFIER (resident ID, phone number);
 * - every entity's `inSources` (the sources of its records and edges: visibility as a property);
 *   every place's facts `recordRoles` (its one source and role; no record mentions `home`, so no `homeSources`).
 * Not generated: `mentions`/`raw` of records (the query API never reads them), CO_TRAVELED.
 * A person's record states its name as the pipeline's standardization does (`name`, `family`,
 * `given`, `pyFamily`, `pyGiven`): search matches Pinyin on that record for a viewer who does not
 * see the person whole (format 1 had the name alone, so a full-Pinyin search found almost nothing
 * and scanned every tier).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadUnits } from '@onemap/datasets';
import { IDENTIFIER_VALUE_REVERSED, residentIdCheckChar, reversedValue } from '@onemap/graph-schema';
import { pinyinInitials, standardizePersonName } from '@onemap/resolver/standardize';
import { rng } from '../test/helpers/rng.ts';


/** A JSON value as one quoted CSV field (quotes doubled). */
const q = (json: string) => `"${json.replaceAll('"', '""')}"`;

/**
 * A CSV file written in large synchronous blocks: each line is encoded straight into one 4 MiB
 * buffer (no per-row array, join or string rope to collect) that is written when full, so a 5 GB
 * build is bound by the generator, not by write calls or garbage.
 */
class CsvFile {
  private fd: number;
  private buf = Buffer.allocUnsafe(4 << 20);
  private off = 0;
  rows = 0;
  constructor(
    readonly file: string,
    header: string,
  ) {
    this.fd = fs.openSync(file, 'w');
    fs.writeSync(this.fd, `${header}\n`);
  }
  /** One line, fields already joined and quoted by the caller, without the newline. */
  line(s: string) {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (this.off + 3 * s.length + 1 > this.buf.length) {
      this.flush();
      if (3 * s.length + 1 > this.buf.length) this.buf = Buffer.allocUnsafe(3 * s.length + 1);
    }
    this.off += this.buf.write(s, this.off);
    this.buf[this.off++] = 10;
    this.rows++;
  }
  flush() {
    if (this.off) fs.writeSync(this.fd, this.buf, 0, this.off);
    this.off = 0;
  }
  close() {
    this.flush();
    fs.closeSync(this.fd);
  }
}

export interface BenchCsv {
  nodes: string[];
  relationships: string[];
  counts: Record<string, number>;
}

const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗'];
const GIVEN = [...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚'];
const PLACE_KINDS = [
  { kind: 'hotel', source: 'hotel', suffix: '宾馆', visit: 'hotel_stay', role: 'hotel' },
  { kind: 'internet_cafe', source: 'netcafe', suffix: '网吧', visit: 'internet_login', role: 'netcafe' },
  { kind: 'rail_station', source: 'rail', suffix: '车站', visit: 'rail_departure', role: 'station' },
] as const;
const DAY = 86_400_000;
/** The shape of the generated store: a store built with another format is rebuilt, not reused. */
export const BENCH_STORE_FORMAT = 4;

/** Sightings fall in the 90 days before this instant; the bench's 30-day window is the last month. */
export const BENCH_END = Date.UTC(2026, 10, 1);

/**
 * Pinyin of a name, computed once per distinct name (a few thousand), not once per person: as the
 * pipeline writes a person (`resolver/src/pipeline/golden-values.ts`), syllable groups and their
 * join in `pinyinKeys`, initials in `pinyinInitials` (index `entity_pinyin`), so migration V049
 * finds nothing to rewrite in a freshly built store.
 */
const nameCache = new Map<string, { pinyin: string; keys: string; initials: string; attrs: string }>();
function nameKeys(name: string) {
  let v = nameCache.get(name);
  if (!v) {
    const py = standardizePersonName(name);
    const pinyin = py ? `${py.pyFamily} ${py.pyGiven}` : '';
    const ini = pinyinInitials(name);
    // A record's name as the pipeline standardizes it (`resolver/src/standardize/entity-attrs.ts`):
    // the parts and their Pinyin are attributes of the record, which search reads for a viewer not
    // seeing the person whole (the name's Pinyin is matched on the record that states the name).
    const parts = py ? { name, family: py.family, given: py.given, pyFamily: py.pyFamily, pyGiven: py.pyGiven } : { name };
    v = {
      pinyin,
      keys: py ? `${pinyin} ${py.pyFamily}${py.pyGiven}`.replace(/\s+$/, '') : '',
      initials: ini.length >= 2 ? ini : '',
      attrs: JSON.stringify(parts).slice(1, -1),
    };
    nameCache.set(name, v);
  }
  return v;
}

/** ISO 8601 UTC with milliseconds, as `Date#toISOString` writes it, from a day string cached per day. */
const dayCache = new Map<number, string>();
function iso(ms: number): string {
  const d = Math.floor(ms / DAY);
  let day = dayCache.get(d);
  if (!day) {
    day = new Date(d * DAY).toISOString().slice(0, 11);
    dayCache.set(d, day);
  }
  const r = ms - d * DAY;
  const h = Math.floor(r / 3_600_000);
  const m = Math.floor(r / 60_000) % 60;
  const sec = Math.floor(r / 1000) % 60;
  const milli = r % 1000;
  return `${day}${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}:${sec < 10 ? '0' : ''}${sec}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

/**
 * Writes the bench graph as neo4j-admin import CSVs into `dir`. Lines are built from strings
 * precomputed per person, place and name (no per-row objects, no JSON.stringify, no regex), so
 * 1 M persons / 10 M sightings take a couple of minutes rather than an hour.
 * @returns the files (with their import headers) and row counts
 */
export function generateBenchCsv(dir: string, persons: number, visits = 10, log: (s: string) => void = () => {}): BenchCsv {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const rand = rng(20261122);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
  const counties = loadUnits().filter((u) => u.level === 'county');
  const file = (name: string, header: string) => new CsvFile(path.join(dir, name), header);
  const entities = file('entities.csv', 'eid:ID(Entity),:LABEL,name,namePinyin,familyName,givenName,sex,birthDate,residentId,address,number,placeKind,unitCode,location:point{crs:WGS-84},searchText,pinyinKeys,pinyinInitials,provenance,inSources:string[],recordRoles:string[]');
  const records = file('records.csv', 'rid:ID(Record),:LABEL,source,recordId,receivedAt:datetime,attrs');
  const identifiers = file('identifiers.csv', `id:ID(Identifier),:LABEL,kind,value,${IDENTIFIER_VALUE_REVERSED}`);
  const resolved = file('resolved.csv', ':START_ID(Record),:END_ID(Entity),:TYPE,role,decision');
  const hasIdentifier = file('has-identifier.csv', ':START_ID(Entity),:END_ID(Identifier),:TYPE,source,rid,rids:string[]');
  const relations = file('relations.csv', ':START_ID(Entity),:END_ID(Entity),:TYPE,source,rid,rids:string[]');
  const visited = file('visited.csv', ':START_ID(Entity),:END_ID(Entity),:TYPE,at:datetime,kind,source,rid,place');
  const meta = file('meta.csv', ':ID(Meta),:LABEL,id,persons:long,visits:long');
  meta.line(`api,BenchMeta,api,${persons},${visits}`);

  // Places: hotels, internet cafés and rail stations in every county; 1 % are hubs.
  const nPlaces = Math.max(200, Math.floor(persons / 10));
  type BenchPlace = { eid: string; name: string; k: (typeof PLACE_KINDS)[number]; unit: string; sources: Set<string>; attrs: string; resolvedTail: string; visitedTail: string };
  const places: BenchPlace[] = [];
  for (let i = 0; i < nPlaces; i++) {
    const c = pick(counties);
    const k = PLACE_KINDS[i % 3] as (typeof PLACE_KINDS)[number];
    const eid = `L-B${i}`;
    const name = `${c.name}${k.suffix}${i}`;
    // The tail of a sighting's attrs (after the guest), its RESOLVED_TO to the place and VISITED's end.
    const attrs = `${q(JSON.stringify({ [k.role]: { name } }).slice(1))}`;
    places.push({ eid, name, k, unit: c.code, sources: new Set([k.source]), attrs, resolvedTail: `,${eid},RESOLVED_TO,${k.role},match`, visitedTail: `,${eid},VISITED,` });
  }
  const hubs = Math.max(2, Math.floor(nPlaces / 100));
  const nOrgs = Math.max(50, Math.floor(persons / 20));
  for (let i = 0; i < nOrgs; i++) {
    const name = `示例企业${i}有限公司`;
    const rid = `business:O${i}`;
    records.line(`${rid},SourceRecord,business,O${i},2026-07-01T00:00:00Z,${q(JSON.stringify({ company: { name } }))}`);
    resolved.line(`${rid},O-B${i},RESOLVED_TO,company,anchor`);
    entities.line(`O-B${i},Entity;Organization,${name},,,,,,,,,,620102,,${name},,,${q(JSON.stringify({ name: { source: 'business', rid } }))},business,`);
  }
  // node properties traced to the household record (the household division's is `unitCode`)
  const provKeys = ['name', 'residentId', 'sex', 'birthDate', 'address', 'unitCode'];
  let sightings = 0;
  for (let i = 0; i < persons; i++) {
    const name = pick(SURNAMES) + pick(GIVEN) + (rand() < 0.5 ? pick(GIVEN) : '');
    const { pinyin, keys: pinyinKeys, initials: pinyinIni, attrs: nameAttrs } = nameKeys(name);
    const c = pick(counties);
    const birth = iso(Date.UTC(1960, 0, 1) + (i % 14_600) * DAY).slice(0, 10);
    // the sequence number varies with the birth date too (unique per date and county for 14.6 M
    // persons), so IDs' last four characters spread as real ones do: a 4-digit tail ends ~1 ID in 11,000
    const seq = String((Math.floor(i / 14_600) + 7 * (i % 14_600)) % 1000).padStart(3, '0');
    const first17 = `${c.code}${birth.replace(/-/g, '')}${seq}`;
    const residentId = first17 + residentIdCheckChar(first17);
    const sex = Number(seq) % 2 === 1 ? 'M' : 'F';
    const address = `${c.name}某街道${1 + (i % 300)}号`;
    const eid = `P-B${i}`;
    const family = name.slice(0, 1);
    const given = name.slice(1);
    let words = `${name} ${residentId}`;
    // One person in a hundred is known only from incident records (not shared with most viewers).
    if (i % 100 === 99) {
      const rid = `incident:P${i}`;
      records.line(`${rid},SourceRecord,incident,P${i},2026-09-01T00:00:00Z,${q(`{"suspect":{${nameAttrs},"residentId":"${residentId}"}}`)}`);
      resolved.line(`${rid},${eid},RESOLVED_TO,suspect,anchor`);
      identifiers.line(`resident_id|${residentId},Identifier,resident_id,${residentId},${reversedValue(residentId)}`);
      hasIdentifier.line(`${eid},resident_id|${residentId},HAS_IDENTIFIER,incident,${rid},${rid}`);
      const prov = q(`{"name":{"source":"incident","rid":"${rid}"},"residentId":{"source":"incident","rid":"${rid}"}}`);
      entities.line(`${eid},Entity;Person,${name},${pinyin},${family},${given},,,${residentId},,,,${c.code},,${words},${pinyinKeys},${pinyinIni},${prov},incident,`);
      continue;
    }
    const hrid = `household:P${i}`;
    // Phones: one family in ten shares the previous person's phone; the household record states it
    // (an identifier of the person from a source the city analyst sees, as the pipeline writes it),
    // so an officer typing a phone's last digits finds its people.
    const phoneOf = i % 10 === 1 && (i - 1) % 100 !== 99 ? i - 1 : i;
    const phone = `+86139${String(phoneOf).padStart(8, '0')}`;
    records.line(`${hrid},SourceRecord,household,P${i},2026-07-01T00:00:00Z,${q(`{"person":{${nameAttrs},${JSON.stringify({ residentId, sex, birthDate: birth, address, homeDivision: c.code, phone }).slice(1)}}`)}`);
    resolved.line(`${hrid},${eid},RESOLVED_TO,person,anchor`);
    identifiers.line(`resident_id|${residentId},Identifier,resident_id,${residentId},${reversedValue(residentId)}`);
    hasIdentifier.line(`${eid},resident_id|${residentId},HAS_IDENTIFIER,household,${hrid},${hrid}`);
    hasIdentifier.line(`${eid},phone|${phone},HAS_IDENTIFIER,household,${hrid},${hrid}`);
    const sources = new Set<string>(['household']);
    if (phoneOf === i) {
      const trid = `telecom:T${i}`;
      records.line(`${trid},SourceRecord,telecom,T${i},2026-07-01T00:00:00Z,${q(`{"subscriber":{"phone":"${phone}"}}`)}`);
      resolved.line(`${trid},T-B${i},RESOLVED_TO,subscriber,anchor`);
      identifiers.line(`phone|${phone},Identifier,phone,${phone},${reversedValue(phone)}`);
      hasIdentifier.line(`T-B${i},phone|${phone},HAS_IDENTIFIER,telecom,${trid},${trid}`);
      entities.line(`T-B${i},Entity;Phone,${phone},,,,,,,,${phone},,,,${phone} ${phone.slice(3)},,,${q(`{"number":{"source":"telecom","rid":"${trid}"}}`)},hotel;telecom,`);
    }
    words += ` ${phone.slice(3)}`;
    const firstVisit = `${PLACE_KINDS[0].source}:V${i}-0`;
    relations.line(`${eid},T-B${phoneOf},HAS_PHONE,hotel,${firstVisit},${firstVisit}`);
    sources.add('hotel');
    const brid = `business:E${i}`;
    relations.line(`${eid},O-B${i % nOrgs},WORKS_FOR,business,${brid},${brid}`);
    sources.add('business');
    // The guest's part of each sighting's attrs, shared by the person's sightings.
    const guest = q(`{"guest":{${nameAttrs},"residentId":"${residentId}"},`).slice(0, -1);
    for (let v = 0; v < visits; v++) {
      const p = (v === 0 ? places[3 * (i % Math.floor(nPlaces / 3))] : rand() < 0.3 ? places[Math.floor(rand() * hubs)] : places[hubs + Math.floor(rand() * (nPlaces - hubs))]) as BenchPlace;
      const k = v === 0 ? PLACE_KINDS[0] : p.k;
      const at = BENCH_END - Math.floor(rand() * 90 * DAY);
      const rid = `${k.source}:V${i}-${v}`;
      records.line(`${rid},SourceRecord,${k.source},V${i}-${v},${iso(at + 600_000)},${guest}${p.attrs.slice(1)}`);
      resolved.line(`${rid},${eid},RESOLVED_TO,guest,match`);
      resolved.line(`${rid}${p.resolvedTail}`);
      visited.line(`${eid}${p.visitedTail}${iso(at)},${k.visit},${k.source},${rid},${p.eid}`);
      sources.add(k.source);
      p.sources.add(k.source);
      sightings++;
    }
    const prov = q(`{${provKeys.map((a) => `"${a}":{"source":"household","rid":"${hrid}"}`).join(',')}}`);
    entities.line(`${eid},Entity;Person,${name},${pinyin},${family},${given},${sex},${birth},${residentId},${address},,,${c.code},,${words},${pinyinKeys},${pinyinIni},${prov},${[...sources].sort().join(';')},`);
    if (i % 100_000 === 0) log(`generated ${i} / ${persons} persons`);
  }
  for (const p of places) {
    const rid = `${p.k.source}:${p.eid}`;
    const county = counties.find((c) => c.code === p.unit);
    const [lon, lat] = (county?.center ?? [103.8, 36.0]) as [number, number];
    records.line(`${rid},SourceRecord,${p.k.source},${p.eid},2026-07-01T00:00:00Z,${q(JSON.stringify({ [p.k.role]: { name: p.name, placeKind: p.k.kind } }))}`);
    resolved.line(`${rid},${p.eid},RESOLVED_TO,${p.k.role},anchor`);
    const loc = q(`{longitude:${(lon + (rand() - 0.5) * 0.1).toFixed(5)},latitude:${(lat + (rand() - 0.5) * 0.1).toFixed(5)}}`);
    entities.line(`${p.eid},Entity;Place,${p.name},,,,,,,,,${p.k.kind},${p.unit},${loc},${p.name},,,${q(JSON.stringify({ name: { source: p.k.source, rid }, placeKind: { source: p.k.source, rid } }))},${[...p.sources].sort().join(';')},${p.k.source}:${p.k.role}`);
  }
  const all = [entities, records, identifiers, resolved, hasIdentifier, relations, visited, meta];
  for (const x of all) x.close();
  return {
    nodes: [entities, records, identifiers, meta].map((x) => x.file),
    relationships: [resolved, hasIdentifier, relations, visited].map((x) => x.file),
    counts: { persons, places: nPlaces, organizations: nOrgs, sightings, records: records.rows, relationships: resolved.rows + hasIdentifier.rows + relations.rows + visited.rows },
  };
}

/**
 * Loads the CSVs with `neo4j-admin database import full` into `<neo4jDir>/data/databases/neo4j`
 * (Neo4j must be stopped). Duplicate identifiers (a shared phone) are skipped, not errors.
 */
export function importBenchCsv(csv: BenchCsv, neo4jDir: string, logDir: string, launcherCp: string, heap = '1g') {
  fs.mkdirSync(path.join(neo4jDir, 'conf'), { recursive: true });
  fs.mkdirSync(logDir, { recursive: true });
  const args = [
    'database',
    'import',
    'full',
    ...csv.nodes.map((x) => `--nodes=${x}`),
    ...csv.relationships.map((x) => `--relationships=${x}`),
    '--overwrite-destination=true',
    '--skip-duplicate-nodes=true',
    '--array-delimiter=;',
    // every core (the import's stages are parallel); off-heap caches bounded so a shared machine
    // is not taken over (the tool's default is 90 % of free memory); the store is on one disk
    `--threads=${process.env.NEO4J_IMPORT_THREADS ?? os.cpus().length}`,
    `--max-off-heap-memory=${process.env.NEO4J_IMPORT_OFF_HEAP ?? '3G'}`,
    '--high-parallel-io=auto',
    `--report-file=${path.join(logDir, 'import.report')}`,
    'neo4j',
  ];
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const r = spawnSync(java, [`-Xmx${heap}`, '-cp', launcherCp, 'org.neo4j.cli.AdminTool', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NEO4J_HOME: neo4jDir, NEO4J_CONF: path.join(neo4jDir, 'conf') },
    maxBuffer: 256 << 20,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  fs.writeFileSync(path.join(logDir, 'import.log'), `${r.stdout ?? ''}\n${r.stderr ?? ''}`);
  if (r.status !== 0) {
    const last = `${r.stderr || r.stdout}`.trim().split('\n').filter(Boolean).slice(-3).join(' | ');
    throw new Error(`neo4j-admin import failed (exit ${r.status}): ${last}; see ${path.join(logDir, 'import.log')}`);
  }
}

/** Bytes used by a directory (for the report). */
export function du(dir: string): string {
  try {
    return execFileSync('du', ['-sh', dir], { encoding: 'utf8' }).split('\t')[0] ?? '?';
  } catch {
    return '?';
  }
}

/** The bench's seeded generator: the tests' (mulberry32), so a seed draws the same graph. */
export { rng };
