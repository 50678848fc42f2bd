import { makeResidentId } from '@onemap/datasets';

/** A synthetic hotel check-in row in the hotel source's shape (see datasets/catalog/hotel.json). */
export function hotelRecord(i: number, over: Record<string, string | number> = {}): Record<string, string | number> {
  const day = String(1 + (i % 28)).padStart(2, '0');
  return {
    record_id: `T-HOTEL-${String(i).padStart(6, '0')}`,
    hotel_code: `HT${String(i % 50).padStart(4, '0')}`,
    hotel_name: `测试宾馆${i % 50}号店`,
    hotel_address: `甘肃省兰州市城关区测试路${i % 50}号`,
    hotel_lon: 103.8 + (i % 50) / 1000,
    hotel_lat: 36.05 + (i % 50) / 1000,
    division_code: '620102',
    guest_name: `测试${'甲乙丙丁戊己庚辛壬癸'[i % 10]}${'子丑寅卯辰巳午未申酉戌亥'[Math.floor(i / 10) % 12]}${i}`,
    sex: i % 2 ? '男' : '女',
    birth_date: `1980${'01'}${day}`,
    id_type: '居民身份证',
    id_number: makeResidentId('620102', `198001${day}`, 100 + (i % 800)),
    passport_no: '',
    nationality: 'CHN',
    address: `甘肃省兰州市城关区测试路${i}号`,
    phone: '',
    room_no: String(100 + (i % 300)),
    check_in: `2026-04-${day} 20:00:00`,
    check_out: `2026-04-${day} 23:00:00`,
    ...over,
  };
}

/**
 * A square around test hotel 41 (`hotelRecord(i)` with `i % 50 === 41`: 103.841, 36.091) that leaves
 * out hotel 1 (103.801, 36.051): the area of the early-warning tests.
 */
export const AROUND_HOTEL_41 = {
  type: 'Polygon',
  coordinates: [
    [
      [103.835, 36.085],
      [103.848, 36.085],
      [103.848, 36.098],
      [103.835, 36.098],
      [103.835, 36.085],
    ],
  ],
};
