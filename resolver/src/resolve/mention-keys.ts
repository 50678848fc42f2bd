/**
 * Mention keys as numbers. A mention key is `rid:role` (`source:recordId:role`); the index keeps one
 * per mention in two places (key -> representative, entity -> its keys), ~2.4 a record, and as
 * strings they were ~50 B each. As a number a key is the record's number (`RecordIds`, shared with
 * the record table, so the rid is held once) times `ROLE_SLOTS` plus its role's number: an integer
 * V8 holds in the map entry itself. The string is made again when asked for.
 *
 * A key is numbered by its string alone, so one string is always one number: split at its last
 * `:` into rid and role. A key without `:`, or with a role beyond `ROLE_SLOTS`, is kept as a
 * string (`odd`) and numbered below zero. Numbers are kept for the process's life, as the
 * records' are.
 */
import { flatString } from './flat-string.ts';
import { RecordIds } from './record-ids.ts';

/**
 * Roles a process tells apart in a key's number (a catalog has a few: subject, guest, hotel,
 * vehicle…). Keys stay integers V8 keeps unboxed up to 2^30 / 32, 33 M records.
 */
export const ROLE_SLOTS = 32;

export class MentionKeys {
  private readonly roles: string[] = [];
  private readonly roleNumbers = new Map<string, number>();
  private readonly oddKeys: string[] = [];
  private readonly oddNumbers = new Map<string, number>();

  constructor(readonly records: RecordIds = new RecordIds()) {}

  /** The key's number, numbering its record, role or the key itself now when they have none. */
  numberOf(key: string): number {
    const odd = this.oddNumbers.get(key);
    if (odd !== undefined) return odd;
    const at = key.lastIndexOf(':');
    const role = at < 0 ? undefined : this.roleNumber(key.slice(at + 1), true);
    if (role === undefined) return this.oddNumber(key);
    return this.records.numberOf(key.slice(0, at)) * ROLE_SLOTS + role;
  }

  /**
   * `numberOf(key)` for a key `<rid>:<role>` whose record is numbered already (`RecordIds`): the
   * same number, without the key's string taken apart and its rid looked up again.
   */
  numberOfRole(record: number, role: string, key: string): number {
    const r = role.includes(':') ? undefined : this.roleNumber(role, true);
    return r === undefined ? this.numberOf(key) : record * ROLE_SLOTS + r;
  }

  /** The key's number when it has one (undefined otherwise: nothing is numbered by looking). */
  find(key: string): number | undefined {
    const odd = this.oddNumbers.get(key);
    if (odd !== undefined) return odd;
    const at = key.lastIndexOf(':');
    if (at < 0) return undefined;
    const role = this.roleNumber(key.slice(at + 1), false);
    if (role === undefined) return undefined;
    const record = this.records.find(key.slice(0, at));
    return record === undefined ? undefined : record * ROLE_SLOTS + role;
  }

  /** The key a number stands for (`numberOf` gave it). */
  keyOf(n: number): string {
    if (n < 0) return this.oddKeys[-n - 1]!;
    const role = n % ROLE_SLOTS;
    return `${this.records.rid((n - role) / ROLE_SLOTS)}:${this.roles[role]}`;
  }

  /** The record number (`RecordIds`) of a key's number; undefined for a key kept as a string. */
  recordOf(n: number): number | undefined {
    return n < 0 ? undefined : (n - (n % ROLE_SLOTS)) / ROLE_SLOTS;
  }

  private roleNumber(role: string, add: boolean): number | undefined {
    let n = this.roleNumbers.get(role);
    if (n === undefined && add && this.roles.length < ROLE_SLOTS) {
      n = this.roles.push(flatString(role)) - 1;
      this.roleNumbers.set(this.roles[n]!, n);
    }
    return n;
  }

  private oddNumber(key: string): number {
    const kept = flatString(key);
    const n = -this.oddKeys.push(kept);
    this.oddNumbers.set(kept, n);
    return n;
  }
}
