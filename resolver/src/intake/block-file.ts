/**
 * Files written in 4 MiB blocks by a thread of their own. A bulk load writes gigabytes (the spill
 * of its first pass, the import CSVs of its second) while its one JavaScript thread is busy
 * resolving and encoding; a write to blocks the disk has not held before takes ~100 MB/s on this
 * machine (40 ms a block), and `fs.writeSync` held that thread for all of it. Now the caller fills a
 * block in shared memory and hands it to the writer thread (one per process, shared by every
 * `BlockFile`), and fills the next while that one is written; a caller two blocks ahead waits for
 * the older (`Atomics.wait`), so memory stays at two blocks a file. The descriptor is opened and
 * closed by the caller, so an unwritable path fails where it did; a write that fails is thrown by
 * the caller's next call (`write`, `close`).
 */
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';

/** Bytes a block holds: one write system call. */
export const FILE_BLOCK = 4 << 20;
/** Blocks per file: the one being filled and the one being written. */
const SLOTS = 2;
/** `state` cells: one per slot (1 while the writer holds it), then whether a write failed, then the length of its message. */
const FAILED = SLOTS;
const MESSAGE_LENGTH = SLOTS + 1;
const MESSAGE_BYTES = 1024;

// Plain JavaScript, so the thread needs no TypeScript loader. Messages are handled in the order
// they were posted: a file's blocks are written in order.
const WRITER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const files = new Map();
parentPort.on('message', (m) => {
  if (m.open) {
    files.set(m.id, { fd: m.fd, state: new Int32Array(m.state), message: new Uint8Array(m.message), slots: m.slots.map((s) => new Uint8Array(s)) });
    return;
  }
  const f = files.get(m.id);
  if (m.forget) {
    files.delete(m.id);
    return;
  }
  try {
    if (!Atomics.load(f.state, ${FAILED})) {
      const block = f.slots[m.slot];
      for (let done = 0; done < m.len; ) done += fs.writeSync(f.fd, block, done, m.len - done);
    }
  } catch (e) {
    const text = new TextEncoder().encode(String(e && e.message ? e.message : e)).subarray(0, ${MESSAGE_BYTES});
    f.message.set(text);
    Atomics.store(f.state, ${MESSAGE_LENGTH}, text.length);
    Atomics.store(f.state, ${FAILED}, 1);
  }
  Atomics.store(f.state, m.slot, 0);
  Atomics.notify(f.state, m.slot);
});`;

let writer: Worker | undefined;
let nextId = 0;

function writerThread(): Worker {
  if (!writer) {
    writer = new Worker(WRITER_SOURCE, { eval: true, execArgv: [] });
    // the thread never keeps the process alive: every file waits for its blocks in `close`
    writer.unref();
  }
  return writer;
}

/** A file written block by block by the writer thread; fill `buf` from `pos`, `handOver` when full. */
export class BlockFile {
  private readonly id = nextId++;
  private readonly fd: number;
  private readonly state: Int32Array;
  private readonly message: Uint8Array;
  private readonly slots: Buffer[];
  private slot = 0;
  private closed = false;
  /** The block being filled. */
  buf: Buffer;
  /** Bytes of `buf` filled. */
  pos = 0;

  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'w');
    const state = new SharedArrayBuffer(4 * (SLOTS + 2));
    const message = new SharedArrayBuffer(MESSAGE_BYTES);
    const slots = Array.from({ length: SLOTS }, () => new SharedArrayBuffer(FILE_BLOCK));
    this.state = new Int32Array(state);
    this.message = new Uint8Array(message);
    this.slots = slots.map((s) => Buffer.from(s));
    this.buf = this.slots[0] as Buffer;
    writerThread().postMessage({ open: true, id: this.id, fd: this.fd, state, message, slots });
  }

  /** Appends bytes of any length (across blocks). */
  write(bytes: Uint8Array) {
    for (let done = 0; done < bytes.length; ) {
      if (this.pos === FILE_BLOCK) this.handOver();
      const n = Math.min(bytes.length - done, FILE_BLOCK - this.pos);
      this.buf.set(bytes.subarray(done, done + n), this.pos);
      this.pos += n;
      done += n;
    }
  }

  /** Hands the filled part of `buf` to the writer thread and takes the other block, once the thread is done with it. */
  handOver() {
    this.throwIfFailed();
    if (this.pos === 0) return;
    Atomics.store(this.state, this.slot, 1);
    writerThread().postMessage({ id: this.id, slot: this.slot, len: this.pos });
    this.slot = (this.slot + 1) % SLOTS;
    Atomics.wait(this.state, this.slot, 1);
    this.buf = this.slots[this.slot] as Buffer;
    this.pos = 0;
  }

  /** Writes what is left, waits until every block is on disk (in the page cache), closes the file; throws a failed write. */
  close() {
    if (this.closed) return;
    this.closed = true;
    let failed: unknown;
    try {
      this.handOver();
    } catch (e) {
      failed = e;
    }
    // never close the descriptor under a block being written (the number may be reused at once)
    for (let i = 0; i < SLOTS; i++) Atomics.wait(this.state, i, 1);
    fs.closeSync(this.fd);
    writerThread().postMessage({ id: this.id, forget: true });
    if (failed) throw failed;
    this.throwIfFailed();
  }

  private throwIfFailed() {
    if (!Atomics.load(this.state, FAILED)) return;
    const text = Buffer.from(this.message.subarray(0, Atomics.load(this.state, MESSAGE_LENGTH))).toString('utf8');
    throw new Error(`writing ${this.file}: ${text}`);
  }
}
