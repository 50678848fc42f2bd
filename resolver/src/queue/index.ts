/** BullMQ queues and the Redis connection they use. */
export { redisConnectionOf } from './connection.ts';
export { createQueue, createWorker, DEFAULT_JOB_OPTIONS, type DeadLetter, type HandingWorker, QueueName } from './queues.ts';
