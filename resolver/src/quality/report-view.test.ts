import { describe, expect, it } from 'vitest';
import { summarize, summaryCsv } from './report-view.ts';
import { capExamples, type QualityReport } from './reports.ts';
import type { QualityFinding } from './types.ts';

const report = (source: string, failed: number, checked = 10): QualityReport => ({
  id: `QR-${source}-${failed}`,
  kind: 'batch',
  source,
  ownerUnit: '620000',
  batchId: null,
  at: '2026-03-02T00:00:00Z',
  overall: 1 - failed / checked,
  scores: [{ rule: 'key_fields', dimension: 'completeness', checked, failed, score: 1 - failed / checked }],
  examples: [],
});

describe('quality report views', () => {
  it('summarize sums the period per rule and gives the trend against the period before', () => {
    const s = summarize([report('hotel', 1), report('hotel', 1)], [report('hotel', 4)]);
    expect(s).toEqual([
      {
        source: 'hotel',
        ownerUnit: '620000',
        reports: 2,
        rules: [{ rule: 'key_fields', checked: 20, failed: 2, score: 0.9, previous: 0.6, delta: 0.3 }],
      },
    ]);
  });

  it('summaryCsv writes one row per source and rule and never a formula', () => {
    const csv = summaryCsv([
      {
        source: '=cmd',
        ownerUnit: '620000',
        reports: 1,
        rules: [{ rule: 'key_fields', checked: 10, failed: 1, score: 0.9, previous: null, delta: null }],
      },
    ]);
    expect(csv).toBe(
      "source,owner_unit,rule,checked,failed,score,previous_score,delta\n'=cmd,620000,key_fields,10,1,0.9,,\n",
    );
  });

  it('capExamples keeps a few findings per rule, errors first', () => {
    const f = (i: number, severity: QualityFinding['severity']): QualityFinding => ({
      rule: 'r',
      source: 's',
      rid: `s:${i}`,
      field: '',
      severity,
      detail: '',
    });
    const kept = capExamples([f(1, 'info'), f(2, 'error'), f(3, 'warning'), f(4, 'error')], 2);
    expect(kept.map((x) => x.rid)).toEqual(['s:2', 's:4']);
  });
});
