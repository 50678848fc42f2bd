import fs from 'node:fs';
import path from 'node:path';

/** Linux's USER_HZ: /proc counts CPU time in hundredths of a second on every architecture Node runs on. */
const CLOCK_TICKS = 100;

/**
 * CPU seconds a process has used (user + system, from /proc; null where there is none). The
 * benches print CPU per request or per record beside latency: on a shared machine it moves far
 * less with the load than latency does, and it is what sets the rate two cores can sustain.
 */
export function cpuSeconds(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    // the fields after the command (which may hold spaces): utime and stime are the 12th and 13th
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** The pid a service of scripts/services.mjs wrote in its data folder (`neo4j`, `redis`), if it runs. */
export function servicePid(dataDir: string, service: 'neo4j' | 'redis'): number | undefined {
  const file = path.join(dataDir, `${service}.pid`);
  if (!fs.existsSync(file)) return undefined;
  const pid = Number(fs.readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** CPU ms per unit of work between two readings (null when either is missing or nothing was done). */
export function cpuMsPer(before: number | null, after: number | null, units: number): number | null {
  return before === null || after === null || units === 0 ? null : Number((((after - before) * 1000) / units).toFixed(2));
}
