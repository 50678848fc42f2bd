/**
 * A map from string keys to values that keeps a number, not the key: for keys that can be made
 * again from the value they lead to (a block's key is its rule's key of any group in it). The
 * index keeps ~180,000 block keys at 25k persons; as strings they were ~50 B each beside the map
 * entry, as hashes they are small integers held in the entry itself.
 *
 * A hash collision never merges or loses entries: a value found under a key's hash is taken only
 * when `keyOf` of it gives the key back, and a key whose hash is already held by another key is
 * kept by its string (`collided`), so each key has one home, found by `get` whichever it is.
 */
import { flatString } from './flat-string.ts';

/**
 * FNV-1a of a string's UTF-16 code units, mixed (MurmurHash3's final step: FNV alone leaves near
 * keys such as dates close in the low bits) and cut to 30 bits: an integer V8 keeps unboxed (a Smi)
 * with or without pointer compression.
 */
export function keyHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 2;
}

export class HashedKeyMap<V> {
  private readonly byHash = new Map<number, V>();
  /** keys whose hash another key held when they were set */
  private readonly collided = new Map<string, V>();

  /**
   * @param keyOf the key a stored value was set under (undefined when it cannot be told: then
   *   the value is not taken for any key looked up by its hash)
   * @param hash the key's hash (tests give a colliding one)
   */
  constructor(
    private readonly keyOf: (value: V) => string | undefined,
    private readonly hash: (key: string) => number = keyHash,
  ) {}

  get size(): number {
    return this.byHash.size + this.collided.size;
  }

  /** How many keys are kept by their string (their hash was another key's). */
  get collisions(): number {
    return this.collided.size;
  }

  get(key: string): V | undefined {
    const v = this.byHash.get(this.hash(key));
    if (v !== undefined && this.keyOf(v) === key) return v;
    return this.collided.size ? this.collided.get(key) : undefined;
  }

  /** Adds a key not in the map (`get` gave undefined). */
  add(key: string, value: V): void {
    const h = this.hash(key);
    if (this.byHash.has(h)) this.collided.set(flatString(key), value);
    else this.byHash.set(h, value);
  }

  /** Puts `value` in the place of `old`, the value `get(key)` gave (the key stays where it is kept). */
  replace(key: string, old: V, value: V): void {
    const h = this.hash(key);
    if (this.byHash.get(h) === old) this.byHash.set(h, value);
    else this.collided.set(key, value);
  }

  /**
   * Removes the value `get(key)` gave. By identity, not by `keyOf`: the value may no longer tell
   * its key (a block whose last group left).
   */
  delete(key: string, value: V): void {
    const h = this.hash(key);
    if (this.byHash.get(h) === value) this.byHash.delete(h);
    else this.collided.delete(key);
  }

  *values(): IterableIterator<V> {
    yield* this.byHash.values();
    yield* this.collided.values();
  }
}
