import type { UnitInfo } from './types.ts';

/**
 * Parent of a unit code by the GB/T 2260 layout when the unit table does not know it:
 * station (9 digits) → county (6), county → city (first 4 + 00), city → province (first 2 + 0000).
 */
export function parentByCode(code: string): string | null {
  if (code.length === 9) return code.slice(0, 6);
  if (code.length !== 6) return null;
  if (code.endsWith('0000')) return null;
  if (code.endsWith('00')) return `${code.slice(0, 2)}0000`;
  return `${code.slice(0, 4)}00`;
}

/**
 * The chain from a unit up to the root, the unit itself first.
 * @example ancestorsOf('620102001', units) // ['620102001','620102','620100','620000']
 */
export function ancestorsOf(code: string, units: ReadonlyMap<string, UnitInfo>): string[] {
  const out: string[] = [];
  let cur: string | null = code;
  while (cur && !out.includes(cur) && out.length < 10) {
    out.push(cur);
    const u = units.get(cur);
    cur = u ? u.parent : parentByCode(cur);
  }
  return out;
}

/** True when `unit` is `ancestor` itself or lies below it. */
export function isWithin(unit: string, ancestor: string, units: ReadonlyMap<string, UnitInfo>): boolean {
  return ancestorsOf(unit, units).includes(ancestor);
}

/** Every known unit at or below `code`, the unit itself first. */
export function unitsWithin(code: string, units: ReadonlyMap<string, UnitInfo>): string[] {
  return [code, ...[...units.keys()].filter((u) => u !== code && isWithin(u, code, units))];
}

/** True for a unit with nothing above it (the province). */
export function isTopUnit(code: string, units: ReadonlyMap<string, UnitInfo>): boolean {
  return ancestorsOf(code, units).length === 1;
}
