/**
 * Cases for series linking (类案串并) and multi-scene collision on top of the server fixture
 * (`seedServerFixture`): one series of burglaries around Lanzhou (SR1–SR4), a look-alike (LA1), a
 * case of another type (OT1); ids prefixed `SR` so nothing collides.
 * - SR1, SR2: the same suspect (P-SR-OFF, with a phone) is involved in both → shared entities.
 * - SR1, SR3: the suspect's car (V-SR) passes a checkpoint near both scenes at the time → trajectory.
 * - SR4: only in the non-shared source fx_closed (owner 620102): the same suspect; units that may not
 *   see fx_closed must never get it.
 * - LA1: same type and a similar summary, 60 km and four days away, another suspect: a near miss.
 * - December 2026, after the windows the other fixture rows count in (layers, co-location).
 * - P-SR-WALK is sighted near all three scenes SR1–SR3, P-SR-ONE near one, P-SR-HID near two but only
 *   in fx_closed (multi-scene collision).
 */
import type { Graph } from '@onemap/graph-schema/server';
import { writeTx } from '@onemap/graph-schema/server';
import { FX } from './server-fixtures.ts';

export const SR = {
  sr1: 'C-SR1',
  sr2: 'C-SR2',
  sr3: 'C-SR3',
  sr4: 'C-SR4',
  la1: 'C-SRLA1',
  ot1: 'C-SROT1',
  offender: 'P-SR-OFF',
  other: 'P-SR-OTHER',
  walker: 'P-SR-WALK',
  one: 'P-SR-ONE',
  hidden: 'P-SR-HID',
  commuter: 'P-SR-COM',
  car: 'V-SR',
  phone: 'T-SR',
} as const;

const SCENES = {
  [SR.sr1]: [103.83, 36.06],
  [SR.sr2]: [103.76, 36.05],
  [SR.sr3]: [103.9, 36.08],
  [SR.sr4]: [103.85, 36.07],
  [SR.la1]: [104.45, 35.88],
  [SR.ot1]: [103.831, 36.061],
} as const;

const CASES = [
  {
    eid: SR.sr1,
    source: FX.open,
    caseType: '盗窃',
    occurredAt: '2026-12-01T02:10:00',
    description: '凌晨嫌疑人用锡纸撬开如家酒店附近住户防盗门锁芯，入室盗走金项链、手镯',
  },
  {
    eid: SR.sr2,
    source: FX.open,
    caseType: '盗窃',
    occurredAt: '2026-12-03T02:40:00',
    description: '报警人称凌晨家中被人撬锁入室，金项链、手镯被盗，门锁有锡纸痕迹',
  },
  {
    eid: SR.sr3,
    source: FX.open,
    caseType: '盗窃',
    occurredAt: '2026-12-05T01:30:00',
    description: '凌晨有人用锡纸开锁进入汉庭附近民宅，翻找卧室后盗走金项链、手镯',
  },
  {
    eid: SR.sr4,
    source: FX.closed,
    caseType: '盗窃',
    occurredAt: '2026-12-04T02:00:00',
    description: '凌晨一住户被盗，嫌疑人以锡纸破坏锁芯进入，窃取金项链',
  },
  {
    eid: SR.la1,
    source: FX.open,
    caseType: '盗窃',
    occurredAt: '2026-12-08T15:00:00',
    description: '白天上班时间有人用螺丝刀撬开民宅防盗门锁芯，入室盗走笔记本电脑',
  },
  {
    eid: SR.ot1,
    source: FX.open,
    caseType: '诈骗',
    occurredAt: '2026-12-01T10:00:00',
    description: '报警人称接到自称客服的电话后被骗转账',
  },
];

/** Write the series fixture (after `seedServerFixture`). */
export async function seedSeriesFixture(graph: Graph): Promise<void> {
  await writeTx(graph, async (tx) => {
    const cases = CASES.map((c) => {
      const [lon, lat] = SCENES[c.eid as keyof typeof SCENES];
      const caseNumber = `A620102202611${c.eid.slice(-3).replace(/\D/g, '0')}${c.eid.length}`;
      return {
        ...c,
        lon,
        lat,
        caseNumber,
        attrs: JSON.stringify({
          case: { caseNumber, caseType: c.caseType, occurredAt: c.occurredAt, description: c.description, lon, lat },
        }),
      };
    });
    await tx.run(
      `UNWIND $cases AS c
       CREATE (e:Entity:Case {eid: c.eid, name: c.caseNumber, caseNumber: c.caseNumber, caseType: c.caseType, occurredAt: c.occurredAt, description: c.description,
                              location: point({longitude: c.lon, latitude: c.lat}), searchText: c.caseNumber, provenance: '{}'})
       CREATE (r:SourceRecord {rid: c.source + ':' + c.eid, source: c.source, recordId: c.eid, receivedAt: datetime('2026-12-06T00:00:00Z'), attrs: c.attrs, hash: c.eid})
       CREATE (r)-[:RESOLVED_TO {role: 'case', decision: 'anchor', score: 1.0, at: datetime()}]->(e)`,
      { cases },
    );
    const persons = [
      { eid: SR.offender, name: '马小军', source: FX.open },
      { eid: SR.other, name: '杜二强', source: FX.open },
      { eid: SR.walker, name: '吴行', source: FX.open },
      { eid: SR.one, name: '陈一', source: FX.open },
      { eid: SR.hidden, name: '匿名', source: FX.closed },
      { eid: SR.commuter, name: '郑通勤', source: FX.open },
    ];
    await tx.run(
      `UNWIND $persons AS p
       CREATE (e:Entity:Person {eid: p.eid, name: p.name, searchText: p.name, provenance: '{}'})
       CREATE (r:SourceRecord {rid: p.source + ':' + p.eid, source: p.source, recordId: p.eid, receivedAt: datetime('2026-10-01T00:00:00Z'),
                               attrs: '{"person":{"name":"' + p.name + '"}}', hash: p.eid})
       CREATE (r)-[:RESOLVED_TO {role: 'person', decision: 'anchor', score: 1.0, at: datetime()}]->(e)`,
      { persons },
    );
    await tx.run(
      `CREATE (v:Entity:Vehicle {eid: $car, name: '甘A7S123', plate: '甘A7S123', searchText: '甘A7S123', provenance: '{}'})
       CREATE (t:Entity:Phone {eid: $phone, name: '+8613700000077', number: '+8613700000077', searchText: '+8613700000077', provenance: '{}'})
       CREATE (rv:SourceRecord {rid: $open + ':' + $car, source: $open, recordId: $car, receivedAt: datetime('2026-10-01T00:00:00Z'), attrs: '{"vehicle":{"plate":"甘A7S123"}}', hash: $car})
       CREATE (rv)-[:RESOLVED_TO {role: 'vehicle', decision: 'anchor', score: 1.0, at: datetime()}]->(v)
       CREATE (rt:SourceRecord {rid: $open + ':' + $phone, source: $open, recordId: $phone, receivedAt: datetime('2026-10-01T00:00:00Z'), attrs: '{"phone":{"phone":"+8613700000077"}}', hash: $phone})
       CREATE (rt)-[:RESOLVED_TO {role: 'phone', decision: 'anchor', score: 1.0, at: datetime()}]->(t)
       WITH v, t
       MATCH (o:Person {eid: $offender})
       CREATE (o)-[:OWNS {source: $open, rid: $open + ':' + $car}]->(v)
       CREATE (o)-[:HAS_PHONE {source: $open, rid: $open + ':' + $phone}]->(t)`,
      { car: SR.car, phone: SR.phone, offender: SR.offender, open: FX.open },
    );
    const involved = [
      { person: SR.offender, case: SR.sr1, role: '嫌疑人', source: FX.open },
      { person: SR.offender, case: SR.sr2, role: '嫌疑人', source: FX.open },
      { person: SR.offender, case: SR.sr4, role: '嫌疑人', source: FX.closed },
      { person: SR.other, case: SR.la1, role: '嫌疑人', source: FX.open },
      // a reporter in two cases links nothing
      { person: SR.one, case: SR.la1, role: '报警人', source: FX.open },
      { person: SR.one, case: SR.sr3, role: '报警人', source: FX.open },
    ];
    await tx.run(
      `UNWIND $rows AS x
       MATCH (p:Person {eid: x.person}), (c:Case {eid: x.case})
       CREATE (p)-[:INVOLVED_IN {source: x.source, rid: x.source + ':' + x.case, role: x.role}]->(c)`,
      { rows: involved },
    );
    // places near the scenes (checkpoints, a café), 300–600 m off
    const places = [
      { eid: 'L-SRK1', name: '雁滩卡口', kind: 'checkpoint', lon: 103.833, lat: 36.062 },
      { eid: 'L-SRK3', name: '东岗卡口', kind: 'checkpoint', lon: 103.904, lat: 36.081 },
      { eid: 'L-SRW2', name: '西站网咖', kind: 'internet_cafe', lon: 103.763, lat: 36.052 },
    ];
    await tx.run(
      `UNWIND $places AS p
       CREATE (e:Entity:Place {eid: p.eid, name: p.name, placeKind: p.kind, unitCode: '620102', location: point({longitude: p.lon, latitude: p.lat}), searchText: p.name, provenance: '{}'})
       CREATE (r:SourceRecord {rid: $open + ':' + p.eid, source: $open, recordId: p.eid, receivedAt: datetime('2026-10-01T00:00:00Z'), attrs: '{"place":{"name":"' + p.name + '"}}', hash: p.eid})
       CREATE (r)-[:RESOLVED_TO {role: 'place', decision: 'anchor', score: 1.0, at: datetime()}]->(e)`,
      { places, open: FX.open },
    );
    const visits = [
      // the car before SR1 and before SR3 (Beijing 01:30 and 00:50 → UTC)
      { eid: SR.car, place: 'L-SRK1', at: '2026-11-30T17:30:00Z', kind: 'checkpoint_pass', source: FX.open },
      { eid: SR.car, place: 'L-SRK3', at: '2026-12-04T16:50:00Z', kind: 'checkpoint_pass', source: FX.open },
      // the walker near all three scenes
      { eid: SR.walker, place: 'L-SRK1', at: '2026-11-30T18:00:00Z', kind: 'internet_login', source: FX.open },
      { eid: SR.walker, place: 'L-SRW2', at: '2026-12-02T18:20:00Z', kind: 'internet_login', source: FX.open },
      { eid: SR.walker, place: 'L-SRK3', at: '2026-12-04T17:10:00Z', kind: 'internet_login', source: FX.open },
      // one scene only
      { eid: SR.one, place: 'L-SRW2', at: '2026-12-02T18:00:00Z', kind: 'internet_login', source: FX.open },
      // a commuter: past SR1's checkpoint every night (routine there, so no evidence) and once near SR3
      { eid: SR.commuter, place: 'L-SRK1', at: '2026-11-28T17:40:00Z', kind: 'checkpoint_pass', source: FX.open },
      { eid: SR.commuter, place: 'L-SRK1', at: '2026-11-29T17:40:00Z', kind: 'checkpoint_pass', source: FX.open },
      { eid: SR.commuter, place: 'L-SRK1', at: '2026-11-30T17:40:00Z', kind: 'checkpoint_pass', source: FX.open },
      { eid: SR.commuter, place: 'L-SRK3', at: '2026-12-04T17:00:00Z', kind: 'checkpoint_pass', source: FX.open },
      // two scenes, seen only in the non-shared source
      { eid: SR.hidden, place: 'L-SRK1', at: '2026-11-30T17:50:00Z', kind: 'internet_login', source: FX.closed },
      { eid: SR.hidden, place: 'L-SRW2', at: '2026-12-02T18:10:00Z', kind: 'internet_login', source: FX.closed },
    ];
    await tx.run(
      `UNWIND $visits AS x
       MATCH (e:Entity {eid: x.eid}), (p:Place {eid: x.place})
       CREATE (e)-[:VISITED {at: datetime(x.at), kind: x.kind, source: x.source, rid: x.source + ':v-' + x.eid + '-' + x.place, place: p.eid}]->(p)`,
      { visits },
    );
  });
}

/** A source whose case summaries are grade 4 (owner 620102 reads them plain, others masked), and case SR5 in it. */
export const MASKED = { source: 'fx_series_desc', sr5: 'C-SR5' } as const;

/**
 * SR5: the same suspect (the involvement is in fx_open), its record only in `fx_series_desc`, whose
 * summary field is grade 4: the owner county reads it, another city sees it masked.
 */
export async function seedMaskedSummaryCase(graph: Graph): Promise<void> {
  await writeTx(graph, async (tx) => {
    await tx.run(
      `CREATE (:Source {id: $source, nameZh: '案情测试源', nameEn: 'fixture case summaries', ownerUnit: '620102', shareClass: 'unconditional', grade: 4,
                        fieldSensitivity: $fs})`,
      {
        source: MASKED.source,
        fs: JSON.stringify({
          'case.description': 4,
          'case.caseType': 1,
          'case.occurredAt': 1,
          'case.caseNumber': 1,
          'case.address': 1,
          'case.lon': 1,
          'case.lat': 1,
        }),
      },
    );
    const attrs = JSON.stringify({
      case: {
        caseNumber: 'A6201022026110055',
        caseType: '盗窃',
        occurredAt: '2026-12-02T03:00:00',
        description: '凌晨嫌疑人用锡纸开锁入室盗走金项链',
        lon: 103.84,
        lat: 36.065,
      },
    });
    await tx.run(
      `CREATE (e:Entity:Case {eid: $eid, name: 'A6201022026110055', caseNumber: 'A6201022026110055', caseType: '盗窃', occurredAt: '2026-12-02T03:00:00',
                              location: point({longitude: 103.84, latitude: 36.065}), searchText: 'A6201022026110055', provenance: '{}'})
       CREATE (r:SourceRecord {rid: $source + ':' + $eid, source: $source, recordId: $eid, receivedAt: datetime('2026-12-06T00:00:00Z'), attrs: $attrs, hash: $eid})
       CREATE (r)-[:RESOLVED_TO {role: 'case', decision: 'anchor', score: 1.0, at: datetime()}]->(e)
       WITH e MATCH (p:Person {eid: $offender})
       CREATE (p)-[:INVOLVED_IN {source: $open, rid: $open + ':' + $eid, role: '嫌疑人'}]->(e)`,
      { eid: MASKED.sr5, source: MASKED.source, attrs, offender: SR.offender, open: FX.open },
    );
  });
}
