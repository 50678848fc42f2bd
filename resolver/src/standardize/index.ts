/** Standardize: per-field cleaning and validation, and the per-record standardizer driven by a compiled mapping. */
export { type DivisionEntry, setDivisionGazetteer, standardizeAddress, standardizeDivisionCode } from './address.ts';
export {
  type CompiledField,
  type CompiledMapping,
  type CompiledRole,
  compileMapping,
  validateMapping,
} from './compile-mapping.ts';
export { standardizeCreditCode } from './credit-code.ts';
export { standardizeBirthDate, standardizeDate } from './date.ts';
export { standardizeEntityAttrs } from './entity-attrs.ts';
export {
  standardizeEmail,
  standardizeNationalId,
  standardizeNationality,
  standardizePassport,
  standardizePostcode,
  standardizeSex,
} from './identifiers.ts';
export {
  type OrgNameParts,
  parseOrgName,
  type StandardOrgName,
  standardizeOrgName,
  standardizePlaceName,
} from './org-name.ts';
export { type PersonName, pinyinInitials, standardizeNameParts, standardizePersonName } from './person-name.ts';
export { standardizePhone } from './phone.ts';
export { standardizePlate, standardizeVin } from './plate.ts';
export { leadingRegion, regionCodeOf, regionShortName } from './region-names.ts';
export { standardizeResidentId } from './resident-id.ts';
export { type RecordContext, standardizeRecord } from './standardize-record.ts';
export { foldTyped } from './text.ts';
