/**
 * `/api/admin/*` for the admin screens: units, users, grants, sources and source keys. The server
 * scopes every answer and write to the admin's unit subtree; this module only speaks the shapes
 * (the static types of `@onemap/server/schemas`).
 */
import type { Static } from '@sinclair/typebox';
import type {
  Grant as GrantSchema,
  GrantBody as GrantBodyT,
  IssuedSourceKey as IssuedSourceKeySchema,
  SourceKey as SourceKeyT,
  Unit as UnitSchema,
  User as UserT,
  UserBody as UserBodyT,
} from '@onemap/server/schemas';
import { request } from './client.ts';
import type * as W from './wire.ts';

export type AdminUnit = Static<typeof UnitSchema>;
export type AdminUser = UserT;
export type AdminGrant = Static<typeof GrantSchema>;
export type SourceKey = SourceKeyT;
export type IssuedSourceKey = Static<typeof IssuedSourceKeySchema>;
export type CatalogSource = W.CatalogAnswer['items'][number];
export type ShareClass = 'unconditional' | 'conditional' | 'none';

export const adminApi = {
  units: async (): Promise<AdminUnit[]> => (await request<W.List<AdminUnit>>('GET', '/admin/units')).items,
  upsertUnit: (u: {
    code: string;
    name: string;
    level: 'province' | 'city' | 'county' | 'station';
    parent: string | null;
  }) => request<{ upserted: number }>('POST', '/admin/units', { body: { units: [u] } }),
  users: async (): Promise<AdminUser[]> => (await request<W.List<AdminUser>>('GET', '/admin/users')).items,
  createUser: (b: UserBodyT) => request<{ username: string }>('POST', '/admin/users', { body: b }),
  changeUser: (username: string, b: { disabled?: boolean; roles?: string[]; password?: string; unitCode?: string }) =>
    request<{ username: string }>('PATCH', `/admin/users/${encodeURIComponent(username)}`, { body: b }),
  grants: async (): Promise<AdminGrant[]> => (await request<W.List<AdminGrant>>('GET', '/admin/grants')).items,
  createGrant: (b: Omit<GrantBodyT, 'fields'> & { fields?: string[] }) =>
    request<AdminGrant>('POST', '/admin/grants', { body: b }),
  revokeGrant: (id: string) => request<AdminGrant>('DELETE', `/admin/grants/${encodeURIComponent(id)}`),
  /** Sources with owner and sharing class come from the catalog (every role reads it). */
  sources: async (): Promise<CatalogSource[]> => (await request<W.CatalogAnswer>('GET', '/catalog')).items,
  changeSource: (id: string, b: { shareClass?: ShareClass; grade?: number; ownerUnit?: string }) =>
    request<{ id: string }>('PATCH', `/admin/sources/${encodeURIComponent(id)}`, { body: b }),
  sourceKeys: async (): Promise<SourceKey[]> => (await request<W.List<SourceKey>>('GET', '/admin/source-keys')).items,
  issueSourceKey: (name: string, sources: string[]) =>
    request<IssuedSourceKey>('POST', '/admin/source-keys', { body: { name, sources } }),
  revokeSourceKey: (id: string) => request<SourceKey>('DELETE', `/admin/source-keys/${encodeURIComponent(id)}`),
};
