/** ISO timestamps (Synthea's medication START) are read as the day written before `T`. */
import { describe, expect, it } from 'vitest';
import { parseEventDate } from '../../src/relational/dates.js';

describe('parseEventDate', () => {
  it('reads an ISO timestamp as its written day', () => {
    const day = parseEventDate('2019-07-08')!;
    for (const s of ['2019-07-08T23:38:03Z', '2019-07-08T00:00', '2019-07-08T23:38:03.5+09:00']) {
      expect(parseEventDate(s)).toEqual(day);
    }
    expect(day.precision).toBe('day');
  });

  it('rejects impossible or malformed timestamps', () => {
    expect(parseEventDate('2019-02-30T10:00:00Z')).toBeNull();
    expect(parseEventDate('2019-07-08T25')).toBeNull();
    expect(parseEventDate('2019-07-08Tnoon')).toBeNull();
  });
});
