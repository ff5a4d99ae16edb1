import { describe, expect, it } from 'vitest';
import { parseFilter, parsePage, parseSearchText } from '../../../../lambda/archive/serve/query.js';

const params = (query: string) => new URLSearchParams(query);

describe('parseFilter', () => {
  it('reads every filter of archive list, dates as epoch ms or ISO, sizes with units', () => {
    expect(
      parseFilter(
        params(
          'from=*@shop.example&to=me@*&subject=%20receipt%20&tag=bills&since=1700000000000&until=2026-01-01&larger=1.5MB',
        ),
      ),
    ).toEqual({
      from: '*@shop.example',
      to: 'me@*',
      subject: 'receipt',
      tag: 'bills',
      since: 1_700_000_000_000,
      until: Date.parse('2026-01-01'),
      larger: 1_500_000,
    });
  });

  it('leaves out what is empty', () => {
    expect(parseFilter(params('from=&subject=%20%20&tag'))).toEqual({});
  });

  it.each([
    ['since=soon', 'since: not a date: soon'],
    ['larger=big', 'larger: not a size: big'],
    [`from=${'a'.repeat(201)}`, 'from: at most 200 characters'],
  ])('refuses %s', (query, message) => {
    expect(() => parseFilter(params(query))).toThrow(message);
  });
});

describe('parsePage and parseSearchText', () => {
  it('pages 100 rows from the start unless told, at most 500', () => {
    expect(parsePage(params(''))).toEqual({ offset: 0, limit: 100 });
    expect(parsePage(params('offset=200&limit=500'))).toEqual({ offset: 200, limit: 500 });
    expect(() => parsePage(params('limit=501'))).toThrow('limit: a whole number from 0 to 500');
    expect(() => parsePage(params('offset=1e3'))).toThrow('offset');
  });

  it('needs words to search for', () => {
    expect(parseSearchText(params('q=%20landlord%20'))).toBe('landlord');
    expect(() => parseSearchText(params('q='))).toThrow('q: what to search for');
  });
});
