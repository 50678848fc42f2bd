import http from 'node:http';

/** What an open-loop run measured. */
export interface OpenLoopResult {
  /** Milliseconds from each request's due time to the end of its answer, sorted ascending (answered requests only). */
  latencies: number[];
  /** Requests offered (due during the run). */
  offered: number;
  /** Answers by HTTP status. */
  statuses: Map<number, number>;
  /** Requests that got no answer (connection error, or none within the grace after the run). */
  failed: number;
  /** Answers a second, from the first due time to the last answer. */
  answeredPerSecond: number;
  /** Requests that found every connection busy when due and waited for one (their wait is in their latency). */
  queued: number;
}

export interface OpenLoopOptions {
  /** e.g. `http://127.0.0.1:8080` */
  base: string;
  /** The path of the next request (called once per request, in order). */
  path: () => string;
  headers: Record<string, string>;
  /** Requests a second offered, at even intervals. */
  rate: number;
  seconds: number;
  /** Keep-alive connections at most; a request due while all are busy waits for one. */
  connections: number;
  /** How long after the last due time answers are still awaited (default 30 s). */
  graceMs?: number;
}

/**
 * Offers `rate` requests a second at even intervals for `seconds` — an open loop, as wrk2 does —
 * over at most `connections` keep-alive connections. Each latency counts from when its request was
 * DUE, not from when a free connection let it go out: a slow answer delays the requests behind it,
 * and that delay is measured (no coordinated omission).
 *
 * Not autocannon's `overallRate`: that gives each connection a budget of requests per second,
 * which it sends back to back as soon as each second begins and then idles — a burst at full
 * saturation every second, whose latencies are the saturated server's, whatever the rate offered
 * (docs/api.md, "An open loop for `--rate`").
 */
export async function openLoop(opts: OpenLoopOptions): Promise<OpenLoopResult> {
  const url = new URL(opts.base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Math.max(1, opts.connections) });
  const offered = Math.max(0, Math.round(opts.rate * opts.seconds));
  const interval = 1000 / opts.rate;
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let failed = 0;
  let queued = 0;
  let inFlight = 0;
  let settled = 0;
  let lastEnd = 0;
  const t0 = performance.now();
  let onAllSettled = () => {};
  const allSettled = new Promise<void>((resolve) => {
    onAllSettled = resolve;
  });
  const settle = () => {
    settled++;
    inFlight--;
    if (settled === offered) onAllSettled();
  };

  const fire = (due: number) => {
    inFlight++;
    if (inFlight > opts.connections) queued++;
    const req = http.request(
      { agent, host: url.hostname, port: url.port, path: opts.path(), method: 'GET', headers: opts.headers },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => {
          lastEnd = performance.now();
          latencies.push(lastEnd - due);
          const status = res.statusCode ?? 0;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          settle();
        });
        res.on('error', () => {
          failed++;
          settle();
        });
      },
    );
    req.on('error', () => {
      failed++;
      settle();
    });
    req.end();
  };

  let sent = 0;
  const tick = () => {
    const now = performance.now();
    while (sent < offered && t0 + sent * interval <= now) {
      fire(t0 + sent * interval);
      sent++;
    }
    if (sent < offered) setTimeout(tick, Math.max(0, t0 + sent * interval - performance.now()));
  };
  if (offered === 0) onAllSettled();
  else tick();

  const grace = new Promise<'late'>((resolve) => {
    const t = setTimeout(() => resolve('late'), opts.seconds * 1000 + (opts.graceMs ?? 30_000));
    allSettled.then(() => clearTimeout(t));
  });
  if ((await Promise.race([allSettled, grace])) === 'late') failed += offered - settled;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const spanS = ((lastEnd || performance.now()) - t0) / 1000;
  return { latencies, offered, statuses, failed, answeredPerSecond: spanS > 0 ? latencies.length / spanS : 0, queued };
}
