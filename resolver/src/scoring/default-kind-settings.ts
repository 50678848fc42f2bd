/**
 * Default models per entity kind. Persons and organizations are probabilistic; the other
 * kinds resolve mostly deterministically: identifiers first (place code, plate/VIN, E.164
 * phone, case number), then fallback keys (a place's name with its division or coordinates).
 */
import { ANCHOR_KINDS, type EntityKind } from '@onemap/graph-schema';
import { blockOn } from '../blocking/blocking-rule.ts';
import { exactMatch, textComparison } from './comparison-settings.ts';
import { defaultOrganizationModel } from './default-organization-model.ts';
import { defaultPersonModel } from './default-person-model.ts';
import { MODEL_VERSION, type Model } from './model-settings.ts';

function deterministic(kind: EntityKind, partial: Pick<Model, 'anchors' | 'exclusive' | 'keyRules'>): Model {
  return {
    version: MODEL_VERSION,
    kind,
    lambda: 1e-6,
    comparisons: [textComparison('name', 'nameKey|name'), exactMatch('address', 'addressKey')],
    blockingRules: [blockOn('nameKey')],
    thresholds: { match: 1, possible: 1 },
    generic: { attrs: [], minDistinctNames: 4 },
    alignNames: false,
    cohesion: 0,
    maxBlockSize: 200,
    ...partial,
  };
}

export function defaultSettings(kind: EntityKind): Model {
  switch (kind) {
    case 'Person':
      return defaultPersonModel();
    case 'Place':
      return deterministic(kind, {
        anchors: [...ANCHOR_KINDS.Place],
        exclusive: ['place_code'],
        keyRules: [blockOn('nameKey', 'divisionCode'), blockOn('nameKey', '@geo3'), blockOn('nameKey', 'addressKey')],
      });
    case 'Organization':
      return defaultOrganizationModel();
    case 'Vehicle':
      return deterministic(kind, { anchors: [...ANCHOR_KINDS.Vehicle], exclusive: ['vin'], keyRules: [blockOn('@plateFold')] });
    case 'Phone':
      return deterministic(kind, { anchors: [...ANCHOR_KINDS.Phone], exclusive: ['phone'], keyRules: [] });
    case 'Case':
      return deterministic(kind, { anchors: [...ANCHOR_KINDS.Case], exclusive: ['case_number'], keyRules: [] });
  }
}
