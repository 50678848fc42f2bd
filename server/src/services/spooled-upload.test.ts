import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../errors.ts';
import { isSpooledUpload, nameSpool, removeSpool, spoolUpload } from './spooled-upload.ts';

/** A body arriving in chunks, as a socket delivers it. */
const body = (chunks: string[]) => Readable.from(chunks.map((c) => Buffer.from(c)));
const size = (chunks: string[]) => chunks.reduce((n, c) => n + Buffer.byteLength(c), 0);

describe('spoolUpload', () => {
  it('writes the whole body to a file of its own, named later by its base name only', async () => {
    const chunks = ['a,b\n', '1,2\n', '甘肃,3\n'];
    const up = await spoolUpload(body(chunks), 1000, size(chunks));
    expect(isSpooledUpload(up)).toBe(true);
    expect(up.bytes).toBe(size(chunks));
    expect(fs.readFileSync(up.file, 'utf8')).toBe(chunks.join(''));
    const named = nameSpool(up, '../../elsewhere/2026-03-03.csv');
    expect(named).toBe(path.join(up.dir, '2026-03-03.csv'));
    expect(fs.readFileSync(named, 'utf8')).toBe(chunks.join(''));
    removeSpool(up);
    removeSpool(up); // again: nothing happens
    expect(fs.existsSync(up.dir)).toBe(false);
  });

  it('refuses a body past the limit as it arrives, 413, and leaves no file', async () => {
    const spools = () => new Set(fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith('onemap-upload-')));
    const before = spools();
    const chunks = Array.from({ length: 50 }, () => 'x'.repeat(100));
    const err = await spoolUpload(body(chunks), 1000, Number.NaN).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).statusCode).toBe(413);
    expect((err as HttpError).body().code).toBe('ONEMAP_ERR_PAYLOAD_TOO_LARGE');
    expect([...spools()].filter((d) => !before.has(d))).toEqual([]);
  });

  it('refuses a declared length past the limit before reading it', async () => {
    const err = await spoolUpload(body(['a']), 10, 11).catch((e: unknown) => e);
    expect((err as HttpError).statusCode).toBe(413);
  });

  it('refuses a body shorter than its declared length (400)', async () => {
    const err = await spoolUpload(body(['a,b\n']), 1000, 10).catch((e: unknown) => e);
    expect((err as HttpError).statusCode).toBe(400);
    expect((err as HttpError).body().message).toContain('4 of the 10 bytes');
  });

  it('leaves what is not an upload alone, also a body shaped like one: no folder it names is removed', () => {
    expect(isSpooledUpload({ records: [] })).toBe(false);
    expect(() => removeSpool(Buffer.from('x'))).not.toThrow();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'not-an-upload-'));
    fs.writeFileSync(path.join(dir, 'keep'), 'x');
    const forged = { dir, file: path.join(dir, 'keep'), bytes: 1 };
    expect(isSpooledUpload(forged)).toBe(false);
    removeSpool(forged);
    expect(fs.existsSync(path.join(dir, 'keep'))).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
