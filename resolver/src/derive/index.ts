/** Derived facts computed off the write path: the CO_TRAVELED edge and its pending queue. */
export { type CoTravelSettings, deriveCoTravel } from './co-travel.ts';
export { PENDING_COTRAVEL, scheduleCoTravel, takePendingCoTravel } from './derive-queue.ts';
