import { Readable } from 'node:stream';
import type { MessageMeta } from '../../../lambda/mail/message-meta.js';
import type { ForwardAction, ReplyAction, VacationAction } from '../../../lambda/rules/plan.js';

/** Originals and plan actions for composer tests, named by what makes them interesting. */

export const MAILBOX = 'alice@example.test';
export const NOW = new Date('2026-11-26T10:00:00Z');

export const metaFor = (overrides: Partial<MessageMeta> = {}): MessageMeta => ({
  uidl: 'UID-1',
  key: 'messages/UID-1.eml',
  size: 0,
  sha256: '0'.repeat(64),
  archivedAt: '2026-11-26T09:59:00Z',
  from: [{ name: 'Bob Sender', address: 'bob@sender.example' }],
  sender: null,
  replyTo: [],
  to: [{ name: 'Alice', address: MAILBOX }],
  cc: [],
  bcc: [],
  resent: [],
  returnPath: 'bob@sender.example',
  subject: 'Quarterly numbers',
  date: '2026-11-25T08:30:00.000Z',
  messageId: '<orig-1@sender.example>',
  inReplyTo: null,
  references: [],
  contentType: 'text/plain',
  headers: [],
  ...overrides,
});

export const forwardAction = (overrides: Partial<ForwardAction> = {}): ForwardAction => ({
  kind: 'forward',
  id: 'forward:0.0',
  rule: 'boss to phone',
  to: ['me@phone.example'],
  as: 'attachment',
  ...overrides,
});

export const replyAction = (overrides: Partial<ReplyAction> = {}): ReplyAction => ({
  kind: 'reply',
  id: 'reply:1.0',
  rule: 'thanks',
  to: 'bob@sender.example',
  subject: 'Re: Quarterly numbers',
  text: 'Thanks, got it.\n',
  ...overrides,
});

export const vacationAction = (overrides: Partial<VacationAction> = {}): VacationAction => ({
  kind: 'vacation',
  id: 'vacation',
  rule: null,
  to: 'bob@sender.example',
  sender: 'bob@sender.example',
  days: 7,
  subject: 'Out of office',
  text: 'I am away until January.\n',
  ...overrides,
});

const crlf = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'utf8');

/** Plain US-ASCII, a dot-leading line (SMTP dot-stuffing must undo itself). */
export const sevenBitOriginal = (): Buffer =>
  crlf([
    'Received: from mx.sender.example by mx.example.test; Wed, 25 Nov 2026 08:30:01 +0000',
    'From: Bob Sender <bob@sender.example>',
    'To: Alice <alice@example.test>',
    'Subject: Quarterly numbers',
    'Date: Wed, 25 Nov 2026 08:30:00 +0000',
    'Message-ID: <orig-1@sender.example>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'Numbers attached.',
    '.leading dot',
    '..two dots',
    '',
  ]);

/** UTF-8 body sent 8bit, plus Latin-1 bytes that are not valid UTF-8. */
export const eightBitOriginal = (): Buffer =>
  Buffer.concat([
    crlf([
      'From: Bob Sender <bob@sender.example>',
      'To: Alice <alice@example.test>',
      'Subject: =?utf-8?Q?Gr=C3=BC=C3=9Fe?=',
      'Date: Wed, 25 Nov 2026 08:30:00 +0000',
      'Message-ID: <orig-8@sender.example>',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      'Grüße aus Köln — 東京',
      '.dot line with ümlaut',
      '',
    ]),
    Buffer.from([0xe9, 0xe8, 0xff, 0x0d, 0x0a]),
  ]);

/** NUL bytes and a bare LF: no SMTP DATA keeps these. */
export const binaryOriginal = (): Buffer =>
  Buffer.concat([
    crlf([
      'From: Bob Sender <bob@sender.example>',
      'To: Alice <alice@example.test>',
      'Subject: binary junk',
      'Message-ID: <orig-bin@sender.example>',
      '',
      'before NUL',
    ]),
    Buffer.from([0x00, 0x01, 0x00, 0x0a, 0x41, 0x0d, 0x42, 0x0d, 0x0a]),
    Buffer.from('after\r\n'),
  ]);

/** multipart/alternative text + HTML, a PDF-ish attachment and an inline image with a cid. */
export const multipartOriginal = (attachment: Buffer = Buffer.from('%PDF-1.4 fake\n')): Buffer =>
  crlf([
    'From: Bob Sender <bob@sender.example>',
    'Reply-To: Bob Desk <desk@sender.example>',
    'To: Alice <alice@example.test>',
    'Subject: Report',
    'Date: Wed, 25 Nov 2026 08:30:00 +0000',
    'Message-ID: <orig-mp@sender.example>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="outer"',
    '',
    '--outer',
    'Content-Type: multipart/related; boundary="rel"',
    '',
    '--rel',
    'Content-Type: multipart/alternative; boundary="alt"',
    '',
    '--alt',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hello Alice, the report is attached.',
    '--alt',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<html><body><p>Hello <b>Alice</b>, the report is attached.</p><img src="cid:logo@sender"></body></html>',
    '--alt--',
    '--rel',
    'Content-Type: image/png',
    'Content-ID: <logo@sender>',
    'Content-Disposition: inline; filename="logo.png"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('PNGDATA').toString('base64'),
    '--rel--',
    '--outer',
    'Content-Type: application/pdf; name="report.pdf"',
    'Content-Disposition: attachment; filename="report.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    attachment.toString('base64').replace(/.{76}/g, '$&\r\n'),
    '--outer--',
    '',
  ]);

/** An archive opener over fixed bytes that counts how often it was opened. */
export const archiveOf = (bytes: Buffer) => {
  const opener = {
    opened: 0,
    open: async (): Promise<Readable> => {
      opener.opened += 1;
      return Readable.from([bytes.subarray(0, 7), bytes.subarray(7)]);
    },
  };
  return opener;
};
