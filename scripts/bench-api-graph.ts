/**
 * The API benchmark's graph, built at scale with neo4j-admin's bulk import instead of Cypher
 * writes: `generateBenchCsv` writes node and relationship CSVs in the shape the pipeline writes
 * (ARCHITECTURE.md, "The graph"), `importBenchCsv` loads them with `neo4j-admin database import
 * full` (org.neo4j.cli.AdminTool on the launcher's classpath) into the bench profile's store,
 * which is kept under `.data/bench-api/n<persons>` and reused by later runs.
 *
 * What is generated (synthetic, deterministic from a seed):
 * - persons (household record as authority for name, resident ID, sex, birth date, address;
 *   golden values and provenance on the node; Pinyin and initials in `searchText`), 1 % known only
 *   from `incident` records (a source most viewers may not see);
 * - phones (a telecom record; one family in ten shares one), employers (business records),
 *   places (hotels, internet cafés, rail stations; 1 % of them hubs that take 30 % of sightings);
 * - per person `--visits` sightings over 90 days (10 by default): each a SourceRecord of the
 *   place's source RESOLVED_TO both the person and the place, and a VISITED edge, as the pipeline
 *   writes a hotel stay or a rail departure;
 * - relations HAS_PHONE, WORKS_FOR, HAS_IDENTIFIER (resident ID, phone number);
 * - every entity's `inSources` (the sources of its records and edges: visibility as a property).
 * Not generated: `mentions`/`raw` of records (the query API never reads them), CO_TRAVELED.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadUnits } from '@onemap/datasets';
import { residentIdCheckChar } from '@onemap/graph-schema';
import { pinyinInitials, standardizePersonName } from '@onemap/resolver/standardize';

export function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One CSV field: quoted when it holds a comma, quote or newline, quotes doubled. */
function f(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV file written in large synchronous blocks (fast, bounded memory). */
class CsvFile {
  private fd: number;
  private buf: string[] = [];
  private size = 0;
  rows = 0;
  constructor(
    readonly file: string,
    header: string,
  ) {
    this.fd = fs.openSync(file, 'w');
    fs.writeSync(this.fd, `${header}\n`);
  }
  row(...fields: (string | number | null | undefined)[]) {
    const line = `${fields.map(f).join(',')}\n`;
    this.buf.push(line);
    this.size += line.length;
    this.rows++;
    if (this.size > 1 << 20) this.flush();
  }
  flush() {
    if (this.buf.length) fs.writeSync(this.fd, this.buf.join(''));
    this.buf = [];
    this.size = 0;
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
/** Sightings fall in the 90 days before this instant; the bench's 30-day window is the last month. */
export const BENCH_END = Date.UTC(2026, 10, 1);

/**
 * Writes the bench graph as neo4j-admin import CSVs into `dir`.
 * @returns the files (with their import headers) and row counts
 */
export function generateBenchCsv(dir: string, persons: number, visits = 10, log: (s: string) => void = () => {}): BenchCsv {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const rand = rng(20261122);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
  const counties = loadUnits().filter((u) => u.level === 'county');
  const file = (name: string, header: string) => new CsvFile(path.join(dir, name), header);
  const entities = file('entities.csv', 'eid:ID(Entity),:LABEL,name,namePinyin,familyName,givenName,sex,birthDate,residentId,address,number,placeKind,unitCode,location:point{crs:WGS-84},searchText,provenance,inSources:string[]');
  const records = file('records.csv', 'rid:ID(Record),:LABEL,source,recordId,receivedAt:datetime,attrs');
  const identifiers = file('identifiers.csv', 'id:ID(Identifier),:LABEL,kind,value');
  const resolved = file('resolved.csv', ':START_ID(Record),:END_ID(Entity),:TYPE,role,decision');
  const hasIdentifier = file('has-identifier.csv', ':START_ID(Entity),:END_ID(Identifier),:TYPE,source,rid');
  const relations = file('relations.csv', ':START_ID(Entity),:END_ID(Entity),:TYPE,source,rid,rids:string[]');
  const visited = file('visited.csv', ':START_ID(Entity),:END_ID(Entity),:TYPE,at:datetime,kind,source,rid');
  const meta = file('meta.csv', ':ID(Meta),:LABEL,id,persons:long,visits:long');
  meta.row('api', 'BenchMeta', 'api', persons, visits);

  const received = (ms: number) => new Date(ms).toISOString();
  // Places: hotels, internet cafés and rail stations in every county; 1 % are hubs.
  const nPlaces = Math.max(200, Math.floor(persons / 10));
  const places: { eid: string; name: string; k: (typeof PLACE_KINDS)[number]; unit: string; sources: Set<string> }[] = [];
  for (let i = 0; i < nPlaces; i++) {
    const c = pick(counties);
    const k = PLACE_KINDS[i % 3] as (typeof PLACE_KINDS)[number];
    places.push({ eid: `L-B${i}`, name: `${c.name}${k.suffix}${i}`, k, unit: c.code, sources: new Set([k.source]) });
  }
  const hubs = Math.max(2, Math.floor(nPlaces / 100));
  const nOrgs = Math.max(50, Math.floor(persons / 20));
  for (let i = 0; i < nOrgs; i++) {
    const name = `示例企业${i}有限公司`;
    const rid = `business:O${i}`;
    records.row(rid, 'SourceRecord', 'business', `O${i}`, '2026-07-01T00:00:00Z', JSON.stringify({ company: { name } }));
    resolved.row(rid, `O-B${i}`, 'RESOLVED_TO', 'company', 'anchor');
    entities.row(`O-B${i}`, 'Entity;Organization', name, null, null, null, null, null, null, null, null, null, '620102', null, name, JSON.stringify({ name: { source: 'business', rid } }), 'business');
  }
  let sightings = 0;
  for (let i = 0; i < persons; i++) {
    const name = pick(SURNAMES) + pick(GIVEN) + (rand() < 0.5 ? pick(GIVEN) : '');
    const py = standardizePersonName(name);
    const pinyin = py ? `${py.pyFamily} ${py.pyGiven}` : '';
    const c = pick(counties);
    const birth = new Date(Date.UTC(1960, 0, 1) + (i % 14_600) * DAY).toISOString().slice(0, 10);
    const seq = String(Math.floor(i / 14_600) % 1000).padStart(3, '0');
    const first17 = `${c.code}${birth.replace(/-/g, '')}${seq}`;
    const residentId = first17 + residentIdCheckChar(first17);
    const sex = Number(seq) % 2 === 1 ? 'M' : 'F';
    const address = `${c.name}某街道${1 + (i % 300)}号`;
    const eid = `P-B${i}`;
    const sources = new Set<string>();
    const words = [name, py?.pyFamily, py?.pyGiven, pinyin.replace(/\s/g, ''), pinyinInitials(name), residentId];
    // One person in a hundred is known only from incident records (not shared with most viewers).
    if (i % 100 === 99) {
      const rid = `incident:P${i}`;
      records.row(rid, 'SourceRecord', 'incident', `P${i}`, '2026-09-01T00:00:00Z', JSON.stringify({ suspect: { name, residentId } }));
      resolved.row(rid, eid, 'RESOLVED_TO', 'suspect', 'anchor');
      sources.add('incident');
      identifiers.row(`resident_id|${residentId}`, 'Identifier', 'resident_id', residentId);
      hasIdentifier.row(eid, `resident_id|${residentId}`, 'HAS_IDENTIFIER', 'incident', rid);
      const prov = { name: { source: 'incident', rid }, residentId: { source: 'incident', rid } };
      entities.row(eid, 'Entity;Person', name, pinyin, name.slice(0, 1), name.slice(1), null, null, residentId, null, null, null, c.code, null, words.join(' '), JSON.stringify(prov), [...sources].sort().join(';'));
      continue;
    }
    const hrid = `household:P${i}`;
    records.row(hrid, 'SourceRecord', 'household', `P${i}`, '2026-07-01T00:00:00Z', JSON.stringify({ person: { name, residentId, sex, birthDate: birth, address } }));
    resolved.row(hrid, eid, 'RESOLVED_TO', 'person', 'anchor');
    sources.add('household');
    identifiers.row(`resident_id|${residentId}`, 'Identifier', 'resident_id', residentId);
    hasIdentifier.row(eid, `resident_id|${residentId}`, 'HAS_IDENTIFIER', 'household', hrid);
    // Phones: one family in ten shares the previous person's phone.
    const phoneOf = i % 10 === 1 && (i - 1) % 100 !== 99 ? i - 1 : i;
    const phone = `+86139${String(phoneOf).padStart(8, '0')}`;
    if (phoneOf === i) {
      const trid = `telecom:T${i}`;
      records.row(trid, 'SourceRecord', 'telecom', `T${i}`, '2026-07-01T00:00:00Z', JSON.stringify({ subscriber: { phone } }));
      resolved.row(trid, `T-B${i}`, 'RESOLVED_TO', 'subscriber', 'anchor');
      identifiers.row(`phone|${phone}`, 'Identifier', 'phone', phone);
      hasIdentifier.row(`T-B${i}`, `phone|${phone}`, 'HAS_IDENTIFIER', 'telecom', trid);
      entities.row(`T-B${i}`, 'Entity;Phone', phone, null, null, null, null, null, null, null, phone, null, null, null, `${phone} ${phone.slice(3)}`, JSON.stringify({ number: { source: 'telecom', rid: trid } }), 'hotel;telecom');
    }
    words.push(phone.slice(3));
    const firstVisit = `${PLACE_KINDS[0].source}:V${i}-0`;
    relations.row(eid, `T-B${phoneOf}`, 'HAS_PHONE', 'hotel', firstVisit, firstVisit);
    sources.add('hotel');
    const brid = `business:E${i}`;
    relations.row(eid, `O-B${i % nOrgs}`, 'WORKS_FOR', 'business', brid, brid);
    sources.add('business');
    for (let v = 0; v < visits; v++) {
      const p = (v === 0 ? places[3 * (i % Math.floor(nPlaces / 3))] : rand() < 0.3 ? places[Math.floor(rand() * hubs)] : places[hubs + Math.floor(rand() * (nPlaces - hubs))]) as (typeof places)[number];
      const k = v === 0 ? PLACE_KINDS[0] : p.k;
      const at = BENCH_END - Math.floor(rand() * 90 * DAY);
      const rid = `${k.source}:V${i}-${v}`;
      records.row(rid, 'SourceRecord', k.source, `V${i}-${v}`, received(at + 600_000), JSON.stringify({ guest: { name, residentId }, [k.role]: { name: p.name } }));
      resolved.row(rid, eid, 'RESOLVED_TO', 'guest', 'match');
      resolved.row(rid, p.eid, 'RESOLVED_TO', k.role, 'match');
      visited.row(eid, p.eid, 'VISITED', received(at), k.visit, k.source, rid);
      sources.add(k.source);
      p.sources.add(k.source);
      sightings++;
    }
    const prov = Object.fromEntries(['name', 'residentId', 'sex', 'birthDate', 'address'].map((a) => [a, { source: 'household', rid: hrid }]));
    entities.row(eid, 'Entity;Person', name, pinyin, name.slice(0, 1), name.slice(1), sex, birth, residentId, address, null, null, c.code, null, words.join(' '), JSON.stringify(prov), [...sources].sort().join(';'));
    if (i % 50_000 === 0) log(`generated ${i} / ${persons} persons`);
  }
  for (const p of places) {
    const rid = `${p.k.source}:${p.eid}`;
    const county = counties.find((c) => c.code === p.unit);
    const [lon, lat] = (county?.center ?? [103.8, 36.0]) as [number, number];
    records.row(rid, 'SourceRecord', p.k.source, p.eid, '2026-07-01T00:00:00Z', JSON.stringify({ [p.k.role]: { name: p.name, placeKind: p.k.kind } }));
    resolved.row(rid, p.eid, 'RESOLVED_TO', p.k.role, 'anchor');
    const loc = `{longitude:${(lon + (rand() - 0.5) * 0.1).toFixed(5)},latitude:${(lat + (rand() - 0.5) * 0.1).toFixed(5)}}`;
    entities.row(p.eid, 'Entity;Place', p.name, null, null, null, null, null, null, null, null, p.k.kind, p.unit, loc, p.name, JSON.stringify({ name: { source: p.k.source, rid }, placeKind: { source: p.k.source, rid } }), [...p.sources].sort().join(';'));
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
    '--threads=2',
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
