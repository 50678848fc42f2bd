import { describe, expect, it } from 'vitest';
import { coalesceChannelWrites } from './bolt-writes.ts';

/** A channel like the driver's: `write` hands a buffer to `_conn` unless connecting (`_pending`). */
function fakeChannel(log: string[], connected = true) {
  const conn = {
    corked: 0,
    destroyed: false,
    cork() {
      this.corked++;
      log.push('cork');
    },
    uncork() {
      this.corked--;
      log.push('uncork');
    },
    write(b: string) {
      log.push(`write ${b}${this.corked ? ' (corked)' : ''}`);
    },
  };
  class Channel {
    _conn = conn;
    _pending: string[] | null = connected ? null : [];
    write(b: string) {
      if (this._pending) this._pending.push(b);
      else this._conn.write(b);
    }
  }
  return { Channel, conn };
}

const tick = () => new Promise<void>((r) => process.nextTick(r));

describe('coalesceChannelWrites', () => {
  it('corks at the first write of a tick and uncorks once on the next tick, the writes in order', async () => {
    const log: string[] = [];
    const { Channel } = fakeChannel(log);
    expect(coalesceChannelWrites(Channel.prototype)).toBe(true);
    expect(coalesceChannelWrites(Channel.prototype)).toBe(true); // idempotent: not wrapped twice
    const ch = new Channel();
    ch.write('a');
    ch.write('b');
    ch.write('c');
    expect(log).toEqual(['cork', 'write a (corked)', 'write b (corked)', 'write c (corked)']);
    await tick();
    expect(log.at(-1)).toBe('uncork');
    ch.write('d');
    await tick();
    expect(log.slice(5)).toEqual(['cork', 'write d (corked)', 'uncork']);
  });

  it('leaves a connecting channel to queue its buffers itself, and a destroyed socket uncorked', async () => {
    const log: string[] = [];
    const { Channel, conn } = fakeChannel(log, false);
    coalesceChannelWrites(Channel.prototype);
    const ch = new Channel();
    ch.write('early');
    expect(ch._pending).toEqual(['early']);
    expect(log).toEqual([]);
    ch._pending = null;
    ch.write('x');
    conn.destroyed = true;
    await tick();
    expect(log).toEqual(['cork', 'write x (corked)']);
  });

  it('refuses what is not a channel', () => {
    expect(coalesceChannelWrites({} as never)).toBe(false);
  });
});
