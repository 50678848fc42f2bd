import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { dropGoneClient } from './client-gone.ts';

const call = async (socket: { destroyed: boolean } | null, ip: string | undefined) => {
  const destroy = vi.fn();
  const hijack = vi.fn();
  const request = { raw: { socket: socket ? { ...socket, destroy } : null }, ip } as unknown as FastifyRequest;
  await dropGoneClient(request, { hijack } as unknown as FastifyReply);
  return { hijacked: hijack.mock.calls.length, destroyed: destroy.mock.calls.length };
};

describe('dropGoneClient', () => {
  it('lets a request from a connected client through', async () => {
    expect(await call({ destroyed: false }, '127.0.0.1')).toEqual({ hijacked: 0, destroyed: 0 });
  });
  it('drops unanswered a request whose socket is gone or has no address left', async () => {
    expect(await call({ destroyed: true }, undefined)).toEqual({ hijacked: 1, destroyed: 1 });
    expect(await call({ destroyed: false }, undefined)).toEqual({ hijacked: 1, destroyed: 1 });
    expect(await call(null, undefined)).toEqual({ hijacked: 1, destroyed: 0 });
  });
});
