/**
 * Per-source quality settings. A catalog entry may carry an optional `quality` key with any of
 * these fields (see docs/quality.md); whatever is absent falls back to {@link DEFAULT_QUALITY},
 * then to the per-source defaults below. Import-safe.
 */
import type { SourceCatalogEntry } from '@onemap/graph-schema';

export interface QualitySettings {
  /** `<role>.<attribute>` that must be present; `a|b` means one of them. Default: per entity kind. */
  keyFields?: string[];
  /** `<role>.<attribute>` that identify one real thing and must not repeat inside one delivery. */
  uniqueKeys?: string[];
  /** Province bounding box [minLon, minLat, maxLon, maxLat] for coordinates. */
  bbox?: [number, number, number, number];
  /** A record older than this at arrival (record.at → arrival) is late. 0 = not checked. */
  maxRecordAgeHours?: number;
  /** Attributes whose check-character failures count (validity); `vin` is its own rule. */
  checkDigitAttributes?: string[];
  /** Rules switched off for this source. */
  disabled?: string[];
}

/** Gansu (甘肃省) bounding box with a small margin. */
export const GANSU_BBOX: [number, number, number, number] = [92.1, 32.3, 108.9, 43.0];

export const DEFAULT_QUALITY: Required<QualitySettings> = {
  keyFields: [],
  uniqueKeys: [],
  bbox: GANSU_BBOX,
  maxRecordAgeHours: 0,
  checkDigitAttributes: ['residentId', 'creditCode'],
  disabled: [],
};

/** Key identifiers by entity kind: the field a record is useless (or unlinkable) without. */
const KEY_BY_KIND: Record<string, string[]> = {
  Person: ['residentId|passport|nationalId'],
  Organization: ['creditCode'],
  Vehicle: ['plate'],
  Case: ['caseNumber'],
};

/** Source defaults that the catalog does not (yet) state; a catalog `quality` key overrides them. */
const SOURCE_DEFAULTS: Record<string, QualitySettings> = {
  household: { uniqueKeys: ['person.residentId'] },
  business: { uniqueKeys: ['company.creditCode'] },
  vehicle_registry: { uniqueKeys: ['vehicle.plate'] },
  telecom: { uniqueKeys: ['phone.phone'] },
  // Real-time sources should arrive within hours of the event.
  hotel: { maxRecordAgeHours: 48 },
  netcafe: { maxRecordAgeHours: 48 },
  checkpoint: { maxRecordAgeHours: 48 },
  rail: { maxRecordAgeHours: 48 },
};

/** The settings in force for one source: defaults, then source defaults, then the catalog's `quality`. */
export function qualitySettings(entry: SourceCatalogEntry): Required<QualitySettings> {
  const fromCatalog = ((entry as unknown as { quality?: QualitySettings }).quality ?? {}) as QualitySettings;
  const keyFields = entry.entities
    .flatMap((r) => (KEY_BY_KIND[r.kind] ?? []).map((k) => `${r.role}.${k}`))
    // only keys the source maps at all: a hotel record has no way to carry a credit code
    .filter((k) => {
      const [role, attrs] = k.split('.') as [string, string];
      return attrs.split('|').some((a) => entry.fields.some((f) => f.target === `${role}.${a}`));
    });
  return { ...DEFAULT_QUALITY, keyFields, ...(SOURCE_DEFAULTS[entry.id] ?? {}), ...fromCatalog };
}
