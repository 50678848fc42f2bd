import { describe, expect, it } from 'vitest';
import { maskValue } from './masking.ts';

describe('maskValue', () => {
  const table: [string, string, string][] = [
    ['residentId', '620102199001011234', '620102********1234'],
    ['residentId', '62010219900101123X', '620102********123X'],
    ['passport', 'E12345678', 'E1*****78'],
    ['phone', '+8613800001234', '+86138****1234'],
    ['phone', '13800001234', '138****1234'],
    ['name', '张伟', '张*'],
    ['name', '欧阳娜娜', '欧***'],
    ['address', '甘肃省兰州市城关区张苏滩路88号3单元501', '甘肃省兰州市****'],
    ['email', 'zhang@example.cn', 'z***@example.cn'],
    ['somethingElse', 'secret', '***'],
  ];
  for (const [attr, plain, masked] of table) it(`${attr}: ${plain} → ${masked}`, () => expect(maskValue(attr, plain)).toBe(masked));
  it('keeps empty values empty', () => expect(maskValue('residentId', '')).toBe(''));
});
