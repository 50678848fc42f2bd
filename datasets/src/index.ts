/**
 * @onemap/datasets: the source catalog, the synthetic province generator with ground
 * truth, the replayer and the offline geography.
 */
export { CATALOG_DIR, getCatalogEntry, loadCatalog } from './catalog/load-catalog.ts';
export { SOURCE_ORDER } from './catalog/source-order.ts';
export { type CatalogValidation, validateCatalog } from './catalog/validate-catalog.ts';
export { generateProvince, type Summary } from './generator/generate-province.ts';
export {
  DEFAULT_NOISE,
  type GenerateOptions,
  type NoiseRates,
  SOURCE_IDS,
  SOURCE_NOISE,
  type SourceId,
} from './generator/options.ts';
export {
  GEO_DIR,
  type GeoUnit,
  type JurisdictionCollection,
  type JurisdictionFeature,
  loadBasemap,
  loadJurisdictions,
  loadUnits,
} from './geo/units.ts';
export { makeCreditCode } from './ids/credit-code.ts';
export { makeResidentId, sexOfResidentId } from './ids/resident-id.ts';
export type { NoiseKind } from './noise/noise-injector.ts';
export { listSourceFiles, parseCsvLine, readSourceFile } from './replay/read-source-files.ts';
export { type ReplayOptions, type ReplayResult, replaySource } from './replay/replay-source.ts';
export { SAMPLE_DIR, SAMPLE_OPTIONS, sampleFilesMatching } from './sample.ts';
