/**
 * Short-lived, single-use tickets for the watch stream. EventSource cannot send headers, and a
 * token in a URL ends up in logs; so the client asks for a ticket with its token (header) and
 * purpose, and opens the stream with the ticket. Redis keeps only the ticket's SHA-256, for
 * `STREAM_TICKET_TTL_SECONDS`; redeeming deletes it (GETDEL), so a ticket opens one stream.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Purpose, UserInfo } from './types.ts';

/** Seconds a ticket stays redeemable. */
export const STREAM_TICKET_TTL_SECONDS = 30;
const PREFIX = 'onemap:stream-ticket:';

/** What a ticket stands for: who asked, and why. */
export interface StreamTicket {
  username: string;
  purpose: Purpose;
  /** the user's token version when the ticket was issued: a password, role, unit or disable change since voids it, and ends a stream it opened */
  tokenVersion: number;
  /** the session of the token that asked for it: logging out of that session voids it, and ends a stream it opened */
  sid?: string | null;
  /**
   * When the credentials that asked for it lapse (epoch ms): the token's expiry, or for a client
   * certificate a token's lifetime from the ticket. A stream it opened ends then (open another
   * with a fresh ticket); a ticket without it is refused.
   */
  until: number;
  /** the client certificate's fingerprint when one asked for it: unregistering it ends a stream it opened */
  certificate?: string | null;
}

const keyOf = (ticket: string) => `${PREFIX}${createHash('sha256').update(ticket).digest('hex')}`;

/** Issues a ticket for `who`; returns the ticket text (shown once, stored hashed). */
export async function issueStreamTicket(redis: Redis, who: StreamTicket): Promise<string> {
  const ticket = `st_${randomBytes(24).toString('base64url')}`;
  await redis.set(keyOf(ticket), JSON.stringify(who), 'EX', STREAM_TICKET_TTL_SECONDS);
  return ticket;
}

/** Redeems a ticket once: what it stands for, or null when unknown, expired or already used. */
export async function redeemStreamTicket(redis: Redis, ticket: string): Promise<StreamTicket | null> {
  if (!/^st_[A-Za-z0-9_-]{32}$/.test(ticket)) return null;
  const raw = await redis.getdel(keyOf(ticket));
  if (!raw) return null;
  try {
    return JSON.parse(raw) as StreamTicket;
  } catch {
    return null;
  }
}

/**
 * Why the credentials a stream ticket was issued to no longer hold, or null: the token expired
 * (a stream must not outlive the login that opened it), or the client certificate that asked for
 * it is no longer the user's (unregistered or replaced).
 */
export function streamCredentialsLapsed(ticket: Pick<StreamTicket, 'until' | 'certificate'>, user: Pick<UserInfo, 'certFingerprint'>, now = Date.now()): string | null {
  if (!(typeof ticket.until === 'number' && now < ticket.until)) return 'the login this stream was opened with has expired';
  if (ticket.certificate && user.certFingerprint !== ticket.certificate) return 'the client certificate this stream was opened with is no longer registered';
  return null;
}
