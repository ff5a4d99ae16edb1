import type { Pop3Message } from '../../../lambda/cli/sandbox/pop3-server.js';

/** Small, distinct messages for the filter, search and show tests (CRLF, as RETR delivers). */
export interface Letter {
  readonly from: string;
  readonly to?: string;
  readonly cc?: string;
  readonly subject: string;
  /** RFC 5322 date. */
  readonly date: string;
  readonly body?: string;
  /** Full MIME part lines (Content-Type … and the body) instead of a plain body. */
  readonly mime?: readonly string[];
}

export const letter = (uidl: string, fields: Letter): Pop3Message => {
  const head = [
    `From: ${fields.from}`,
    `To: ${fields.to ?? 'Alice <alice@example.test>'}`,
    ...(fields.cc ? [`Cc: ${fields.cc}`] : []),
    `Subject: ${fields.subject}`,
    `Date: ${fields.date}`,
    `Message-ID: <${uidl}@mail.example>`,
    'MIME-Version: 1.0',
  ];
  const rest = fields.mime ?? [
    'Content-Type: text/plain; charset=utf-8',
    '',
    fields.body ?? `Hello from ${uidl}.`,
    '',
  ];
  return { uidl, data: Buffer.from([...head, ...rest].join('\r\n'), 'utf8') };
};

const base64Lines = (text: string): string[] =>
  Buffer.from(text, 'utf8')
    .toString('base64')
    .match(/.{1,76}/g) ?? [];

/** Five letters that the filters and the search tell apart. */
export const LETTERS: readonly Pop3Message[] = [
  letter('u1-invoice', {
    from: 'Billing <billing@shop.example>',
    subject: 'Invoice 2026-118',
    date: 'Sun, 01 Nov 2026 09:00:00 +0000',
    body: 'Please pay the attached invoice.',
  }),
  letter('u2-lunch', {
    from: 'Carol <carol@partner.example>',
    cc: 'Dave <dave@partner.example>',
    subject: 'Lunch on Friday?',
    date: 'Tue, 10 Nov 2026 12:30:00 +0100',
    body: 'The new place on Main Street serves pelmeni.',
  }),
  letter('u3-html', {
    from: 'News <news@lists.example.com>',
    to: 'Subscribers <list@lists.example.com>',
    subject: 'Weekly digest',
    date: 'Fri, 20 Nov 2026 06:00:00 +0000',
    mime: [
      'Content-Type: text/html; charset=utf-8',
      '',
      '<html><body><p>This week: the <b>zebra</b> crossing &amp; more.</p></body></html>',
      '',
    ],
  }),
  letter('u4-base64', {
    from: 'Bob <bob@example.org>',
    subject: 'Encoded',
    date: 'Wed, 25 Nov 2026 20:00:00 -0500',
    mime: [
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      ...base64Lines('Grüße: the word is marzipan.\n'),
      '--b1',
      'Content-Type: application/pdf; name="report.pdf"',
      'Content-Disposition: attachment; filename="report.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      ...base64Lines('%PDF-1.4 not really a pdf, but 52 bytes long ...'),
      '--b1--',
      '',
    ],
  }),
  letter('u5-big', {
    from: 'Carol <carol@partner.example>',
    subject: 'Photos',
    date: 'Thu, 26 Nov 2026 08:00:00 +0000',
    body: 'x'.repeat(20_000),
  }),
];

/** Rules that tag: `--tag` has something to find. */
export const TAGGING_RULES: unknown[] = [
  {
    name: 'invoices',
    when: { subject: { contains: 'invoice' } },
    // biome-ignore lint/suspicious/noThenProperty: the config file's field is called `then`
    then: [{ tag: 'invoice' }],
  },
];
