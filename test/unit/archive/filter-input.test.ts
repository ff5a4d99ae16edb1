import { describe, expect, it } from 'vitest';
import { recordFilter } from '../../../lambda/archive/filter.js';
import { isEmptyFilter, parseFilter } from '../../../lambda/archive/filter-input.js';

describe('parseFilter', () => {
  it('reads a bare day as that UTC day, and includes the --until day whole', () => {
    expect(parseFilter({ since: '2026-11-30', until: '2026-11-30' })).toEqual({
      since: Date.UTC(2026, 10, 30),
      until: Date.UTC(2026, 11, 1),
    });
  });

  it('reads times with a zone as instants, --until excluded', () => {
    expect(
      parseFilter({ since: '2026-11-30T08:00+01:00', until: '2026-11-30T08:00:30.5Z' }),
    ).toEqual({
      since: Date.UTC(2026, 10, 30, 7),
      until: Date.UTC(2026, 10, 30, 8, 0, 30, 500),
    });
  });

  it.each([
    ['2026-02-30', 'a day that does not exist'],
    ['2026-11-30T08:00', 'a time without a zone (it would depend on the machine)'],
    ['30/11/2026', 'another notation'],
    ['1', 'a number Date.parse would take'],
    ['', 'nothing'],
  ])('refuses --since %j (%s), naming the flag', (value) => {
    expect(() => parseFilter({ since: value })).toThrow(/^--since expects a date like 2026-11-30/);
  });

  it('takes sizes in the config units, and refuses others naming the flag', () => {
    expect(parseFilter({ larger: '1MB' })).toEqual({ larger: 1_000_000 });
    expect(parseFilter({ larger: '2 KiB' })).toEqual({ larger: 2048 });
    expect(() => parseFilter({ larger: '-1' })).toThrow('--larger expects a size');
    expect(() => parseFilter({ larger: '3 parsecs' })).toThrow('--larger expects a size');
  });

  it('names the field as the caller labels it (a query string has no --)', () => {
    expect(() => parseFilter({ until: 'soon' }, (field) => `"${field}"`)).toThrow(
      /^"until" expects a date/,
    );
  });

  it('refuses an empty text filter and an empty date range', () => {
    expect(() => parseFilter({ tag: '  ' })).toThrow('--tag needs a non-empty value');
    expect(() => parseFilter({ since: '2026-12-01', until: '2026-11-30' })).toThrow(
      '--since must be before --until',
    );
  });

  it('gives an empty filter for no flags, which keeps everything', () => {
    const filter = parseFilter({});
    expect(isEmptyFilter(filter)).toBe(true);
    expect(isEmptyFilter(parseFilter({ from: '*' }))).toBe(false);
    expect(recordFilter(filter)).toBeTypeOf('function');
  });
});
