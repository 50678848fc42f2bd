/** BullMQ queues and the Redis connection they use. */
export { redisConnectionFromEnv } from './connection.ts';
export { createQueue, createWorker, type DeadLetter, DEFAULT_JOB_OPTIONS, QueueName } from './queues.ts';
