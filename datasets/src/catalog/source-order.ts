/**
 * The order in which the sample's sources are loaded when all of them arrive at once
 * (`onemap ingest --all-samples`, the benches, the test helpers): authoritative registries
 * first (household, business, vehicle registry, telecom), so events resolve against good
 * golden values, then events. One list; everything that loads "all sources" imports it.
 */
export const SOURCE_ORDER: readonly string[] = [
  'household',
  'business',
  'vehicle_registry',
  'telecom',
  'hotel',
  'rail',
  'netcafe',
  'checkpoint',
  'incident',
];
