import { createRequire } from 'node:module';

/**
 * One socket write per burst of Bolt messages.
 *
 * The JavaScript driver (neo4j-driver 6, `neo4j-driver-bolt-connection`) cuts every message into
 * chunks of at most 1,400 bytes and hands each chunk to the socket as soon as it is full
 * (`Chunker.flush` → `NodeChannel.write` → `socket.write`): one write system call per 1,400 bytes.
 * A write transaction's parameters (a group of a few hundred records: their attrs, mentions and
 * golden values) are a few hundred kilobytes, so hundreds of system calls a statement; on this
 * project's machine a socket write costs 0.1–0.3 ms, and they were a fifth of the real-time
 * leader's CPU (measured 2026-12-02, docs/ingestion.md "Real time: where a record's time goes").
 * A read's RUN and PULL, and a transaction's BEGIN, RUN, PULL, are separate writes too.
 *
 * Corking the socket at the first write of a tick and uncorking it on the next tick hands the kernel
 * everything the driver wrote in between at once (one `writev`), in the same order, a tick later
 * at most — the driver packs a message synchronously, so nothing waits on what is corked. The
 * chunk buffers are never reused after a flush (the driver allocates a new one), so holding them
 * until the uncork is safe.
 */

/** The driver's socket channel, as far as this module needs it. */
interface ChannelLike {
  _conn?: { cork?: () => void; uncork?: () => void; destroyed?: boolean } | null;
  _pending?: unknown[] | null;
  write(buffer: unknown): void;
}

const PATCHED = Symbol.for('onemap.boltWritesCoalesced');
const CORKED = Symbol.for('onemap.boltSocketCorked');

/**
 * Makes `proto.write` (a channel writing to `this._conn`, a net.Socket) cork the socket on its first
 * write of a tick and uncork it on the next tick. Idempotent.
 * @returns false when `proto` is not such a channel (its `write` is missing)
 */
export function coalesceChannelWrites(proto: ChannelLike): boolean {
  const marked = proto as ChannelLike & { [PATCHED]?: true };
  if (marked[PATCHED]) return true;
  const write = proto.write;
  if (typeof write !== 'function') return false;
  proto.write = function coalescedWrite(this: ChannelLike & { [CORKED]?: boolean }, buffer: unknown) {
    const conn = this._conn;
    // not connected yet: the driver queues the buffer itself (`_pending`) and writes it on connect
    if (conn && !this._pending && !this[CORKED] && typeof conn.cork === 'function' && typeof conn.uncork === 'function') {
      conn.cork();
      this[CORKED] = true;
      process.nextTick(() => {
        this[CORKED] = false;
        if (!conn.destroyed) conn.uncork!();
      });
    }
    write.call(this, buffer);
  };
  marked[PATCHED] = true;
  return true;
}

/** Whether the driver's channel coalesces its writes (for the test that would notice a driver upgrade). */
export function boltWritesCoalesced(): boolean {
  return !!(nodeChannelPrototype() as { [PATCHED]?: true } | null)?.[PATCHED];
}

function nodeChannelPrototype(): ChannelLike | null {
  try {
    const require = createRequire(import.meta.url);
    // the driver's own copy: resolved from neo4j-driver, as the driver itself requires it
    const driverDir = require.resolve('neo4j-driver');
    const mod = createRequire(driverDir)('neo4j-driver-bolt-connection/lib/channel/node/node-channel.js') as {
      default?: { prototype?: ChannelLike };
    };
    return mod.default?.prototype ?? null;
  } catch {
    return null;
  }
}

let applied: boolean | null = null;

/**
 * Applies `coalesceChannelWrites` to the driver's Node socket channel, once per process
 * (`createDriver` calls it). A driver whose internals moved is left as it is (false): slower, never
 * wrong — and `test/integration/bolt-writes.test.ts` fails, saying so.
 */
export function coalesceBoltWrites(): boolean {
  if (applied !== null) return applied;
  const proto = nodeChannelPrototype();
  applied = proto ? coalesceChannelWrites(proto) : false;
  return applied;
}
