import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ResolverError } from '../errors.ts';
import { run } from './resolve-command.ts';

const mapping = {
  id: 'guests',
  recordIdColumn: 'id',
  entities: [{ role: 'person', kind: 'Person' }],
  fields: [
    { column: 'id', target: 'record.id', meaning: 'id', sensitivity: 1 },
    { column: 'name', target: 'person.name', meaning: 'name', sensitivity: 3, required: true },
    { column: 'dob', target: 'person.birthDate', meaning: 'birth date', sensitivity: 3 },
    { column: 'truth', target: null, meaning: 'true entity', sensitivity: 1 },
  ],
};

let dir: string;
let log: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'onemap-cli-'));
  log = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
    log.push(a.join(' '));
  });
});
afterEach(() => vi.restoreAllMocks());

function files(csv: string | Buffer, m: object = mapping) {
  const input = join(dir, 'in.csv');
  const map = join(dir, 'mapping.json');
  writeFileSync(input, csv);
  writeFileSync(map, JSON.stringify(m));
  return { input, map, out: join(dir, 'out.csv') };
}

async function error(argv: string[]): Promise<ResolverError> {
  try {
    await run(argv);
  } catch (e) {
    if (e instanceof ResolverError) return e;
    throw e;
  }
  throw new Error('expected a ResolverError');
}

describe('onemap resolve', () => {
  it('writes record_id,entity_id and prints scores against a truth column', async () => {
    const f = files('id,name,dob,truth\n1,张伟,1990-03-07,a\n2,張偉,19900307,a\n3,李娜,1985-01-01,b\n');
    expect(await run(['--input', f.input, '--mapping', f.map, '--out', f.out, '--truth', 'truth', '--no-train'])).toBe(
      0,
    );
    const rows = readFileSync(f.out, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('record_id,entity_id');
    const ent = Object.fromEntries(rows.slice(1).map((r) => r.split(',')));
    expect(ent['1']).toBe(ent['2']);
    expect(ent['3']).not.toBe(ent['1']);
    expect(log.join('\n')).toMatch(/pairwise P 1\.0000 R 1\.0000 F1 1\.0000/);
  });

  it('reuses the model trained on the same input, and trains again when the input changes', async () => {
    const rows = ['id,name,dob,truth'];
    for (let i = 0; i < 40; i++)
      rows.push(
        `${i},${['张伟', '李娜', '王芳', '刘洋'][i % 4]},19${60 + (i % 30)}-0${1 + (i % 9)}-1${i % 10},t${i % 30}`,
      );
    const f = files(`${rows.join('\n')}\n`);
    const cache = join(dir, 'cache');
    const argv = ['--input', f.input, '--mapping', f.map, '--out', f.out, '--model-cache', cache];
    expect(await run(argv)).toBe(0);
    expect(log.join('\n')).not.toMatch(/reused the person model/);
    const first = readFileSync(f.out, 'utf8');
    log.length = 0;
    expect(await run(argv)).toBe(0);
    expect(log.join('\n')).toMatch(/reused the person model trained on this input/);
    expect(readFileSync(f.out, 'utf8')).toBe(first);
    writeFileSync(f.input, `${rows.join('\n')}\n40,赵敏,1970-01-01,t40\n`);
    log.length = 0;
    expect(await run(argv)).toBe(0);
    expect(log.join('\n')).not.toMatch(/reused the person model/);
  });

  it('a mapping naming a missing column: one clear error with file, line and field', async () => {
    const f = files('id,fullname\n1,张伟\n');
    const e = await error(['--input', f.input, '--mapping', f.map, '--out', f.out]);
    expect(e.code).toBe('ONEMAP_ERR_MISSING_COLUMN');
    expect(e.toLine()).toBe(
      `error ONEMAP_ERR_MISSING_COLUMN: mapping names column "name", "dob", "truth" which the file does not have (${f.input}:1 name)`,
    );
  });

  it('an unreadable file', async () => {
    const f = files('id,name\n');
    const e = await error(['--input', join(dir, 'nope.csv'), '--mapping', f.map, '--out', f.out]);
    expect(e.code).toBe('ONEMAP_ERR_FILE_UNREADABLE');
    expect(e.toLine()).toMatch(/nope\.csv/);
  });

  it('an invalid mapping lists every problem', async () => {
    const f = files('id,name\n', {
      recordIdColumn: 'id',
      entities: [{ role: 'p', kind: 'Robot' }],
      fields: [{ column: 'name', target: 'x.name' }],
    });
    const e = await error(['--input', f.input, '--mapping', f.map, '--out', f.out]);
    expect(e.code).toBe('ONEMAP_ERR_INVALID_MAPPING');
    expect(e.message).toMatch(/Robot.*role "x"/);
  });

  it('a row with the wrong number of fields is rejected with its line; good rows still resolve', async () => {
    const f = files('id,name,dob,truth\n1,张伟,1990-03-07,a\n2,张伟,1990-03-07\n3,张伟,1990-03-07,a\n');
    expect(await run(['--input', f.input, '--mapping', f.map, '--out', f.out, '--no-train'])).toBe(0);
    expect(readFileSync(f.out, 'utf8').trim().split('\n')).toHaveLength(3);
    const rejects = readFileSync(`${f.out}.rejects.csv`, 'utf8');
    expect(rejects).toContain(`${f.input},3,,,ONEMAP_ERR_FIELD_COUNT,"row has 3 fields, header has 4"`);
    expect(log.join('\n')).toMatch(/rejected ONEMAP_ERR_FIELD_COUNT: .*in\.csv:3\)/);
  });

  it('a value in the wrong encoding is flagged with file, line and field', async () => {
    const gbk = iconv.encode('张伟', 'gbk');
    const f = files(
      Buffer.concat([Buffer.from('id,name,dob,truth\n1,'), gbk, Buffer.from(',1990-03-07,a\n2,李娜,1985-01-01,b\n')]),
    );
    expect(await run(['--input', f.input, '--mapping', f.map, '--out', f.out, '--no-train'])).toBe(0);
    const rejects = readFileSync(`${f.out}.rejects.csv`, 'utf8');
    expect(rejects).toMatch(/in\.csv,2,1,name,ONEMAP_ERR_BAD_ENCODING,person\.name is required and not valid utf-8/);
    expect(readFileSync(f.out, 'utf8')).toMatch(/^2,/m); // the good row resolved
  });

  it('reads a GBK file when the mapping says so', async () => {
    const f = files(iconv.encode('id,name,dob,truth\n1,张伟,1990-03-07,a\n', 'gbk'), {
      ...mapping,
      file: { format: 'csv', encoding: 'gbk' },
    });
    expect(await run(['--input', f.input, '--mapping', f.map, '--out', f.out, '--no-train'])).toBe(0);
    expect(log.join('\n')).toMatch(/0 rejected/);
  });

  it('--kinds resolves only the mentions of those kinds; a record rejected for another role stays rejected', async () => {
    const two = {
      id: 'stays',
      recordIdColumn: 'id',
      entities: [
        { role: 'guest', kind: 'Person' },
        { role: 'hotel', kind: 'Place' },
      ],
      fields: [
        { column: 'id', target: 'record.id' },
        { column: 'name', target: 'guest.name' },
        { column: 'dob', target: 'guest.birthDate' },
        { column: 'hotel', target: 'hotel.placeCode', required: true },
        { column: 'hotel_name', target: 'hotel.name' },
      ],
    };
    const f = files(
      'id,name,dob,hotel,hotel_name\n1,张伟,1990-03-07,H1,如家\n2,張偉,19900307,,如家\n3,李娜,1985-01-01,H2,汉庭\n4,,,H3,锦江\n',
      two,
    );
    expect(await run(['--input', f.input, '--mapping', f.map, '--out', f.out, '--no-train', '--kinds', 'Person'])).toBe(
      0,
    );
    const rows = readFileSync(f.out, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('record_id,entity_id,role,kind');
    expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual(['1', '3']);
    expect(rows.slice(1).every((r) => r.endsWith(',guest,Person'))).toBe(true);
    expect(readFileSync(`${f.out}.rejects.csv`, 'utf8')).toMatch(/in\.csv,3,2,hotel,ONEMAP_ERR_REQUIRED_MISSING/);
    const bad = await error(['--input', f.input, '--mapping', f.map, '--out', f.out, '--kinds', 'Robot']);
    expect(bad.code).toBe('ONEMAP_ERR_USAGE');
    const none = await error(['--input', f.input, '--mapping', f.map, '--out', f.out, '--kinds', 'Vehicle']);
    expect(none.message).toMatch(/no role of kind Vehicle/);
  });
});
