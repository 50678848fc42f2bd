import { type Static, Type } from '@sinclair/typebox';
import { ListOf } from './common.ts';

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
export type CatalogSource = Static<typeof CatalogSource>;
export const CatalogAnswer = ListOf(CatalogSource);
export type CatalogAnswer = Static<typeof CatalogAnswer>;
