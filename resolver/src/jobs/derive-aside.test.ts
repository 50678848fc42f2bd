import type { Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { deriveAsideWhileLeading } from './derive-aside.ts';

/** A derive worker as the controller sees it: pause and resume. */
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

describe('deriveAsideWhileLeading', () => {
  it('pauses the derive worker only while this process leads and another derive worker is connected', async () => {
    const w = fakeWorker('derive-1-aaaa');
    let leading = false;
    let workers = 1;
    const aside = deriveAsideWhileLeading(
      w as unknown as Worker,
      { getWorkersCount: async () => workers },
      () => leading,
      {
        everyMs: 60_000,
      },
    );
    try {
      // not leading: it takes derive jobs, whoever else is there
      workers = 2;
      await aside.check();
      expect([aside.aside, w.paused]).toEqual([false, false]);
      // leading, alone (BullMQ counts this worker too, paused or not): it still takes them
      leading = true;
      workers = 1;
      await aside.check();
      expect([aside.aside, w.paused]).toEqual([false, false]);
      // leading with another derive worker connected: it steps aside
      workers = 2;
      await aside.check();
      expect([aside.aside, w.paused]).toEqual([true, true]);
      // the other one goes: it takes the jobs again
      workers = 1;
      await aside.check();
      expect([aside.aside, w.paused]).toEqual([false, false]);
      // leading with another one, then the lease is lost: it takes the jobs again
      workers = 2;
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
        getWorkersCount: async () => {
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
