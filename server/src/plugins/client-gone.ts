import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * onRequest hook, first of all: a request whose client hung up while it waited for the event loop
 * (a client's own timeout, a load generator ending its run, a browser navigating away) is dropped
 * unanswered — nothing would read the answer, so no query runs and no audit entry is written for
 * it — and its socket is let go. Such a socket has no address any more: the rate limiter's key
 * (`request.ip`) was undefined, and each of them was logged as an "unhandled error" 500.
 */
export async function dropGoneClient(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const socket = request.raw.socket;
  if (socket && !socket.destroyed && request.ip !== undefined) return;
  reply.hijack();
  socket?.destroy();
}
