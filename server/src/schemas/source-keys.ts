import { type Static, Type } from '@sinclair/typebox';

/** A source system's key as the API shows it (the secret never, except once at issue). */
export const SourceKey = Type.Object({
  id: Type.String(),
  name: Type.String(),
  sources: Type.Array(Type.String()),
  unitCode: Type.String({ description: 'the issuing unit: owner of every source the key delivers, or above it' }),
  createdBy: Type.String(),
  createdAt: Type.String(),
  revoked: Type.Boolean(),
});
export type SourceKey = Static<typeof SourceKey>;

export const IssuedSourceKey = Type.Intersect([
  SourceKey,
  Type.Object({ key: Type.String({ description: 'osk.<id>.<secret>: shown once; send it as x-onemap-source-key' }) }),
]);

export const SourceKeyBody = Type.Object(
  {
    name: Type.String({
      minLength: 2,
      maxLength: 100,
      description: 'which system delivers with it, e.g. "hotel registration gateway"',
    }),
    sources: Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_]{1,40}$' }), {
      minItems: 1,
      maxItems: 50,
      uniqueItems: true,
    }),
  },
  { additionalProperties: false },
);

export const SourceKeyParams = Type.Object({ id: Type.String({ pattern: '^SK-[0-9a-f-]{36}$' }) });
