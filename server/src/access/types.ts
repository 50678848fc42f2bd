import type { Grade, ShareClass, UnitLevel } from '@onemap/graph-schema';

/** Roles a user can hold; each route names the roles it admits. */
export const ROLES = ['officer', 'analyst', 'planner', 'admin', 'auditor'] as const;
export type Role = (typeof ROLES)[number];
/**
 * The principal of a source system's key (`x-onemap-source-key`). Not a role a user can hold:
 * it is not in ROLES, so no admin can give it to an account, and no token carries it.
 */
export const SOURCE_SYSTEM = 'source_system' as const;
export type Principal = Role | typeof SOURCE_SYSTEM;

/** Kinds of purpose (事由) a query can state; grants list the kinds they allow. */
/** `statistics` is implied by aggregate (layer) queries, which carry no purpose of their own. */
export const PURPOSE_KINDS = ['criminal_case', 'administrative_case', 'security_check', 'emergency', 'investigation_lead', 'statistics'] as const;
export type PurposeKind = (typeof PURPOSE_KINDS)[number];

/** The stated reason for an individual-level query: kind + case number + free text. */
export interface Purpose {
  kind: PurposeKind;
  caseNumber: string;
  text: string;
}

export interface UnitInfo {
  code: string;
  name: string;
  level: UnitLevel;
  parent: string | null;
}

export interface SourceInfo {
  id: string;
  nameZh: string;
  nameEn: string;
  ownerUnit: string;
  shareClass: ShareClass;
  grade: Grade;
  /** `role.attribute` → sensitivity grade (from the catalog). */
  fieldSensitivity: Record<string, Grade>;
}

export interface GrantInfo {
  id: string;
  unitCode: string;
  sourceId: string;
  purposes: PurposeKind[];
  /** ISO timestamp. */
  expiresAt: string;
  /** Attributes this grant unmasks (e.g. `residentId`, `phone`), or `*` for all. */
  fields: string[];
  createdBy?: string;
  createdAt?: string;
}

export interface UserInfo {
  username: string;
  displayName: string;
  unitCode: string;
  roles: Role[];
  passwordHash: string;
  certFingerprint: string | null;
  disabled: boolean;
  /** Raised by a password, role, unit or disable change; a token carrying another version is refused. */
  tokenVersion: number;
}

/** Why a source is (not) visible to a viewer; shown by the catalog route and used in tests. */
export type SourceAccess =
  | { visible: true; via: 'unconditional' | 'owner' | 'grant'; grantId?: string }
  | { visible: false; reason: 'no_grant' | 'grant_expired' | 'purpose_not_granted' | 'not_shared' | 'purpose_required' };

/** How a field value is shown to a viewer. */
export type FieldDecision = 'plain' | 'masked';

export interface AccessRule {
  /** Roles admitted; a user needs at least one of them (`source_system`: a source key bound to the source). */
  roles: readonly Principal[];
  /**
   * Individual-level queries require a purpose (事由): `true`. `'optional'`: a route whose answer
   * carries record values only for sources read under a stated purpose (without one, only the
   * sources the caller reads without any grant: `Viewer.recordSources`). `false`: no purpose.
   */
  purpose: boolean | 'optional';
  /** Short name recorded in the audit trail. */
  action: string;
  /**
   * A POST that only reads (a collision's windows in its body): no write-ahead audit entry. Every
   * other POST, PUT, PATCH and DELETE of a user is taken to change something, so its `intent` entry
   * is written before the handler runs (`routes/api/index.ts`).
   */
  readOnly?: true;
}
