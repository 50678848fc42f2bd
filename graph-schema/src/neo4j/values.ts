import neo4j from 'neo4j-driver';
import { toBeijingIso } from '../universal/beijing-time.ts';

/**
 * Converts driver values (Integer, temporal types, Point, Node, Relationship) into plain JSON
 * at the repository edge, so nothing above it sees driver types.
 */
export function toPlain(value: unknown): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(toPlain);
  // A Cypher map comes back as a plain object: its values converted, no driver type to test it for
  // (most of an answer is maps, strings and numbers; the type tests cost a profile request 3 % of
  // the server's CPU).
  if (Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const k in value as Record<string, unknown>) out[k] = toPlain((value as Record<string, unknown>)[k]);
    return out;
  }
  if (neo4j.isInt(value)) return (value as { toNumber(): number }).toNumber();
  if (neo4j.isDateTime(value) || neo4j.isLocalDateTime(value) || neo4j.isDate(value)) {
    // every time in an answer carries the explicit Beijing offset (issue 16)
    return toBeijingIso(value.toString());
  }
  if (neo4j.isPoint(value)) {
    const p = value as unknown as { x: number; y: number };
    return { lon: p.x, lat: p.y };
  }
  const v = value as Record<string, unknown>;
  if ('labels' in v && 'properties' in v && 'elementId' in v) {
    return { labels: v.labels, ...(toPlain(v.properties) as object) };
  }
  if ('type' in v && 'properties' in v && 'startNodeElementId' in v) {
    return { type: v.type, ...(toPlain(v.properties) as object) };
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = toPlain(x);
  return out;
}
