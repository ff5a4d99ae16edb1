import { describe, expect, it } from 'vitest';
import { MAX_ADDRESSES_PER_FIELD } from '../../../lambda/mail/parse-address.js';
import { parseHeaderBlock } from '../../../lambda/mail/parse-headers.js';

/**
 * 64 KiB field values built to make a parser backtrack or nest without end: runs of the
 * characters each tokenizer and pattern treats specially. Every parse here must finish (a
 * quadratic or exponential path would hold the test past vitest's timeout) and give bounded,
 * well-formed output.
 */

const SIZE = 64 * 1024;

const PATTERNS: readonly string[] = [
  ' ',
  '\t',
  '(',
  ')',
  '"',
  '\\',
  '<',
  '>',
  '[',
  '@',
  'a@',
  ',',
  ':',
  ';',
  '=?',
  '=?utf-8?q?',
  '=?utf-8?B?QQ==?= ',
  '(a',
  '<a@b',
  '"a"@',
  'x.',
  '1 ',
  '1:',
  '+-',
  'Aug ',
  'Eastern ',
  '\u00e9',
];

const FIELDS = ['From', 'To', 'Cc', 'Date', 'Subject', 'Content-Type', 'Message-ID', 'Return-Path'];

const fill = (pattern: string): string =>
  pattern.repeat(Math.ceil(SIZE / pattern.length)).slice(0, SIZE);

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/;

describe('parseHeaderBlock: hostile 64 KiB values', () => {
  it.each(PATTERNS.map((pattern) => [pattern]))(
    'reads every field filled with %j and stays bounded',
    (pattern) => {
      // Prepare: one block with every field filled, a Big5 declaration to exercise decoding
      const value = fill(pattern);
      const block = Buffer.from(
        `${FIELDS.map((field) => `${field}: ${value}`).join('\r\n')}\r\nContent-Type: text/plain; charset=big5\r\n\r\n`,
        'latin1',
      );

      // Act
      const parsed = parseHeaderBlock(block);

      // Assess
      expect(parsed.parseError).toBeUndefined();
      expect(parsed.from.length).toBeLessThanOrEqual(MAX_ADDRESSES_PER_FIELD);
      expect(parsed.to.length).toBeLessThanOrEqual(MAX_ADDRESSES_PER_FIELD);
      if (parsed.date !== null) expect(parsed.date).toMatch(ISO);
      expect(parsed.subject.length).toBeLessThanOrEqual(SIZE);
      expect(parsed.headers).toHaveLength(FIELDS.length + 1);
    },
  );

  it('folds a 64 KiB value over 8,000 continuation lines and still reads the next field', () => {
    // Prepare
    const folded = Array.from({ length: 8000 }, () => ' (a').join('\r\n');
    const block = Buffer.from(`To: x@y.example${folded}\r\nSubject: after\r\n\r\n`);

    // Act
    const parsed = parseHeaderBlock(block);

    // Assess
    expect(parsed.to).toEqual([{ name: expect.stringMatching(/^a/), address: 'x@y.example' }]);
    expect(parsed.subject).toBe('after');
  });

  it('reads the first 500 of 20,000 addresses in one To', () => {
    // Prepare
    const list = Array.from({ length: 20_000 }, (_, index) => `u${index}@x.example`).join(',');

    // Act
    const parsed = parseHeaderBlock(Buffer.from(`To: ${list}\r\n\r\n`));

    // Assess
    expect(parsed.to).toHaveLength(MAX_ADDRESSES_PER_FIELD);
    expect(parsed.to.at(-1)).toEqual({ name: '', address: 'u499@x.example' });
  });
});
