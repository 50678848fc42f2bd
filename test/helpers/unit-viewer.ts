import type { SourceInfo, UnitInfo } from '../../server/src/access/types.ts';
import { buildViewer, type Viewer } from '../../server/src/access/viewer.ts';

/** A province (620000) and one of its cities (620200): the units the unit tests' viewers belong to. */
export const UNIT_TEST_UNITS = new Map<string, UnitInfo>([
  ['620000', { code: '620000', name: '省', level: 'province', parent: null }],
  ['620200', { code: '620200', name: '市', level: 'city', parent: '620000' }],
]);

/** An unconditional source (shared with every unit) of `ownerUnit`, graded by `fieldSensitivity` (`role.attribute` → grade). */
export function unconditionalSource(
  id: string,
  ownerUnit: string,
  grade: SourceInfo['grade'],
  fieldSensitivity: SourceInfo['fieldSensitivity'],
): SourceInfo {
  return { id, nameZh: id, nameEn: id, ownerUnit, shareClass: 'unconditional', grade, fieldSensitivity };
}

/**
 * An officer of `unitCode` (620000 or 620200) with a criminal-case purpose, who knows `sources`
 * and holds no grant: what an unconditional source's owner and another unit see.
 * @param authority per source, the `Kind.attribute`s it is the authority for (一数一源; none by default)
 */
export function officerOf(unitCode: string, sources: readonly SourceInfo[], authority: ReadonlyMap<string, ReadonlySet<string>> = new Map()): Viewer {
  return buildViewer({
    username: 'u',
    displayName: 'u',
    unitCode,
    roles: ['officer'],
    authMethod: 'jwt',
    purpose: { kind: 'criminal_case', caseNumber: 'A0001', text: '测试' },
    units: UNIT_TEST_UNITS,
    sources: new Map(sources.map((s) => [s.id, s])),
    grants: [],
    authority,
    kAnonymity: 5,
  });
}
