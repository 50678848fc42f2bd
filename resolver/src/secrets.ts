import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The secrets that sign something: JWTs and audit checkpoints (the server), and entity ids
 * (`ENTITY_ID_KEY`, every writer of the graph: an eid is keyed with it, so a viewer cannot test
 * guessed record keys of a source they may not see against it; see `entityIdFor`).
 */
export const SECRET_NAMES = ['JWT_SECRET', 'AUDIT_SIGNING_KEY', 'ENTITY_ID_KEY'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

/** A configured secret shorter than this is refused; generated ones have 48 random bytes. */
export const MIN_SECRET_LENGTH = 32;
const GENERATED_BYTES = 48;

/** File under the secrets folder that keeps each generated secret. */
const SECRET_FILES: Record<SecretName, string> = { JWT_SECRET: 'jwt-secret', AUDIT_SIGNING_KEY: 'audit-signing-key', ENTITY_ID_KEY: 'entity-id-key' };

/**
 * SHA-256 of every value that was ever published in the repository, its docs or its tests as a
 * secret — refused at start whatever variable it is given in. Only hashes live here, so no
 * published value is repeated in the code. `server/src/secrets.test.ts` checks that every value
 * the repository assigns to a secret variable is on this list (add new ones there, by hash).
 */
export const KNOWN_PUBLIC_SECRET_SHA256: ReadonlySet<string> = new Set([
  // .env.example and config.ts defaults until issue 12: JWT_SECRET, then AUDIT_SIGNING_KEY.
  '9e338905e827413a2a58ef9eb6b5714c0710c55d03167264b11f9dd3df91d54a',
  'e0b58b0bdd84d774c43f9bc1c3ef8a9d6d5dac2218337366a0c226923800be49',
]);

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Refused configuration: the message is one line that names the variable and says what to do. */
export class SecretConfigError extends Error {
  /** The configuration error code every process prints at boot (registered by the resolver). */
  readonly code = 'ONEMAP_ERR_INVALID_CONFIG';
  constructor(
    readonly variable: SecretName,
    reason: string,
  ) {
    super(
      `invalid configuration: ${variable} ${reason}; set a long random value (openssl rand -base64 48) or leave ${variable} unset to have one generated under the data directory${variable === 'ENTITY_ID_KEY' ? ' (every writer of one graph needs the same one)' : ''}`,
    );
    this.name = 'SecretConfigError';
  }
}

/** Throws when a configured secret is published or too short; the value itself is never echoed. */
export function checkConfiguredSecret(name: SecretName, value: string): void {
  if (KNOWN_PUBLIC_SECRET_SHA256.has(sha256Hex(value)))
    throw new SecretConfigError(name, 'holds a value published in the OneMap repository or its docs');
  if (value.length < MIN_SECRET_LENGTH)
    throw new SecretConfigError(name, `is shorter than ${MIN_SECRET_LENGTH} characters`);
}

/**
 * The generated secret of this installation: read from `dir/<file>` when it exists, otherwise
 * made from `randomBytes` and written with mode 0600 (folder 0700). The file appears atomically
 * (write a temporary file, then hard-link it into place), so two processes starting at once end
 * up with the same secret.
 */
function generatedSecret(name: SecretName, dir: string): string {
  const file = path.join(dir, SECRET_FILES[name]);
  const read = (): string | null => {
    if (!fs.existsSync(file)) return null;
    if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
    const value = fs.readFileSync(file, 'utf8').trim();
    if (value.length < MIN_SECRET_LENGTH)
      throw new SecretConfigError(
        name,
        `has a generated file ${file} that is damaged (too short); delete it to generate a new one`,
      );
    return value;
  };
  const existing = read();
  if (existing) return existing;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, `${randomBytes(GENERATED_BYTES).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return read() as string;
}

/**
 * Resolves signing secrets (`names`, all by default): a configured value must be neither
 * published nor short; an unset (or empty) one is this installation's generated secret under
 * `secretsDir`.
 */
export function resolveSecrets<N extends SecretName = SecretName>(
  configured: Partial<Record<SecretName, string | undefined>>,
  secretsDir: string,
  names: readonly N[] = SECRET_NAMES as unknown as readonly N[],
): Record<N, string> {
  const out = {} as Record<N, string>;
  for (const name of names) {
    const value = configured[name];
    if (value) {
      checkConfiguredSecret(name, value);
      out[name] = value;
    } else out[name] = generatedSecret(name, secretsDir);
  }
  return out;
}

/** The folder of generated secrets: ONEMAP_SECRETS_DIR, else `<ONEMAP_DATA_DIR>/secrets`, absolute. */
export function secretsDirOf(c: { ONEMAP_SECRETS_DIR?: string; ONEMAP_DATA_DIR: string }): string {
  return path.resolve(c.ONEMAP_SECRETS_DIR || path.join(c.ONEMAP_DATA_DIR, 'secrets'));
}

/**
 * The key entity ids are made with (`ENTITY_ID_KEY`, else this installation's generated one),
 * as bytes. Every process that writes one graph — workers, the bulk loader, a server with its
 * embedded worker — must use the same: on one machine they share the data directory's; on
 * several, set it (docs/operations.md).
 */
export function entityIdKeyOf(c: { ENTITY_ID_KEY?: string; ONEMAP_SECRETS_DIR?: string; ONEMAP_DATA_DIR: string }): Buffer {
  const { ENTITY_ID_KEY } = resolveSecrets({ ENTITY_ID_KEY: c.ENTITY_ID_KEY }, secretsDirOf(c), ['ENTITY_ID_KEY']);
  return Buffer.from(ENTITY_ID_KEY, 'utf8');
}
