/** Malformed header fields: missing, duplicate, huge and odd. */
import { bytes, type HostileCase, headers, join, mail, repeat } from './build.js';

const BODY = 'body\r\n';

/** Standard headers minus one field. */
const without = (name: string, field: string): Buffer => {
  const kept = headers(name)
    .split('\r\n')
    .filter((line) => !line.startsWith(`${field}:`));
  return join(kept.join('\r\n'), '\r\n', BODY);
};

export const HEADER_CASES: readonly HostileCase[] = [
  ['missing-date', 'no Date field', () => without('missing-date', 'Date')],
  ['missing-message-id', 'no Message-ID field', () => without('missing-message-id', 'Message-ID')],
  ['missing-from', 'no From field', () => without('missing-from', 'From')],
  [
    'missing-from-date-message-id',
    'no From, Date or Message-ID',
    () =>
      bytes(
        'To: alice@example.test\r\nSubject: hostile missing-from-date-message-id\r\n\r\nbody\r\n',
      ),
  ],
  [
    'duplicate-message-id-a',
    'same Message-ID as duplicate-message-id-b',
    () =>
      join(
        headers('x').replace('<x@hostile.example.net>', '<dup@hostile.example.net>'),
        '\r\nfirst\r\n',
      ),
  ],
  [
    'duplicate-message-id-b',
    'same Message-ID as duplicate-message-id-a, different body',
    () =>
      join(
        headers('x').replace('<x@hostile.example.net>', '<dup@hostile.example.net>'),
        '\r\nsecond\r\n',
      ),
  ],
  [
    'duplicate-from',
    'two From fields',
    () => mail('duplicate-from', BODY, ['From: Eve <eve@example.org>']),
  ],
  [
    'duplicate-subject',
    'two Subject fields',
    () => mail('duplicate-subject', BODY, ['Subject: second subject']),
  ],
  [
    'thousand-header-fields',
    '1,000 header fields',
    () =>
      mail(
        'thousand-header-fields',
        BODY,
        Array.from({ length: 1_000 }, (_, i) => `X-Field-${i}: value ${i}`),
      ),
  ],
  [
    'twenty-thousand-received',
    '20,000 Received fields (a 2 MB header block)',
    () =>
      mail(
        'twenty-thousand-received',
        BODY,
        Array.from(
          { length: 20_000 },
          (_, i) =>
            `Received: from hop${i}.example.net by hop${i + 1}.example.net; Thu, 26 Nov 2026 10:00:00 +0000`,
        ),
      ),
  ],
  [
    'subject-100kb',
    'an unfolded 100 KB Subject',
    () =>
      join(
        headers('subject-100kb').replace(
          'Subject: hostile subject-100kb',
          `Subject: ${repeat('s', 100_000)}`,
        ),
        '\r\n',
        BODY,
      ),
  ],
  [
    'deeply-folded-header',
    'one header folded over 10,000 continuation lines',
    () =>
      mail('deeply-folded-header', BODY, [`X-Folded: start${repeat('\r\n continued', 10_000)}`]),
  ],
  [
    'header-name-with-space',
    'a field name containing a space',
    () => mail('header-name-with-space', BODY, ['Bad Name: value']),
  ],
  [
    'header-without-value',
    'fields with empty values',
    () => mail('header-without-value', BODY, ['Cc:', 'Reply-To:']),
  ],
  [
    'header-empty-name',
    'a line ": value" with an empty field name',
    () => mail('header-empty-name', BODY, [': value']),
  ],
  [
    'header-continuation-first',
    'the first line is a continuation line',
    () => join(' continued\r\n', headers('header-continuation-first'), '\r\n', BODY),
  ],
  [
    'date-unparseable',
    'Date: yesterday at noon',
    () =>
      join(
        headers('date-unparseable').replace(/Date: .*\r\n/, 'Date: yesterday at noon\r\n'),
        '\r\n',
        BODY,
      ),
  ],
  [
    'date-extreme',
    'Date in year 9999 with an impossible zone',
    () =>
      join(
        headers('date-extreme').replace(
          /Date: .*\r\n/,
          'Date: Fri, 31 Dec 9999 25:61:61 +9999\r\n',
        ),
        '\r\n',
        BODY,
      ),
  ],
  [
    'message-id-no-brackets',
    'a Message-ID without angle brackets',
    () =>
      join(
        headers('x').replace('<x@hostile.example.net>', 'bare-id@hostile.example.net'),
        '\r\n',
        BODY,
      ),
  ],
  [
    'message-id-10kb',
    'a 10 KB Message-ID',
    () =>
      join(
        headers('x').replace(
          '<x@hostile.example.net>',
          `<${repeat('m', 10_000)}@hostile.example.net>`,
        ),
        '\r\n',
        BODY,
      ),
  ],
  [
    'from-group-empty',
    'From is an empty group',
    () =>
      join(
        headers('from-group-empty').replace(/From: .*\r\n/, 'From: undisclosed-recipients:;\r\n'),
        '\r\n',
        BODY,
      ),
  ],
  [
    'from-empty',
    'From with no address',
    () => join(headers('from-empty').replace(/From: .*\r\n/, 'From: \r\n'), '\r\n', BODY),
  ],
  [
    'from-many-addresses',
    'From with 500 addresses',
    () =>
      join(
        headers('from-many-addresses').replace(
          /From: .*\r\n/,
          `From: ${Array.from({ length: 500 }, (_, i) => `u${i}@example.org`).join(', ')}\r\n`,
        ),
        '\r\n',
        BODY,
      ),
  ],
  [
    'from-nested-comments',
    'an address with 1,000 nested comments',
    () =>
      join(
        headers('from-nested-comments').replace(
          /From: .*\r\n/,
          `From: ${repeat('(', 1_000)}c${repeat(')', 1_000)} m@example.net\r\n`,
        ),
        '\r\n',
        BODY,
      ),
  ],
  [
    'from-unterminated-quote',
    'a display name with an unterminated quote',
    () =>
      join(
        headers('from-unterminated-quote').replace(
          /From: .*\r\n/,
          'From: "Mallory <m@example.net>\r\n',
        ),
        '\r\n',
        BODY,
      ),
  ],
  [
    'from-unterminated-angle',
    'an address with an unterminated angle bracket',
    () =>
      join(
        headers('from-unterminated-angle').replace(
          /From: .*\r\n/,
          'From: Mallory <m@example.net\r\n',
        ),
        '\r\n',
        BODY,
      ),
  ],
  [
    'from-is-owner',
    'From is the mailbox owner (auto-reply loop bait)',
    () =>
      join(
        headers('from-is-owner').replace(/From: .*\r\n/, 'From: Alice <alice@example.test>\r\n'),
        '\r\n',
        BODY,
      ),
  ],
  [
    'return-path-null',
    'a null envelope sender <>',
    () => mail('return-path-null', BODY, ['Return-Path: <>']),
  ],
  [
    'references-10000',
    'References with 10,000 message ids',
    () =>
      mail('references-10000', BODY, [
        `References: ${Array.from({ length: 10_000 }, (_, i) => `<r${i}@example.org>`).join('\r\n ')}`,
      ]),
  ],
  [
    'in-reply-to-garbage',
    'In-Reply-To that is not a message id',
    () => mail('in-reply-to-garbage', BODY, ['In-Reply-To: ;;; <<>> (((']),
  ],
  [
    'auto-submitted-odd',
    'Auto-Submitted with an unknown value and comments',
    () =>
      mail('auto-submitted-odd', BODY, [
        'Auto-Submitted: No (really)',
        'Precedence: junk',
        'X-Loop: alice@example.test',
      ]),
  ],
  [
    'mbox-from-line',
    'an mbox "From " separator line before the headers',
    () =>
      join(
        'From mallory@example.net Thu Nov 26 10:00:00 2026\r\n',
        mail('mbox-from-line', '>From the body\r\nFrom the body\r\n'),
      ),
  ],
];
