import { afterEach, describe, expect, it } from 'vitest';
import { FORCE_MS, STOP_SIGNALS, stopOnSignal } from './stop-on-signal.ts';

/** `process.emit` runs the listeners as a delivered signal would, without ending the test process. */
const signal = (s: 'SIGINT' | 'SIGTERM') => process.emit(s as never, s as never);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const listeners = () => STOP_SIGNALS.map((s) => process.listenerCount(s));
const before = listeners();
const theirs = new Map(STOP_SIGNALS.map((s) => [s, process.listeners(s)]));

describe('stopOnSignal', () => {
  afterEach(() => {
    // a test that left its listeners would make the next one's signal a second one
    for (const s of STOP_SIGNALS)
      for (const l of process.listeners(s)) if (!theirs.get(s)?.includes(l)) process.off(s, l as () => void);
  });

  it('resolves with the first signal and ends the process when the stop outlasts the grace period', async () => {
    const lines: string[] = [];
    const exits: number[] = [];
    const stop = stopOnSignal({ name: 'worker', graceMs: 150, log: (l) => lines.push(l), exit: (c) => exits.push(c) });
    expect(listeners()).toEqual(before.map((n) => n + 1));
    signal('SIGTERM');
    expect(await stop).toBe('SIGTERM');
    expect(lines[0]).toMatch(/^worker: SIGTERM: stopping.*at most 150 ms/);
    expect(exits).toEqual([]);
    await sleep(400);
    expect(exits).toEqual([1]);
    expect(lines[1]).toMatch(/^worker: not stopped 150 ms after SIGTERM: exiting without waiting/);
  });

  it('a forced stop hands the jobs back first, then exits', async () => {
    const lines: string[] = [];
    const exits: number[] = [];
    const order: string[] = [];
    const stop = stopOnSignal({
      name: 'worker',
      graceMs: 50,
      log: (l) => lines.push(l),
      exit: (c) => (order.push('exit'), exits.push(c)),
      onForce: async () => (order.push('handBack'), 'handed 2 jobs back to their queues'),
    });
    signal('SIGTERM');
    await stop;
    await sleep(200);
    expect(order).toEqual(['handBack', 'exit']);
    expect(lines).toContain('worker: handed 2 jobs back to their queues');
    expect(exits).toEqual([1]);
  });

  it('a forced stop whose hand-back fails says so and exits', async () => {
    const failed: string[] = [];
    const failedExits: number[] = [];
    const second = stopOnSignal({
      name: 'worker',
      graceMs: 50,
      log: (l) => failed.push(l),
      exit: (c) => failedExits.push(c),
      onForce: () => Promise.reject(new Error('Connection is closed.')),
    });
    signal('SIGTERM');
    await second;
    await sleep(200);
    expect(failed.at(-1)).toMatch(
      /could not hand the jobs back \(Connection is closed\.\); they go back to their queue when their lock lapses/,
    );
    expect(failedExits).toEqual([1]);
  });

  it('a forced stop whose hand-back hangs exits after FORCE_MS', async () => {
    const exits: number[] = [];
    const stop = stopOnSignal({
      name: 'worker',
      graceMs: 10,
      log: () => {},
      exit: (c) => exits.push(c),
      onForce: () => new Promise(() => {}),
    });
    signal('SIGINT');
    await stop;
    await sleep(FORCE_MS - 500);
    expect(exits).toEqual([]);
    await sleep(1_000);
    expect(exits).toEqual([1]);
  });

  it('a second signal ends the process at once, and only once', async () => {
    const exits: number[] = [];
    const stop = stopOnSignal({ name: 'worker', graceMs: 60_000, log: () => {}, exit: (c) => exits.push(c) });
    signal('SIGINT');
    expect(await stop).toBe('SIGINT');
    signal('SIGTERM');
    await sleep(20);
    expect(exits).toEqual([1]);
    signal('SIGTERM');
    await sleep(20);
    expect(exits).toEqual([1]);
  });

  it('does nothing before a signal', async () => {
    const exits: number[] = [];
    let resolved = false;
    void stopOnSignal({ name: 'worker', graceMs: 50, log: () => {}, exit: (c) => exits.push(c) }).then(
      () => (resolved = true),
    );
    await sleep(150);
    expect(resolved).toBe(false);
    expect(exits).toEqual([]);
  });
});
