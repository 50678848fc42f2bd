/** The default, untrained Person model: priors that already resolve reasonably; `trainModel` refines them. */
import { ANCHOR_KINDS } from '@onemap/graph-schema';
import { blockOn, capped } from '../blocking/blocking-rule.ts';
import {
  contradicting,
  dateComparison,
  divisionComparison,
  exactMatch,
  identifierComparison,
  nameComparison,
  textComparison,
} from './comparison-settings.ts';
import { MODEL_VERSION, type Model } from './model-settings.ts';

/** Largest block the name-only rules pair up (chosen with `capSweep`, see docs/resolution.md). */
export const NAME_ONLY_CAP = 40;
/** Largest block of one address that is paired up (a household, not a hotel or a school). */
export const ADDRESS_CAP = 20;

export function defaultPersonSettings(): Model {
  return {
    version: MODEL_VERSION,
    kind: 'Person',
    lambda: 1e-5,
    comparisons: [
      nameComparison('family name', 'family', 'pyFamily'),
      nameComparison('given name', 'given', 'pyGiven'),
      contradicting(dateComparison('birth date', 'birthDate|idBirthDate')),
      contradicting(exactMatch('sex', 'sex')),
      // two edits apart is another id (a twin's or a sibling's: same county and birth date, the
      // sequence and the check character differ), not a typo of this one
      contradicting(identifierComparison('resident id', 'residentId|residentIdRaw', { maxEdits: 1 })),
      identifierComparison('passport', 'passport|passportRaw'),
      identifierComparison('national id', 'nationalId|nationalIdRaw'),
      exactMatch('phone', 'phone', { tf: true, genericAware: true }),
      exactMatch('email', 'email'),
      textComparison('address', 'addressKey'),
      divisionComparison('address division', 'divisionCode'),
      exactMatch('postcode', 'postcode', { tf: true }),
      exactMatch('nationality', 'nationality'),
    ],
    blockingRules: [
      blockOn('residentId'),
      blockOn('@idBody'),
      blockOn('passport'),
      blockOn('nationalId|nationalIdRaw'),
      blockOn('phone'),
      blockOn('pyFamily', 'birthDate|idBirthDate'),
      blockOn('pyGiven', 'birthDate|idBirthDate'),
      // common names without a birth date: only blocks small enough to be worth scoring
      capped(blockOn('@nameSorted'), NAME_ONLY_CAP),
      capped(blockOn('@nameFull'), NAME_ONLY_CAP),
      blockOn('birthDate|idBirthDate', 'postcode'),
      // a shared address (a typo in the names and a missing birth date, as in Febrl4)
      capped(blockOn('addressKey'), ADDRESS_CAP),
      blockOn('email'),
    ],
    trainingRules: [
      blockOn('residentId'),
      blockOn('pyFamily', 'birthDate|idBirthDate'),
      capped(blockOn('@nameSorted'), NAME_ONLY_CAP),
      blockOn('phone'),
    ],
    thresholds: { match: 0.9, possible: 0.5 },
    anchors: [...ANCHOR_KINDS.Person],
    exclusive: ['resident_id'],
    generic: { attrs: ['phone', 'email'], minDistinctNames: 4 },
    alignNames: true,
    cohesion: 0.67,
    uniqueCandidate: 0.6,
    // a household shares a phone and an address, twins a birth date: a different given name needs an identifier
    renameGuard: { name: 'given name', anchors: ['resident id', 'passport', 'national id'], maxWeight: 0 },
    ambiguityMargin: 4,
    maxBlockSize: 400,
  };
}
