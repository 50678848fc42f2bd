export * from './connection.ts';
export * from './queues.ts';
