import type { Role, User } from '../api/types.ts';

export type Screen = 'map' | 'search' | 'trajectory' | 'graph' | 'analysis' | 'review' | 'quality' | 'watches' | 'audit';

/**
 * Which screens each role sees. This only shapes navigation: the server decides what each
 * request may return (masking, suppression, denial), never the front end.
 */
export const SCREENS_BY_ROLE: Record<Role, Screen[]> = {
  planner: ['map'],
  officer: ['map', 'search', 'trajectory', 'watches'],
  analyst: ['map', 'search', 'trajectory', 'graph', 'analysis', 'review', 'quality', 'watches'],
  admin: ['map', 'quality'],
  auditor: ['audit'],
};

export const ALL_SCREENS: Screen[] = ['map', 'search', 'trajectory', 'graph', 'analysis', 'review', 'quality', 'watches', 'audit'];

export function screensFor(user: User): Screen[] {
  const roles = new Set<Role>([user.role, ...(user.roles ?? [])]);
  return ALL_SCREENS.filter((s) => [...roles].some((r) => SCREENS_BY_ROLE[r]?.includes(s)));
}

/** Whether the user works with individuals at all (planners and auditors do not). */
export function seesIndividuals(user: User): boolean {
  return screensFor(user).includes('search');
}

/** Roles the server lets read the map's aggregate layers (`/api/layers/*`); others get the base map only. */
export const AGGREGATE_ROLES: readonly Role[] = ['planner', 'analyst', 'officer'];
export function seesAggregates(user: User): boolean {
  return [user.role, ...(user.roles ?? [])].some((r) => AGGREGATE_ROLES.includes(r));
}
