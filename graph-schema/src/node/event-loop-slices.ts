/**
 * Long synchronous work cut into slices: `next()` lets pending I/O callbacks run (one
 * `setImmediate`) once the current slice has lasted `sliceMs`, and returns at once otherwise. A
 * loop over a hundred thousand items that calls it per item keeps a server's other requests (and a
 * resolver's write in flight) waiting at most about one slice instead of the whole loop.
 * @example const slices = new EventLoopSlices(4); for (const x of items) { await slices.next(); work(x); }
 */
export class EventLoopSlices {
  private since = performance.now();

  constructor(private readonly sliceMs: number) {}

  async next(): Promise<void> {
    if (performance.now() - this.since < this.sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.since = performance.now();
  }
}
