import { translateValue, useI18n } from './i18n.tsx';

/** Coded attribute values and the catalog prefix that names them (sex `M`, script `han`, place kind). */
const CODED: Record<string, string> = {
  sex: 'sex',
  nameScript: 'script',
  placeKind: 'place',
  nationality: 'country',
  plateColor: 'plateColor',
};

/**
 * An attribute value as a user reads it: coded values (`M`, `han`, `hotel`, `CHN`) through the
 * message catalog, everything else (names, numbers, addresses) as recorded.
 */
export function fieldValue(t: ReturnType<typeof useI18n>['t'], field: string, value: string): string {
  const prefix = CODED[field];
  return prefix ? translateValue(t, prefix, value) : value;
}
