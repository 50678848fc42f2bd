/**
 * The prefecture that issued a plate (GA 36: the province character and the issuing authority's
 * letter). A vehicle is registered where its owner is domiciled, so a company's fleet plate tells
 * the city the company is registered in: evidence on a fleet record that names the company without
 * its region, or with the province's only (`甘肃恒通华夏…`).
 *
 * Gansu's authorities are listed (the province of the gazetteer, datasets/geo/units.json); a
 * deployment elsewhere adds its province's letters here. A plate of an unlisted province or
 * letter tells nothing.
 */

/** Plate prefix (province character and letter) → the issuing prefecture's division code prefix. */
// biome-ignore format: a table reads better packed
const PLATE_PREFECTURE: Readonly<Record<string, string>> = {
  甘A: '6201', 甘B: '6202', 甘C: '6203', 甘D: '6204', 甘E: '6205', 甘F: '6209', 甘G: '6207',
  甘H: '6206', 甘J: '6211', 甘K: '6212', 甘L: '6208', 甘M: '6210', 甘N: '6229', 甘P: '6230',
};

/**
 * @param plate a standardized plate (`甘E12345`)
 * @returns the division code prefix of the prefecture that issued it (`6205`), or undefined
 */
export function plateRegionCode(plate: string | undefined): string | undefined {
  return plate ? PLATE_PREFECTURE[plate.slice(0, 2)] : undefined;
}

/**
 * Whether evidence of a company's region (`region`, a city's code prefix: a fleet plate's prefecture,
 * a credit code's registering authority) takes the place of the region its name states (`named`):
 * when the name states none, or one that contains it (the province's only). A city or county the
 * name states stands.
 */
export function regionFillsName(named: string | undefined, region: string): boolean {
  return named === undefined || (named.length < region.length && region.startsWith(named));
}
