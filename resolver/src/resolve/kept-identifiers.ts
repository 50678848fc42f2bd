/**
 * A representative's identifiers as the index keeps them. The standardizers write every identifier
 * they make into the attributes as well (a phone, a resident id: at 25k persons all 157,075 the index
 * held), so a representative keeps where its identifiers are among its group's attributes — an
 * `IdentifierShape`, one per distinct list of (kind, attribute) in the process, shared — instead of
 * a list and `{ kind, value }` objects of its own (the heap fell by ~125 B a record at 25k persons,
 * ~85 B an identifier). A list with a value no attribute holds is kept as it is.
 */
import type { Attrs, Identifier } from '../types.ts';

/** Identifiers read from attributes: the i-th is of kind `kinds[i]`, its value the attribute `names[i]`. */
export class IdentifierShape {
  constructor(
    readonly kinds: readonly Identifier['kind'][],
    readonly names: readonly string[],
  ) {}
}

export type KeptIdentifiers = IdentifierShape | Identifier[];

/** Shapes by `kind=name|…`: a few dozen at most (kinds of identifiers × the attributes holding them). */
const SHAPES = new Map<string, IdentifierShape>();

/** The attribute holding `value` (not empty), undefined when none does. */
function attributeHolding(attrs: Attrs, value: string): string | undefined {
  if (!value) return undefined;
  for (const name in attrs) if (attrs[name] === value) return name;
  return undefined;
}

/**
 * How to keep a mention's identifiers, read back later from attributes equal to `attrs` (its group's:
 * the same names, the same values).
 */
export function keepIdentifiers(identifiers: Identifier[], attrs: Attrs): KeptIdentifiers {
  const names: string[] = [];
  for (const i of identifiers) {
    const name = attributeHolding(attrs, i.value);
    if (name === undefined) return identifiers;
    names.push(name);
  }
  const id = identifiers.map((i, n) => `${i.kind}=${names[n]}`).join('|');
  let shape = SHAPES.get(id);
  if (!shape) {
    shape = new IdentifierShape(
      identifiers.map((i) => i.kind),
      names,
    );
    SHAPES.set(id, shape);
  }
  return shape;
}

/** The identifiers kept, as a list (made anew from `attrs` for a shape). */
export function identifiersOf(kept: KeptIdentifiers, attrs: Attrs): Identifier[] {
  if (!(kept instanceof IdentifierShape)) return kept;
  return kept.kinds.map((kind, i) => ({ kind, value: attrs[kept.names[i]!]! }));
}

/** Whether the identifiers kept are `identifiers` (the same kinds and values in the same order). */
export function sameIdentifiers(kept: KeptIdentifiers, attrs: Attrs, identifiers: Identifier[]): boolean {
  if (kept === identifiers) return true;
  const shape = kept instanceof IdentifierShape;
  const n = shape ? kept.kinds.length : kept.length;
  if (n !== identifiers.length) return false;
  for (let i = 0; i < n; i++) {
    const kind = shape ? kept.kinds[i] : kept[i]!.kind;
    const value = shape ? attrs[kept.names[i]!] : kept[i]!.value;
    if (kind !== identifiers[i]!.kind || value !== identifiers[i]!.value) return false;
  }
  return true;
}
