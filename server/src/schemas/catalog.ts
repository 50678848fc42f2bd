import { type Static, Type } from '@sinclair/typebox';

export const CatalogSource = Type.Object({
  id: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  ownerUnit: Type.String(),
  shareClass: Type.String(),
  grade: Type.Integer(),
  updateMode: Type.Union([Type.String(), Type.Null()]),
  frequency: Type.Union([Type.String(), Type.Null()]),
  access: Type.Object({ visible: Type.Boolean(), via: Type.Optional(Type.String()), reason: Type.Optional(Type.String()), grantId: Type.Optional(Type.String()) }),
  fields: Type.Array(Type.Object({ column: Type.String(), target: Type.Union([Type.String(), Type.Null()]), meaning: Type.String(), sensitivity: Type.Integer() })),
});
export const CatalogAnswer = Type.Object({ sources: Type.Array(CatalogSource) });
export type CatalogAnswer = Static<typeof CatalogAnswer>;
