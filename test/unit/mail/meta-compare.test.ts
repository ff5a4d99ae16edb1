import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareMessage } from '../../../scripts/meta-compare/compare.js';
import type { PythonResult } from '../../../scripts/meta-compare/fields.js';

/**
 * The judging half of `npm run meta:compare`, without Python: each Python result below is what
 * scripts/meta-compare/python_meta.py printed for the fixture (Python 3.11, policy=default).
 */

const fixture = (name: string): Buffer =>
  readFileSync(new URL(`../../fixtures/meta/${name}.eml`, import.meta.url));

const python = (overrides: Partial<PythonResult>): PythonResult => ({
  file: 'f',
  errors: [],
  from: [],
  to: [],
  cc: [],
  subject: null,
  date: null,
  naive: false,
  message_id: null,
  ...overrides,
});

describe('compareMessage', () => {
  it('counts a field both parsers read alike as agreed', () => {
    // Act
    const { agreed, disagreements } = compareMessage(
      'fixtures',
      'f',
      fixture('address-spaces-in-angle'),
      python({
        from: [{ name: '', address: 'zonepost11@freemail.hu' }],
        to: [{ name: '', address: '"Undisclosed Recipients"@netnoteinc.com' }],
        subject: 'The Stock has "wow" factor',
        date: '2000-12-16T13:27:20.000Z',
        message_id: '<000018e94cd4$0000220a$000063aa@>',
      }),
    );

    // Assess
    expect(agreed).toEqual(['from', 'to', 'cc', 'subject', 'date', 'messageId']);
    expect(disagreements).toEqual([]);
  });

  it.each([
    [
      'a Y2K year Python dates in the year 102',
      'date-year-0102',
      { date: '0102-08-22T04:07:35.000Z' },
      'date',
      'popfwd',
      'date-y2k-year',
    ],
    [
      'a PM Python ignores',
      'date-pm',
      { date: '2001-06-28T10:05:15.000Z', naive: true },
      'date',
      'popfwd',
      'date-am-pm',
    ],
    [
      'raw EUC-KR Python turns into U+FFFD',
      '8bit-korean-declared',
      { subject: '[\ufffd\ufffd\ufffd\ufffd] \ufffd\ufffd\ufffd\ufffd Best 5' },
      'subject',
      'popfwd',
      '8bit-header',
    ],
    [
      'a comment popfwd shows as the name',
      'address-comment-name',
      { from: [{ name: '', address: 'harley@argote.ch' }] },
      'from',
      'both',
      'comment-as-name',
    ],
  ])('judges %s', (_, name, result, field, verdict, rule) => {
    // Act
    const { disagreements } = compareMessage('fixtures', name, fixture(name), python(result));

    // Assess
    const found = disagreements.find((entry) => entry.field === field);
    expect(found).toMatchObject({ verdict, rule });
  });
});

describe('compareMessage: what makes Python right', () => {
  it('judges a date popfwd misses and Python reads as Python right', () => {
    // Prepare: a message whose Date popfwd cannot read, beside a Python that could
    const bytes = Buffer.from('Date: sometime in August\r\nSubject: s\r\n\r\n');

    // Act
    const { disagreements } = compareMessage(
      'x',
      'f',
      bytes,
      python({ subject: 's', date: '2002-08-06T00:00:00.000Z' }),
    );

    // Assess
    expect(disagreements).toEqual([
      expect.objectContaining({ field: 'date', verdict: 'python', rule: 'date-missed' }),
    ]);
  });

  it('leaves a disagreement no rule explains unclassified', () => {
    // Act
    const { disagreements } = compareMessage(
      'x',
      'f',
      Buffer.from('Subject: one\r\n\r\n'),
      python({ subject: 'two' }),
    );

    // Assess
    expect(disagreements).toEqual([
      expect.objectContaining({ field: 'subject', verdict: 'unclassified', rule: '' }),
    ]);
  });
});
