/**
 * In Cypher, the source node `v`'s point (`location`, from its `lon`/`lat`) was chosen from, as its
 * provenance records it (`{"lon":{"source":"…","rid":"…"}}`: JSON.stringify of each property's
 * chosen source, as every writer stores it), or null when none is recorded (fixtures, data
 * written before provenance). A point only a hidden source states is shown, counted or matched by
 * a radius, polygon or area rule only for whoever may see that source.
 */
export function pointSourceCypher(v: string): string {
  return `split(split(${v}.provenance, '"lon":{"source":"')[1], '"')[0]`;
}
