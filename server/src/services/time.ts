import { toBeijingIso } from '@onemap/graph-schema';

/** A stored time (any offset) as the API states it, `+08:00`; null stays null. */
export function toBeijingIsoOrNull(t: string | null): string | null {
  return t ? toBeijingIso(t) : null;
}
