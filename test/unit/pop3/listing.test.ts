import { describe, expect, it } from 'vitest';
import {
  describeRejected,
  parseListLines,
  parseUidlLines,
  type RawLine,
} from '../../../lambda/pop3/listing.js';

const raw = (text: string | Buffer, length?: number): RawLine => {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'latin1');
  return { bytes, length: length ?? bytes.length };
};

describe('parseUidlLines', () => {
  it('reads "n unique-id" lines, tabs and trailing blanks included', () => {
    const listing = parseUidlLines([raw('1 abc'), raw('2\tUID9-123  '), raw('10 !~')]);

    expect(listing).toEqual({
      entries: [
        { n: 1, uidl: 'abc' },
        { n: 2, uidl: 'UID9-123' },
        { n: 10, uidl: '!~' },
      ],
      rejected: [],
    });
  });

  it('rejects only the bad lines, saying which line, which message and what is wrong', () => {
    const listing = parseUidlLines([
      raw('1 good'),
      raw(`2 ${'u'.repeat(8190)}`, 10_002),
      raw(Buffer.from('3 ünï', 'utf8')),
      raw(`4 ${'v'.repeat(513)}`),
      raw('garbage'),
      raw('6 two words'),
      raw('0 zero'),
      raw('7 fine'),
    ]);

    expect(listing.entries).toEqual([
      { n: 1, uidl: 'good' },
      { n: 7, uidl: 'fine' },
    ]);
    expect(listing.rejected.map(({ line, n }) => [line, n])).toEqual([
      [2, 2],
      [3, 3],
      [4, 4],
      [5, null],
      [6, 6],
      [7, null],
    ]);
    expect(listing.rejected[0]?.reason).toMatch(/^the line is 10002 bytes long: "2 uuu/);
    expect(listing.rejected[1]?.reason).toBe(
      'the unique-id has bytes outside 0x21–0x7E (RFC 1939 §7): "3 \\xc3\\xbcn\\xc3\\xaf"',
    );
    expect(listing.rejected[2]?.reason).toMatch(/unique-id is 513 characters long/);
  });

  it('accepts unique-ids longer than RFC 1939 allows, up to 512 characters', () => {
    expect(parseUidlLines([raw(`1 ${'x'.repeat(512)}`)]).entries).toHaveLength(1);
  });

  it('shows control characters of a bad line escaped', () => {
    const { rejected } = parseUidlLines([raw('1 evil\x1b[2J\x07')]);

    expect(rejected[0]?.reason).toContain('"1 evil\\x1b[2J\\x07"');
    expect(describeRejected('UIDL', rejected)).not.toMatch(/[\x00-\x1f]/);
  });
});

describe('parseListLines', () => {
  it('reads sizes and leaves out lines it cannot read', () => {
    const listing = parseListLines([raw('1 120'), raw('2 many'), raw('3 300 extra')]);

    expect([...listing.sizes]).toEqual([
      [1, 120],
      [3, 300],
    ]);
    expect(listing.rejected).toEqual([
      { line: 2, n: 2, reason: 'not "<message number> <size>": "2 many"' },
    ]);
  });
});

describe('describeRejected', () => {
  it('names the first three lines and counts the rest', () => {
    const rejected = parseUidlLines(['a', 'b', 'c', 'd', 'e'].map((text) => raw(text))).rejected;

    expect(describeRejected('UIDL', rejected)).toBe(
      `the server's UIDL listing has 5 line(s) popfwd cannot use — line 1: not "<message number> <unique-id>": "a"; line 2: not "<message number> <unique-id>": "b"; line 3: not "<message number> <unique-id>": "c"; and 2 more`,
    );
  });
});
