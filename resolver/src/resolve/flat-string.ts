/**
 * A string to be kept for long (an index key, a record's rid) as one flat string: a string built by
 * concatenation is a tree of pieces (one of them a record id, possibly a slice of the whole line it
 * was read from) that a long-lived map would keep alive with it.
 */
export function flatString(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}
