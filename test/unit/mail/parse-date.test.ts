import { describe, expect, it } from 'vitest';
import { MAX_DATE_CHARS, parseMailDate } from '../../../lambda/mail/parse-date.js';
import { parseHeaderBlock } from '../../../lambda/mail/parse-headers.js';
import { zoneOffset } from '../../../lambda/mail/time-zones.js';
import { SeededRandom } from '../../helpers/mail/seeded-random.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/;

type Case = readonly [value: string, iso: string | null];

const table = (title: string, cases: readonly Case[]) =>
  describe(title, () => {
    it.each(cases)('reads %j as %j', (value, iso) => {
      expect(parseMailDate(value)).toBe(iso);
    });
  });

table('parseMailDate: RFC 5322', [
  ['Thu, 26 Nov 2026 10:58:00 +0100', '2026-11-26T09:58:00.000Z'],
  ['Thu, 26 Nov 2026 10:58:00 -0000', '2026-11-26T10:58:00.000Z'],
  ['Thu, 26 Nov 2026 10:58 +0530', '2026-11-26T05:28:00.000Z'],
  ['Thu, 31 Dec 2026 23:59:60 +0000', '2027-01-01T00:00:00.000Z'],
  ['Sat, 29 Feb 2020 12:00:00 +0000', '2020-02-29T12:00:00.000Z'],
]);

table('parseMailDate: obsolete zones (RFC 5322 §4.3)', [
  ['Tue, 6 Aug 2002 11:48:09 EST', '2002-08-06T16:48:09.000Z'],
  ['Tue, 6 Aug 2002 11:48:09 EDT', '2002-08-06T15:48:09.000Z'],
  ['Tue, 6 Aug 2002 11:48:09 CST', '2002-08-06T17:48:09.000Z'],
  ['Tue, 6 Aug 2002 11:48:09 MDT', '2002-08-06T17:48:09.000Z'],
  ['Tue, 6 Aug 2002 11:48:09 PDT', '2002-08-06T18:48:09.000Z'],
  ['Tue, 6 Aug 2002 11:48:09 UT', '2002-08-06T11:48:09.000Z'],
  ['Tue, 6 Aug 2002 11:48:09 GMT', '2002-08-06T11:48:09.000Z'],
  ['Tue, 6 Aug 2002 11:48:09 Z', '2002-08-06T11:48:09.000Z'],
  // military letters other than Z had their signs backwards in RFC 822: read as -0000
  ['Tue, 6 Aug 2002 11:48:09 A', '2002-08-06T11:48:09.000Z'],
  ['Tue, 6 Aug 2002 11:48:09 m', '2002-08-06T11:48:09.000Z'],
  ['Tue, 6 Aug 2002 11:48:09 CEST', '2002-08-06T09:48:09.000Z'],
]);

table('parseMailDate: Windows zone names', [
  ['Fri, 30 Aug 02 21:48:08 Eastern Daylight Time', '2002-08-31T01:48:08.000Z'],
  ['Fri, 30 Jan 02 21:48:08 Eastern Standard Time', '2002-01-31T02:48:08.000Z'],
  ['Sat, 21 Sep 02 05:01:06 W. Europe Standard Time', '2002-09-21T04:01:06.000Z'],
  ['Sat, 21 Sep 02 05:01:06 W. Europe Daylight Time', '2002-09-21T03:01:06.000Z'],
  ['Tue, 28 May 02 01:25:09 GMT Daylight Time', '2002-05-28T00:25:09.000Z'],
  ['Mon, 22 Jul 2002 12:37:15 US Mountain Standard Time', '2002-07-22T19:37:15.000Z'],
  ['Mon, 22 Jul 2002 12:37:15 india standard  time', '2002-07-22T07:07:15.000Z'],
  ['Mon, 22 Jul 2002 12:37:15 AUS Eastern Standard Time', '2002-07-22T02:37:15.000Z'],
  ['Mon, 22 Jul 2002 12:37:15 Central Standard Time (Mexico)', '2002-07-22T18:37:15.000Z'],
  ['Mon, 22 Jul 2002 12:37:15 Lord Howe Daylight Time', '2002-07-22T01:37:15.000Z'],
  ['Mon, 22 Jul 2002 12:37:15 Coordinated Universal Time', '2002-07-22T12:37:15.000Z'],
]);

table('parseMailDate: broken offsets', [
  // a "+" printed before a negative number
  ['Thu, 29 Aug 2002 15:36:58 +-0500', '2002-08-29T20:36:58.000Z'],
  ['Sat, 8 Jun 2002 1:5:13 +-0500', '2002-06-08T06:05:13.000Z'],
  // unsigned offsets
  ['Fri, 02 Aug 2002 23:37:59 0530', '2002-08-02T18:07:59.000Z'],
  ['Fri, 02 Aug 2002 23:37:59 0100', '2002-08-02T22:37:59.000Z'],
  ['Fri, 23 Aug 2002 22:46:34 GMT+1', '2002-08-23T21:46:34.000Z'],
  ['Fri, 23 Aug 2002 22:46:34 UTC-05:00', '2002-08-24T03:46:34.000Z'],
  ['Fri, 23 Aug 2002 22:46:34 +05:30', '2002-08-23T17:16:34.000Z'],
  // a signed offset past ±14:00 is taken as written, as every other parser does
  ['Thu, 22 Aug 2002 16:44:26 -1900', '2002-08-23T11:44:26.000Z'],
  // five digits are no zone: UTC
  ['Sun, 25 Aug 2002 19:21:44 01800', '2002-08-25T19:21:44.000Z'],
  // a numeric offset wins over a name
  ['Tue, 6 Aug 2002 11:48:09 +0100 EST', '2002-08-06T10:48:09.000Z'],
  ['Tue, 6 Aug 2002 11:48:09 GMT +0100', '2002-08-06T10:48:09.000Z'],
  // glued to the time
  ['Tue, 6 Aug 2002 11:48:09+0100', '2002-08-06T10:48:09.000Z'],
  ['Tue, 6 Aug 2002 11:48:09GMT', '2002-08-06T11:48:09.000Z'],
  // unknown names and none at all are UTC (RFC 5322 "-0000")
  ['Tue, 6 Aug 2002 11:48:09 IST', '2002-08-06T11:48:09.000Z'],
  ['Tue, 6 Aug 2002 11:48:09 Mars Standard Time', '2002-08-06T11:48:09.000Z'],
  ['Tue, 6 Aug 2002 11:48:09', '2002-08-06T11:48:09.000Z'],
]);

table('parseMailDate: a valid date followed by junk', [
  ['Fri, 19 Jul 2002 09:42:07 -0400    AWL version=2.40', '2002-07-19T13:42:07.000Z'],
  ['Thu, 18 Jul 2002 21:16:12    version=2.40', '2002-07-18T21:16:12.000Z'],
  [
    'Thu, 18 Jul 2002 14:57:14 +-0800    MSG_ID_ADDED_BY_MTA_3,MISSING_MIMEOLE',
    '2002-07-18T22:57:14.000Z',
  ],
  ['Tue, 06 Aug 2002 11:48:09 -0500 (EST) 17 Sep 1999 10:00', '2002-08-06T16:48:09.000Z'],
]);

table('parseMailDate: AM and PM', [
  ['28 Jun 01 10:05:15 PM', '2001-06-28T22:05:15.000Z'],
  ['03 Jul 01 12:47:50 AM', '2001-07-03T00:47:50.000Z'],
  ['03 Jul 01 12:47:50 PM', '2001-07-03T12:47:50.000Z'],
  ['03 Jul 01 4:12:06 pm', '2001-07-03T16:12:06.000Z'],
  ['Tue, 06 Aug 2002 06:50:21 PM -0400', '2002-08-06T22:50:21.000Z'],
  ['Tue, 06 Aug 2002 06:50pm -0400', '2002-08-06T22:50:00.000Z'],
  ['Tue, 06 Aug 2002 06:50 p.m. +0000', '2002-08-06T18:50:00.000Z'],
]);

table('parseMailDate: years (RFC 5322 §4.3)', [
  ['Tue, 6 Aug 02 11:48:09 +0000', '2002-08-06T11:48:09.000Z'],
  ['Tue, 6 Aug 49 11:48:09 +0000', '2049-08-06T11:48:09.000Z'],
  ['Tue, 6 Aug 50 11:48:09 +0000', '1950-08-06T11:48:09.000Z'],
  ['Tue, 6 Aug 99 11:48:09 +0000', '1999-08-06T11:48:09.000Z'],
  ['Tue, 6 Aug 102 11:48:09 +0000', '2002-08-06T11:48:09.000Z'],
  // the same Y2K bug with a leading zero
  ['Thu, 22 Aug 0102 12:07:35 +0800', '2002-08-22T04:07:35.000Z'],
]);

table('parseMailDate: the ways mailers lay a date out', [
  ['6 Aug 2002 11:48:09 +0100', '2002-08-06T10:48:09.000Z'],
  // the weekday is never checked: 6 August 2002 was a Tuesday
  ['Mon, 6 Aug 2002 11:48:09 +0100', '2002-08-06T10:48:09.000Z'],
  ['Tuesday, 6 August 2002 11:48:09 +0100', '2002-08-06T10:48:09.000Z'],
  ['Tue,  6  Aug  2002  11.48.09  +0100', '2002-08-06T10:48:09.000Z'],
  ['Tue., 6 Aug. 2002 11:48:09 +0100', '2002-08-06T10:48:09.000Z'],
  ['Tue,6 Aug 2002 11:48:09 +0100', '2002-08-06T10:48:09.000Z'],
  ['6 Sept 2002 11:48:09 +0100', '2002-09-06T10:48:09.000Z'],
  ['6-Aug-2002 11:48 +0100', '2002-08-06T10:48:00.000Z'],
  ['Tue Aug  6 11:48:09 2002', '2002-08-06T11:48:09.000Z'],
  ['Tue Aug 6 11:48:09 EDT 2002', '2002-08-06T15:48:09.000Z'],
  ['Tue, 6 Aug 2002 11:48:09.123 +0100', '2002-08-06T10:48:09.000Z'],
  ['6 Aug 2002', '2002-08-06T00:00:00.000Z'],
]);

table('parseMailDate: comments', [
  ['Tue, 6 Aug 2002 11:48:09 -0400 (EDT)', '2002-08-06T15:48:09.000Z'],
  ['(sent from my phone) Tue, 6 Aug 2002 11:48:09 +0000', '2002-08-06T11:48:09.000Z'],
  ['Tue, 6 Aug 2002 11:48:09 (Eastern Daylight Time)', '2002-08-06T15:48:09.000Z'],
  ['Tue, 6 Aug 2002 11:48:09 (EDT)', '2002-08-06T15:48:09.000Z'],
  ['Tue, 6 Aug 2002 (a (nested) comment) 11:48:09 +0000', '2002-08-06T11:48:09.000Z'],
  ['Tue, 6 Aug 2002 11:48:09 +0000 (unterminated', '2002-08-06T11:48:09.000Z'],
]);

table('parseMailDate: not a date', [
  ['', null],
  ['not a date', null],
  ['not a date 2', null],
  ['31 Feb 2002 10:00 +0000', null],
  ['29 Feb 2021 10:00 +0000', null],
  ['32 Aug 2002 10:00 +0000', null],
  ['6 Foo 2002 10:00 +0000', null],
  ['6 Aug 2002 25:00 +0000', null],
  ['6 Aug 2002 10:61 +0000', null],
  ['6 Aug 12002 10:00 +0000', null],
  ['06/08/2002 10:00', null],
  ['2002-08-06T10:00:00Z', null],
  ['(Tue, 6 Aug 2002 11:48:09 +0000)', null],
]);

describe('parseMailDate: bounds', () => {
  it('reads only the first MAX_DATE_CHARS characters', () => {
    // Prepare: the date starts after a long run of spaces
    const late = `${' '.repeat(MAX_DATE_CHARS)}Tue, 6 Aug 2002 11:48:09 +0000`;

    // Act
    const parsed = parseMailDate(late);

    // Assess
    expect(parsed).toBeNull();
    expect(parseMailDate(`Tue, 6 Aug 2002 11:48:09 +0000${'x'.repeat(100_000)}`)).toBe(
      '2002-08-06T11:48:09.000Z',
    );
  });

  it('returns an ISO date or null, never throws, for 5,000 random date-like strings', () => {
    // Prepare
    const random = new SeededRandom(13);
    const parts = ['Tue,', '6', 'Aug', '2002', '11:48:09', '+0100', '-', '+', '(', ')', 'PM'];
    const parts2 = ['Eastern', 'Daylight', 'Time', '0530', '99', '31', 'x', ':', '.', ',', '\t'];
    const inputs = Array.from({ length: 5000 }, () =>
      Array.from({ length: random.int(0, 12) }, () => random.pick([...parts, ...parts2])).join(
        random.pick([' ', '', '  ']),
      ),
    );

    // Act
    const results = inputs.map((input) => parseMailDate(input));

    // Assess
    for (const result of results) if (result !== null) expect(result).toMatch(ISO);
    expect(results.filter((result) => result !== null).length).toBeGreaterThan(0);
  });
});

describe('zoneOffset', () => {
  it.each([
    ['EDT', -240],
    ['edt', -240],
    ['Eastern Daylight Time', -240],
    ['eastern  daylight time', -240],
    ['W. Europe Standard Time', 60],
    ['Nepal Standard Time', 345],
    ['Q', 0],
    ['J', undefined],
    ['toString', undefined],
    ['__proto__', undefined],
    ['Mars Standard Time', undefined],
  ])('knows %j as %j minutes', (name, minutes) => {
    expect(zoneOffset(name)).toBe(minutes);
  });
});

describe('parseHeaderBlock: Date', () => {
  it('reads a date whose field goes on with a junk continuation line', () => {
    // Prepare
    const block = Buffer.from(
      'Subject: x\r\nDate: Thu, 18 Jul 2002 14:57:14 +-0800\r\n    MSG_ID_ADDED_BY_MTA_3,AWL version=2.40\r\n\r\n',
    );

    // Act
    const parsed = parseHeaderBlock(block);

    // Assess
    expect(parsed.date).toBe('2002-07-18T22:57:14.000Z');
  });

  it('reads the first Date field when a message has two', () => {
    const parsed = parseHeaderBlock(
      Buffer.from('Date: 6 Aug 2002 10:00 +0000\r\nDate: 7 Aug 2002 10:00 +0000\r\n\r\n'),
    );

    expect(parsed.date).toBe('2002-08-06T10:00:00.000Z');
  });
});
