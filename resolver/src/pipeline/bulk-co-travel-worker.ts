/**
 * Worker thread of `bulkCoTravelOnThread`: a load's CO_TRAVELED edges (`bulkCoTravel`) from the
 * persons' visits it was started with, sent back once with the time they took.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { bulkCoTravel } from './bulk-co-travel.ts';
import type { CoTravelJob } from './bulk-co-travel-thread.ts';

const job = workerData as CoTravelJob;
const t = performance.now();
const edges = bulkCoTravel(job.visits, new Map(job.kinds), job.settings);
parentPort!.postMessage({ edges, ms: performance.now() - t });
