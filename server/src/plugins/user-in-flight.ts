import type { FastifyReply } from 'fastify';
import { httpError } from '../errors.ts';

/**
 * Each user's requests run at most `USER_MAX_IN_FLIGHT` at a time in this process; the rest wait
 * their turn, in order (at most `USER_MAX_WAITING`; more: 429 at once). One account's hundred 6-hop
 * paths or 366-day trajectories at once held every connection of the Neo4j driver's pool for up to
 * `QUERY_TIMEOUT_MS`, so every other user's answer — and its audit entry, which shares the pool —
 * waited for one and was withheld (review of 2026-12-07). Now such a burst waits behind its own
 * requests only: its answers come as fast as a slot frees, other users' go past it. A slot is given
 * back when its answer is sent or its client goes away; a waiting request whose client went away
 * is dropped from the line. Source systems' pushes and event streams are not counted (they have
 * their own limits: the push size, one stream a ticket).
 */
export class UserInFlight {
  private readonly lines = new Map<string, { running: number; waiting: (() => void)[] }>();
  constructor(
    private readonly max: number,
    private readonly maxWaiting: number,
  ) {}

  /**
   * Resolves once `user` has a slot for this request (at once when one is free), false when the
   * client went away while it waited; refuses it (429) when the user's line is full.
   */
  async take(user: string, reply: FastifyReply): Promise<boolean> {
    const line = this.lines.get(user) ?? { running: 0, waiting: [] };
    this.lines.set(user, line);
    let gone = false;
    if (line.running >= this.max) {
      if (line.waiting.length >= this.maxWaiting) {
        throw httpError('RATE_LIMITED', { detail: `you have ${line.running} requests running and ${line.waiting.length} waiting; wait for their answers` });
      }
      await new Promise<void>((granted) => {
        const turn = () => {
          reply.raw.off('close', leave);
          granted();
        };
        const leave = () => {
          const i = line.waiting.indexOf(turn);
          if (i >= 0) line.waiting.splice(i, 1);
          gone = true;
          granted();
        };
        line.waiting.push(turn);
        reply.raw.once('close', leave);
      });
      if (gone) {
        this.forget(user, line);
        return false;
      }
    } else line.running++;
    let given = false;
    const release = () => {
      if (given) return;
      given = true;
      const next = line.waiting.shift();
      if (next) next(); // the slot passes on: `running` stays
      else {
        line.running--;
        this.forget(user, line);
      }
    };
    // The client may have gone before the slot was held (while the caller authenticated, or
    // between its turn and here): its 'close' has come and gone, and no 'finish' will, so the slot
    // is given back now instead of never.
    if (reply.raw.destroyed || reply.request?.raw.socket?.destroyed === true) {
      release();
      return false;
    }
    // 'finish' once the answer is handed over, 'close' once it is sent or the client went away
    reply.raw.once('finish', release);
    reply.raw.once('close', release);
    return true;
  }

  private forget(user: string, line: { running: number; waiting: unknown[] }): void {
    if (line.running === 0 && line.waiting.length === 0) this.lines.delete(user);
  }

  /** Requests running and waiting for `user` (tests). */
  count(user: string): { running: number; waiting: number } {
    const line = this.lines.get(user);
    return { running: line?.running ?? 0, waiting: line?.waiting.length ?? 0 };
  }
}
