import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { httpError } from '../errors.ts';

/** An uploaded body written to a file of its own as it arrived (`spoolUpload`). */
export interface SpooledUpload {
  /** The folder made for it: remove it when done (`removeSpool`). */
  dir: string;
  /** The body, whole. */
  file: string;
  bytes: number;
}

/**
 * The uploads `spoolUpload` made, and only they: a JSON body shaped like one (`{dir, file}`) is no
 * upload, so no folder it names is ever moved from or removed.
 */
const genuine = new WeakSet<SpooledUpload>();

/**
 * Writes a request body to a new temporary folder as it arrives, refusing it (413
 * `PAYLOAD_TOO_LARGE`, the folder removed) once it passes `limit` bytes or when its declared
 * length already does. A periodic copy of up to `UPLOAD_LIMIT_BYTES` (256 MiB) was read whole into
 * memory first, then written out: a few uploads at once held gigabytes. Now an upload holds a
 * stream's buffers, whatever its size. Also refused: a body that ends short of its declared length
 * (400), or whose stream fails (the client went away).
 * The file is `body` in its folder; the route names it once its query is validated (`nameSpool`).
 */
export function spoolUpload(payload: NodeJS.ReadableStream, limit: number, declaredLength: number): Promise<SpooledUpload> {
  const tooLarge = () => httpError('PAYLOAD_TOO_LARGE', { detail: `an upload may be at most ${limit} bytes` });
  if (declaredLength > limit) {
    payload.resume(); // read and dropped, as fastify drops a body it refused
    return Promise.reject(tooLarge());
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onemap-upload-'));
  const file = path.join(dir, 'body');
  const out = fs.createWriteStream(file);
  return new Promise<SpooledUpload>((resolve, reject) => {
    let bytes = 0;
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', fail);
      payload.resume();
      out.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
      reject(err);
    };
    const onData = (chunk: Buffer | string) => {
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      if (bytes > limit) return fail(tooLarge());
      // the socket waits while the disk catches up
      if (!out.write(chunk)) {
        payload.pause();
        out.once('drain', () => payload.resume());
      }
    };
    const onEnd = () => {
      if (settled) return;
      if (!Number.isNaN(declaredLength) && bytes !== declaredLength) return fail(httpError('BAD_REQUEST', { detail: `the body ended after ${bytes} of the ${declaredLength} bytes its Content-Length declared` }));
      payload.removeListener('data', onData);
      // a write that failed at the end (a full disk) fails the upload: no short file is taken
      out.end((err?: Error | null) => {
        if (err) return fail(err);
        if (settled) return;
        settled = true;
        const upload = { dir, file, bytes };
        genuine.add(upload);
        resolve(upload);
      });
    };
    out.on('error', fail);
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', fail);
    payload.resume();
  });
}

/**
 * Gives a spooled upload the name it was delivered under (its base name: no other folder), in its
 * folder: the batch's file name, whose day and kind the pipeline reads. Returns its path.
 */
export function nameSpool(upload: SpooledUpload, name: string): string {
  const named = path.join(upload.dir, path.basename(name));
  if (named !== upload.file) fs.renameSync(upload.file, named);
  return named;
}

/** Whether a request body is an upload `spoolUpload` made (not merely shaped like one), not yet removed. */
export function isSpooledUpload(body: unknown): body is SpooledUpload {
  return typeof body === 'object' && body !== null && genuine.has(body as SpooledUpload);
}

/** Removes a spooled upload's folder (again: nothing happens); anything else is left alone. */
export function removeSpool(body: unknown): void {
  if (!isSpooledUpload(body)) return;
  genuine.delete(body);
  fs.rmSync(body.dir, { recursive: true, force: true });
}
