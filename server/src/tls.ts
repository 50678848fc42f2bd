import fs from 'node:fs';
import type { Config } from './config.ts';

/**
 * HTTPS options for client-certificate mode (一人一证): with TLS_CA_FILE the server asks every
 * client for a certificate issued by that CA; an authorized certificate maps to exactly one
 * user through `User.certFingerprint`. Clients without one can still log in with a JWT.
 */
export function httpsOptions(config: Config): { key: Buffer; cert: Buffer; ca?: Buffer; requestCert: boolean; rejectUnauthorized: boolean } | null {
  if (!config.TLS_CERT_FILE) return null;
  const ca = config.TLS_CA_FILE ? fs.readFileSync(config.TLS_CA_FILE) : undefined;
  return {
    key: fs.readFileSync(config.TLS_KEY_FILE),
    cert: fs.readFileSync(config.TLS_CERT_FILE),
    ...(ca ? { ca } : {}),
    requestCert: Boolean(ca),
    // Unauthorized certificates are not refused at the handshake (JWT still works); they map to nobody.
    rejectUnauthorized: false,
  };
}
