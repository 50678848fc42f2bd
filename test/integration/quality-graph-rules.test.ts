/**
 * The graph rules on what the pipeline really wrote: a hotel record whose address differs from the
 * household registry's (the authority) is a conflict; an equal one is not; a registered vehicle
 * without an owner fails `owner_exists`. Own ids: `QG-*`.
 */
import { loadCatalog, makeResidentId } from '@onemap/datasets';
import { readBatch, stageRecords } from '@onemap/resolver/intake';
import {
  graphAuthorityConflicts,
  graphOwnerExists,
  listTickets,
  producePeriodReports,
  runBatchQuality,
} from '@onemap/resolver/quality';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearGraph } from '../helpers/graph.ts';
import { hotelRecord } from '../helpers/hotel-records.ts';
import { openTestPipeline } from '../helpers/pipeline.ts';

const t = openTestPipeline();
const entry = (id: string) => loadCatalog().find((e) => e.id === id)!;
const RUN = String(Date.now() % 1_000_000);
const HOME = '甘肃省兰州市城关区张苏滩路88号3单元501';
const ids = [makeResidentId('620102', '19850315', 311), makeResidentId('620102', '19850316', 312)];

function household(i: number) {
  return {
    record_id: `QG-HJ-${i}`,
    household_no: `99${RUN}`,
    relation_to_head: '户主',
    name: ['甄一', '甄二'][i]!,
    sex: '1',
    ethnicity: '汉族',
    birth_date: `1985031${5 + i}`,
    id_number: ids[i]!,
    phone: '',
    address: HOME,
    division_code: '620102',
    station_code: '620102001',
    home_code: `HQG${RUN}`,
    home_name: '住宅',
    home_lon: '103.86',
    home_lat: '36.04',
    home_address: HOME,
    registered_at: '2016-04-23',
  };
}

async function run(source: string, records: Record<string, unknown>[]) {
  const batch = stageRecords(t.pipeline.deps.stagingDir, source, records);
  return t.pipeline.processBatch(batch);
}

beforeAll(async () => {
  await clearGraph(t.graph);
  await run('household', [household(0), household(1)]);
  await run('hotel', [
    hotelRecord(9001, {
      record_id: `QG-LG-1-${RUN}`,
      guest_name: '甄一',
      sex: '男',
      birth_date: '19850315',
      id_number: ids[0]!,
      address: '甘肃省天水市秦州区别处路1号',
    }),
    hotelRecord(9002, {
      record_id: `QG-LG-2-${RUN}`,
      guest_name: '甄二',
      sex: '男',
      birth_date: '19850316',
      id_number: ids[1]!,
      address: HOME,
    }),
    // the registry's 甄二 in Pinyin only: the same name, no conflict (issue 17)
    hotelRecord(9005, {
      record_id: `QG-LG-5-${RUN}`,
      guest_name: 'ZHEN ER',
      sex: '男',
      birth_date: '19850316',
      id_number: ids[1]!,
      address: HOME,
    }),
  ]);
  await run('vehicle_registry', [
    {
      record_id: `QG-JD-1-${RUN}`,
      plate: '甘A9Q001',
      plate_color: '蓝',
      vin: '',
      brand: '吉利',
      model: '博越',
      color: '红',
      owner_name: '甄一',
      owner_id: ids[0]!,
      owner_phone: '',
      owner_address: HOME,
      owner_org_name: '',
      owner_credit_code: '',
      registered_at: '2018-12-07',
    },
    {
      record_id: `QG-JD-2-${RUN}`,
      plate: '甘A9Q002',
      plate_color: '蓝',
      vin: '',
      brand: '吉利',
      model: '博越',
      color: '白',
      owner_name: '',
      owner_id: '',
      owner_phone: '',
      owner_address: '',
      owner_org_name: '',
      owner_credit_code: '',
      registered_at: '2018-12-07',
    },
  ]);
});
afterAll(async () => t.close());

describe('graph quality rules', () => {
  it('authority_conflict flags the hotel address that differs from the household registry, not the equal one', async () => {
    const out = await graphAuthorityConflicts(t.graph, entry('hotel'));
    const mine = out.findings.filter((f) => f.rid.startsWith('hotel:QG-'));
    expect(mine.map((f) => [f.rid, f.field, f.attribute])).toEqual([[`hotel:QG-LG-1-${RUN}`, 'address', 'address']]);
    expect(mine[0]!.detail).toContain('household (authority, household:QG-HJ-0)');
  });

  it('a Pinyin-only spelling of the registry name is no name conflict', async () => {
    const out = await graphAuthorityConflicts(t.graph, entry('hotel'));
    expect(out.findings.filter((f) => f.rid === `hotel:QG-LG-5-${RUN}`)).toEqual([]);
  });

  it('owner_exists flags a registered vehicle nobody owns', async () => {
    const out = await graphOwnerExists(t.graph, entry('vehicle_registry'));
    expect(out!.findings.filter((f) => f.rid.includes('QG-')).map((f) => f.rid)).toEqual([
      `vehicle_registry:QG-JD-2-${RUN}`,
    ]);
    expect(await graphOwnerExists(t.graph, entry('hotel'))).toBeNull();
  });

  it('the period job opens one ticket per conflicting value to the owner unit, and the corrected delivery verifies it', async () => {
    await producePeriodReports(t.graph, [entry('hotel')]);
    await producePeriodReports(t.graph, [entry('hotel')]);
    const mine = async () =>
      (
        await listTickets(t.graph, { ownerUnits: null, openedBy: null, status: null, source: 'hotel', limit: 100 })
      ).filter((x) => x.rid === `hotel:QG-LG-1-${RUN}`);
    const opened = await mine();
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({
      status: 'open',
      ownerUnit: entry('hotel').ownerUnit,
      field: 'address',
      reportedValue: '甘肃省天水市秦州区别处路1号',
      openedBy: 'rule:authority_conflict',
    });
    await run('hotel', [
      hotelRecord(9001, {
        record_id: `QG-LG-1-${RUN}`,
        guest_name: '甄一',
        sex: '男',
        birth_date: '19850315',
        id_number: ids[0]!,
        address: HOME,
      }),
    ]);
    expect((await mine())[0]).toMatchObject({ status: 'verified' });
  });

  it('a fault in the quality checks is logged and does not fail the batch', async () => {
    const batch = stageRecords(t.pipeline.deps.stagingDir, 'hotel', [
      hotelRecord(9003, { record_id: `QG-LG-3-${RUN}` }),
    ]);
    const logged: string[] = [];
    // a database that does not exist: every quality query fails
    const broken = { driver: t.graph.driver, database: 'no-such-database' };
    const out = await runBatchQuality(broken, batch, entry('hotel'), readBatch(batch, entry('hotel')), (m) =>
      logged.push(m),
    );
    expect(out).toBeNull();
    expect(logged[0]).toContain('the batch goes on');
  });

  it('a batch processed again (a retry) keeps one quality report', async () => {
    const batch = stageRecords(t.pipeline.deps.stagingDir, 'hotel', [
      hotelRecord(9004, { record_id: `QG-LG-4-${RUN}` }),
    ]);
    const read = readBatch(batch, entry('hotel'));
    const first = await runBatchQuality(t.graph, batch, entry('hotel'), read);
    const second = await runBatchQuality(t.graph, batch, entry('hotel'), read);
    expect(first?.reportId).toBe(`QR-B-${batch.batchId}`);
    expect(second?.reportId).toBe(first?.reportId);
  });
});
