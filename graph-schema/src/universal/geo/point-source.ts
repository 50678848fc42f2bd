/**
 * In Cypher, the source node `v`'s point (`location`, from its `lon`/`lat`) was chosen from, as its
 * provenance records it (`{"lon":{"source":"…","rid":"…"}}`: JSON.stringify of each property's
 * chosen source, as every writer stores it), or null when none is recorded (fixtures, data
 * written before provenance). A point only a hidden source states is shown, counted or matched by
 * a radius, polygon or area rule only for whoever may see that source.
 */
export function pointSourceCypher(v: string): string {
  return provenanceSourceCypher(v, 'lon');
}

/**
 * In Cypher, the source node `v`'s property `prop` was chosen from, as its provenance records it
 * (null when none is recorded). `prop` is a property name written in code, never input.
 */
export function provenanceSourceCypher(v: string, prop: string): string {
  if (!/^[A-Za-z]+$/.test(prop)) throw new Error(`not a property name: ${prop}`);
  return `split(split(${v}.provenance, '"${prop}":{"source":"')[1], '"')[0]`;
}
