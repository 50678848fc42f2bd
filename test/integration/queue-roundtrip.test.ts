import { QueueName, createQueue, createWorker, redisConnectionOf } from '@onemap/resolver/queue';
import { QueueEvents } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { testEnv } from '../helpers/env.ts';

describe('BullMQ on the real Redis', () => {
  it('enqueues a job and a worker completes it', async () => {
    const connection = redisConnectionOf(testEnv.REDIS_URL);
    const queue = createQueue<{ a: number; b: number }>(QueueName.Echo, connection);
    const events = new QueueEvents(QueueName.Echo, { connection });
    const worker = createWorker<{ a: number; b: number }, number>(QueueName.Echo, async (job) => job.data.a + job.data.b, connection);
    try {
      await events.waitUntilReady();
      const job = await queue.add('sum', { a: 40, b: 2 }, { jobId: `sum-${Date.now()}` });
      const result = await job.waitUntilFinished(events, 30_000);
      expect(result).toBe(42);
      const state = await queue.getJobState(job.id as string);
      expect(state).toBe('completed');
    } finally {
      await worker.close();
      await events.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('moves a job that fails every attempt to the dead-letter queue with its reason', async () => {
    const connection = redisConnectionOf(testEnv.REDIS_URL);
    const queue = createQueue<{ x: number }>(QueueName.Echo, connection);
    const dead = createQueue(QueueName.DeadLetter, connection);
    const worker = createWorker<{ x: number }, never>(
      QueueName.Echo,
      async () => {
        throw new Error('always broken');
      },
      connection,
    );
    try {
      const id = `broken-${Date.now()}`;
      await queue.add('broken', { x: 1 }, { jobId: id, attempts: 2, backoff: { type: 'fixed', delay: 50 } });
      let found: unknown;
      for (let i = 0; i < 100 && !found; i++) {
        found = await dead.getJob(`${QueueName.Echo}--${id}`);
        if (!found) await new Promise((r) => setTimeout(r, 100));
      }
      expect(found).toBeTruthy();
      const data = (found as { data: { failedReason: string; attemptsMade: number } }).data;
      expect(data.failedReason).toBe('always broken');
      expect(data.attemptsMade).toBe(2);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await dead.obliterate({ force: true });
      await dead.close();
    }
  });
});
