import { Writable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loggedUrl, logSerializers, serverLoggerOptions } from './log-serializers.ts';

const ID = '620102199001011234';

describe('loggedUrl', () => {
  it('keeps the query by its parameter names only', () => {
    expect(loggedUrl(`/api/search?q=${ID}&limit=5&q=again`)).toBe('/api/search?q&limit');
    expect(loggedUrl('/api/search?q=%E7%94%98A12345')).toBe('/api/search?q');
  });
  it('masks identifiers in the path, plain or percent-encoded; leaves other paths alone', () => {
    expect(loggedUrl(`/api/entities/${ID}`)).toBe('/api/entities/620102********1234');
    expect(loggedUrl('/api/entities/%E7%94%98A12345/relations')).toBe('/api/entities/***/relations');
    expect(loggedUrl(`/api/entities/${ID}xyz`)).toBe('/api/entities/******************xyz');
    expect(loggedUrl('/api/entities/P-FX1/relations')).toBe('/api/entities/P-FX1/relations');
  });
});

describe('logSerializers', () => {
  it('req: method and the URL as loggedUrl', () => {
    const req = { method: 'GET', url: `/api/search?q=${ID}`, host: 'h', ip: '127.0.0.1', socket: { remotePort: 1 } } as unknown as FastifyRequest;
    expect(logSerializers.req(req)).toEqual({ method: 'GET', url: '/api/search?q', host: 'h', remoteAddress: '127.0.0.1', remotePort: 1 });
  });
  it('err: message, stack and own fields masked; a message logged as text too', () => {
    const e = Object.assign(new Error(`no entity for ${ID}`), { params: { value: `+86 138-0000-1234` } });
    const out = JSON.stringify(logSerializers.err(e));
    expect(out).not.toContain('19900101');
    expect(out).not.toContain('0000');
    expect(out).toContain('620102********1234');
    expect(logSerializers.err(`lookup ${ID} failed`)).toBe('lookup 620102********1234 failed');
  });
});

describe('serverLoggerOptions', () => {
  it('a pino logger built with them masks message texts and keeps the given level', () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _e, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const opts = serverLoggerOptions({ level: 'debug' }, 'info');
    if (!opts) throw new Error('logger silenced');
    const log = pino(opts, stream);
    log.debug(`searching ${ID}`);
    log.info({ err: new Error(`bad ${ID}`) }, 'failed');
    expect(lines).toHaveLength(2);
    expect(lines.join('')).not.toContain(ID);
    expect(serverLoggerOptions(false, 'info')).toBe(false);
  });
});
