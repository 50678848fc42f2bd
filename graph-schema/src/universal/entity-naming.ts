import type { EntityKind } from './graph-model.ts';

/**
 * Which attributes name an entity of each kind: the one home of "what a name stands for". The
 * pipeline writes a node's `name` from them (`resolver/src/pipeline/golden-values.ts`); the server
 * summarizes an entity (a neighbour, a search hit, a path node) by them and masks each part by the
 * rule of the attribute it stands for — a vehicle's name is its plate, a case's its type and case
 * number, a phone's its number — so no kind's name is shown plainer than that attribute.
 *
 * `attribute` is the standardized attribute (what records state and masking rules grade);
 * `property` the node property the golden value is written to (and its provenance is keyed by).
 */
export interface NamingAttribute {
  attribute: string;
  property: string;
}

const NAME: readonly NamingAttribute[] = [{ attribute: 'name', property: 'name' }];

export const NAMING_ATTRIBUTES: Readonly<Record<EntityKind, readonly NamingAttribute[]>> = {
  Person: NAME,
  Organization: NAME,
  Place: NAME,
  Vehicle: [{ attribute: 'plate', property: 'plate' }],
  Phone: [{ attribute: 'phone', property: 'number' }],
  Case: [
    { attribute: 'caseType', property: 'caseType' },
    { attribute: 'caseNumber', property: 'caseNumber' },
  ],
};

/** Every node property some kind is named by (what a node summary reads besides `name`). */
export const NAMING_PROPERTIES: readonly string[] = [
  ...new Set(Object.values(NAMING_ATTRIBUTES).flatMap((a) => a.map((x) => x.property))),
];

/** The naming attributes of a kind (none for a label that is no entity kind). */
export function namingAttributesOf(kind: string): readonly NamingAttribute[] {
  return (NAMING_ATTRIBUTES as Readonly<Record<string, readonly NamingAttribute[]>>)[kind] ?? [];
}

/**
 * A name from its parts, in the order of the kind's naming attributes: the non-empty ones joined
 * by a space; null when none is.
 * @example composeName(['盗窃', 'A6201022026110001']) // '盗窃 A6201022026110001'
 */
export function composeName(parts: readonly (string | null | undefined)[]): string | null {
  const present = parts.filter((p): p is string => typeof p === 'string' && p !== '');
  return present.length ? present.join(' ') : null;
}
