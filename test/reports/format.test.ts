import { describe, expect, it } from 'vitest';
import { formatInterval, formatNumber, formatThreshold } from '../../reports/format.js';

describe('formatNumber', () => {
  it('prints counts with separators and rates to 4 significant digits', () => {
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(0.123456)).toBe('0.1235');
    expect(formatNumber(0.000012345)).toBe('0.00001235');
    expect(formatNumber(12345.678)).toBe('12,350');
    expect(formatNumber(null)).toBe('—');
  });
  it('formats intervals and thresholds', () => {
    expect(formatInterval([0.01, 0.123456])).toBe('[0.01, 0.1235]');
    expect(formatInterval(null)).toBe('—');
    expect(formatThreshold('<=', 0.2)).toBe('≤ 0.2');
    expect(formatThreshold('>=', 11)).toBe('≥ 11');
    expect(formatThreshold(null, null)).toBe('required');
  });
});
