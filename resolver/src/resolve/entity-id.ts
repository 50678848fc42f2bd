/**
 * Entity ids, prefixed by kind: deterministic for one history of mentions. In the graph they are
 * keyed — HMAC-SHA-256 under `ENTITY_ID_KEY` (every writer's), first 64 bits — so an id says
 * nothing of the record that created it to whoever lacks the key: without it a viewer who sees
 * an entity's records could test guessed record ids of a source they may not see against its eid.
 * Unkeyed (a 64-bit FNV-1a pair) only where no graph is written (the in-memory resolver of files,
 * benches of it).
 */
import { createHmac } from 'node:crypto';
import type { EntityKind } from '@onemap/graph-schema';

const PREFIX: Record<EntityKind, string> = {
  Person: 'P',
  Organization: 'O',
  Place: 'L',
  Vehicle: 'V',
  Phone: 'T',
  Case: 'C',
};

function fnv32(s: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function entityIdFor(kind: EntityKind, seedKey: string, key?: Uint8Array | null): string {
  if (key) return `${PREFIX[kind]}-${createHmac('sha256', key).update(seedKey).digest('hex').slice(0, 16)}`;
  return `${PREFIX[kind]}-${fnv32(seedKey, 0x811c9dc5).toString(16).padStart(8, '0')}${fnv32(seedKey, 0x2545f491).toString(16).padStart(8, '0')}`;
}
