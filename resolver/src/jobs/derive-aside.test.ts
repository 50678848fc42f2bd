import type { Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { deriveAsideWhileLeading } from './derive-aside.ts';

/** A derive worker as the controller sees it: a name, pause and resume. */
function fakeWorker(name: string) {
  const w = {
    opts: { name },
    paused: false,
    pause: async () => {
      w.paused = true;
    },
    resume: () => {
      w.paused = false;
    },
  };
  return w;
}

const client = (worker: string) => ({ name: `bull:b25lbWFwLWRlcml2ZQ==:w:${worker}` });

describe('deriveAsideWhileLeading', () => {
  it('pauses the derive worker only while this process leads and another derive worker is connected', async () => {
    const w = fakeWorker('derive-1-aaaa');
    let leading = false;
    let clients = [client('derive-1-aaaa')];
    const aside = deriveAsideWhileLeading(
      w as unknown as Worker,
      { getWorkers: async () => clients as never },
      () => leading,
      {
        everyMs: 60_000,
      },
    );
    try {
      // not leading: it takes derive jobs, whoever else is there
      clients = [client('derive-1-aaaa'), client('derive-2-bbbb')];
      await aside.check();
      expect([aside.aside, w.paused]).toEqual([false, false]);
      // leading, alone: it still takes them (nobody else would)
      leading = true;
      clients = [client('derive-1-aaaa')];
      await aside.check();
      expect([aside.aside, w.paused]).toEqual([false, false]);
      // leading with another derive worker connected: it steps aside
      clients = [client('derive-1-aaaa'), client('derive-2-bbbb')];
      await aside.check();
      expect([aside.aside, w.paused]).toEqual([true, true]);
      // the other one goes: it takes the jobs again
      clients = [client('derive-1-aaaa')];
      await aside.check();
      expect([aside.aside, w.paused]).toEqual([false, false]);
      // leading with another one, then the lease is lost: it takes the jobs again
      clients = [client('derive-1-aaaa'), client('derive-2-bbbb')];
      await aside.check();
      expect(w.paused).toBe(true);
      leading = false;
      await aside.check();
      expect([aside.aside, w.paused]).toEqual([false, false]);
    } finally {
      aside.stop();
    }
  });

  it('a failed look-up of the workers changes nothing and is reported', async () => {
    const w = fakeWorker('derive-1-aaaa');
    const errors: string[] = [];
    const aside = deriveAsideWhileLeading(
      w as unknown as Worker,
      {
        getWorkers: async () => {
          throw new Error('redis down');
        },
      },
      () => true,
      { everyMs: 60_000, onError: (e) => errors.push(e.message) },
    );
    try {
      await aside.check();
      expect([aside.aside, w.paused, errors]).toEqual([false, false, ['redis down']]);
    } finally {
      aside.stop();
    }
  });
});
