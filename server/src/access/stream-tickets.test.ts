import { describe, expect, it } from 'vitest';
import { streamCredentialsLapsed } from './stream-tickets.ts';

describe('streamCredentialsLapsed', () => {
  const now = Date.parse('2026-12-07T10:00:00Z');
  it('holds while the login that asked for the ticket holds', () => {
    expect(streamCredentialsLapsed({ until: now + 1 }, { certFingerprint: null }, now)).toBeNull();
    expect(
      streamCredentialsLapsed({ until: now + 1, certificate: 'AA:BB' }, { certFingerprint: 'AA:BB' }, now),
    ).toBeNull();
  });
  it('lapses when the token expires, and a ticket that does not say when is refused', () => {
    expect(streamCredentialsLapsed({ until: now }, { certFingerprint: null }, now)).toMatch(/expired/);
    expect(streamCredentialsLapsed({} as { until: number }, { certFingerprint: null }, now)).toMatch(/expired/);
  });
  it('lapses when the certificate that asked is unregistered or replaced', () => {
    expect(streamCredentialsLapsed({ until: now + 1, certificate: 'AA:BB' }, { certFingerprint: null }, now)).toMatch(
      /certificate/,
    );
    expect(
      streamCredentialsLapsed({ until: now + 1, certificate: 'AA:BB' }, { certFingerprint: 'CC:DD' }, now),
    ).toMatch(/certificate/);
  });
});
