import { describe, expect, it } from 'vitest';
import { type AttrValue, memoized, standardizeEntityAttrs, standardizeEntityAttrsUncached } from './entity-attrs.ts';

describe('memoized', () => {
  it('remembers a value per format: the same text under two formats gives two results', () => {
    const calls: string[] = [];
    const f = memoized((v: string, format?: string) => {
      calls.push(`${format}|${v}`);
      return `${format ?? '-'}:${v}`;
    });
    expect([f('01/02/2000', 'dd/MM/yyyy'), f('01/02/2000', 'MM/dd/yyyy'), f('01/02/2000')]).toEqual([
      'dd/MM/yyyy:01/02/2000',
      'MM/dd/yyyy:01/02/2000',
      '-:01/02/2000',
    ]);
    expect([f('01/02/2000', 'MM/dd/yyyy'), f('01/02/2000')]).toEqual(['MM/dd/yyyy:01/02/2000', '-:01/02/2000']);
    expect(calls).toHaveLength(3);
  });
});

describe('standardizeEntityAttrs, Person', () => {
  const person = (attrs: Record<string, string>) =>
    new Map<string, AttrValue>(Object.entries(attrs).map(([a, value]) => [a, { value, column: a }]));

  it.each([
    [{ name: '张三', residentId: '11010519491231002X' }],
    [{ name: '张三', residentId: '110105491231002' }], // 15 digits, upgraded
    [{ name: '张三', residentId: '11010519491231002x', birthDate: '1950-01-01', sex: 'M' }], // conflicts
    [{ name: '张三', residentId: '110105194912310021' }], // bad check digit: idBirthDate
  ])('derives birth date, sex and county from the resident id as the uncached path does (%o)', (attrs) => {
    const got = standardizeEntityAttrs('Person', person(attrs));
    expect(got).toEqual(standardizeEntityAttrsUncached('Person', person(attrs)));
    expect(got.attrs.birthDate ?? got.attrs.idBirthDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('takes birth date, sex and county from a valid resident id, flags a stated conflict', () => {
    const a = standardizeEntityAttrs('Person', person({ name: '张三', residentId: '110105491231002' }));
    expect([a.attrs.birthDate, a.attrs.sex, a.attrs.birthCounty]).toEqual(['1949-12-31', 'F', '110105']);
    const b = standardizeEntityAttrs('Person', person({ residentId: '11010519491231002X', sex: 'M', name: '李四' }));
    expect(b.flags).toContain('sex:conflicts_with_resident_id');
  });
});

describe('standardizeEntityAttrs, memoized kinds', () => {
  const one = (attr: string, value: string, column: string, format?: string) =>
    new Map<string, AttrValue>([[attr, format ? { value, column, format } : { value, column }]]);

  it('tells apart values that differ only in column, format or order, as the uncached path does', () => {
    const cases = [
      one('occurredAt', '01/02/2020', 'at', 'dd/MM/yyyy'),
      one('occurredAt', '01/02/2020', 'at', 'MM/dd/yyyy'),
      one('occurredAt', '01/02/2020', 'at'),
      one('caseNumber', 'a 1', 'no'),
      one('caseNumber', 'a 1', 'number'),
      new Map<string, AttrValue>([
        ['caseNumber', { value: 'x1', column: 'no' }],
        ['occurredAt', { value: '2020-01-02', column: 'at' }],
      ]),
      new Map<string, AttrValue>([
        ['occurredAt', { value: '2020-01-02', column: 'at' }],
        ['caseNumber', { value: 'x1', column: 'no' }],
      ]),
    ];
    for (let round = 0; round < 2; round++)
      for (const v of cases) expect(standardizeEntityAttrs('Case', v)).toEqual(standardizeEntityAttrsUncached('Case', v));
    expect(standardizeEntityAttrs('Case', cases[0]!).attrs.occurredAt).toBe('2020-02-01');
    expect(standardizeEntityAttrs('Case', cases[1]!).attrs.occurredAt).toBe('2020-01-02');
  });

  it('gives each caller its own copy of a remembered result', () => {
    const a = standardizeEntityAttrs('Case', one('caseNumber', 'k 9', 'no'));
    a.attrs.caseNumber = 'changed';
    a.flags.push('x');
    const b = standardizeEntityAttrs('Case', one('caseNumber', 'k 9', 'no'));
    expect([b.attrs.caseNumber, b.flags]).toEqual(['K9', []]);
  });
});

describe('standardizeEntityAttrs, Organization region from the credit code', () => {
  const org = (name: string, creditCode?: string) => {
    const values = new Map<string, AttrValue>([['name', { value: name, column: 'name' }]]);
    if (creditCode) values.set('creditCode', { value: creditCode, column: 'code' });
    const r = standardizeEntityAttrsUncached('Organization', values);
    return { code: r.attrs.orgRegionCode, flagged: r.flags.includes('orgRegionCode:from_credit_code') };
  };

  it('gives a name without its region, or with the province only, the city of the authority that registered the code', () => {
    // 91620102…: registered in 城关区 (620102), Lanzhou
    expect(org('华宇商贸有限公司', '91620102MA0004CT18')).toEqual({ code: '6201', flagged: true });
    expect(org('甘肃华宇商贸有限公司', '91620102MA0004CT18')).toEqual({ code: '6201', flagged: true });
  });

  it('keeps the city or county the name states, and learns nothing from no code or a code that fails its check', () => {
    expect(org('酒泉华宇商贸有限公司', '91620102MA0004CT18')).toEqual({ code: '6209', flagged: false });
    expect(org('甘肃华宇商贸有限公司')).toEqual({ code: '62', flagged: false });
    expect(org('甘肃华宇商贸有限公司', '91620102MA0004CT19')).toEqual({ code: '62', flagged: false });
  });
});
