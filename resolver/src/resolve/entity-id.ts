/** Deterministic entity ids: a 64-bit FNV-1a hash of the smallest mention key, prefixed by kind. */
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

export function entityIdFor(kind: EntityKind, seedKey: string): string {
  return `${PREFIX[kind]}-${fnv32(seedKey, 0x811c9dc5).toString(16).padStart(8, '0')}${fnv32(seedKey, 0x2545f491).toString(16).padStart(8, '0')}`;
}
