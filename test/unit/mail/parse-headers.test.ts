import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HEADER_CAPTURE_LIMIT } from '../../../lambda/engine/message-tap.js';
import {
  HEADER_LIMITS,
  headerBlockLength,
  parseHeaderBlock,
} from '../../../lambda/mail/parse-headers.js';

const fixture = (name: string): Buffer =>
  readFileSync(new URL(`../../fixtures/mail/${name}`, import.meta.url));

const crlf = (...lines: string[]): Buffer => Buffer.from(`${lines.join('\r\n')}\r\n\r\nbody\r\n`);

describe('parseHeaderBlock: real-world headers', () => {
  it('parses a Thunderbird message with encoded words, folding and threading', () => {
    // Act
    const parsed = parseHeaderBlock(fixture('personal-reply.eml'));

    // Assess
    expect(parsed).toMatchObject({
      from: [{ name: 'Carol Müller', address: 'carol@partner.example' }],
      sender: null,
      replyTo: [],
      to: [{ name: 'Alice Example', address: 'alice@example.test' }],
      cc: [{ name: 'Bob, Jr.', address: 'bob@example.test' }],
      bcc: [],
      resent: [],
      returnPath: 'carol@partner.example',
      subject: 'Angebot für Dezember',
      date: '2026-11-26T09:58:00.000Z',
      messageId: '<a1b2c3d4-e5f6@mail.partner.example>',
      inReplyTo: '<prev-123@example.test>',
      references: ['<first-001@example.test>', '<prev-123@example.test>'],
      contentType: 'text/plain',
    });
    expect(parsed.parseError).toBeUndefined();
    expect(parsed.headers).toHaveLength(18);
    expect(parsed.headers[1]).toEqual({
      name: 'received',
      value:
        'from mx.partner.example (mx.partner.example [198.51.100.7]) by mx.outlook.example with ESMTPS id 4b2a1c for <alice@example.test>; Thu, 26 Nov 2026 09:58:12 +0000',
    });
  });

  it('joins adjacent encoded words and decodes ISO-2022-JP and windows-1252', () => {
    const parsed = parseHeaderBlock(
      crlf(
        'Subject: =?UTF-8?B?SGVsbG8g?=',
        ' =?UTF-8?B?V29ybGQ=?= and =?iso-2022-jp?B?GyRCJEgbKEI=?= =?windows-1252?Q?=80uro?=',
      ),
    );

    expect(parsed.subject).toBe('Hello World and と€uro');
  });

  it('reads groups, several To fields, Resent-* and Sender', () => {
    const parsed = parseHeaderBlock(
      crlf(
        'From: a@x.example, "B, the second" <b@x.example>',
        'Sender: Secretary <sec@x.example>',
        'To: undisclosed-recipients:;',
        'To: Team: c@x.example, d@x.example;, e@x.example',
        'Resent-To: r1@x.example',
        'Resent-Cc: r2@x.example',
        'Resent-Bcc: r3@x.example',
        'Reply-To: Help <help@x.example>',
        'Bcc: hidden@x.example',
      ),
    );

    expect(parsed.from.map((entry) => entry.address)).toEqual(['a@x.example', 'b@x.example']);
    expect(parsed.sender).toEqual({ name: 'Secretary', address: 'sec@x.example' });
    expect(parsed.to.map((entry) => entry.address)).toEqual([
      'c@x.example',
      'd@x.example',
      'e@x.example',
    ]);
    expect(parsed.resent.map((entry) => entry.address)).toEqual([
      'r1@x.example',
      'r2@x.example',
      'r3@x.example',
    ]);
    expect(parsed.replyTo).toEqual([{ name: 'Help', address: 'help@x.example' }]);
    expect(parsed.bcc).toEqual([{ name: '', address: 'hidden@x.example' }]);
  });

  it.each([
    ['Return-Path: <>', ''],
    ['Return-Path: <  >', ''],
    ['Return-Path:', ''],
    ['Return-Path: <MAILER-DAEMON>', 'MAILER-DAEMON'],
    ['Return-Path: <bounce+abc=x.example@esp.example>', 'bounce+abc=x.example@esp.example'],
    ['Return-Path: carol@partner.example', 'carol@partner.example'],
    ['Return-Path: <carol@partner.example> (comment)', 'carol@partner.example'],
    ['X-Other: y', null],
  ])('reads %s as %j', (line, returnPath) => {
    expect(parseHeaderBlock(crlf(line, 'From: x@y.example')).returnPath).toBe(returnPath);
  });

  it.each([
    ['Thu, 26 Nov 2026 10:58:00 +0100 (CET)', '2026-11-26T09:58:00.000Z'],
    ['26 Nov 2026 10:58 GMT', '2026-11-26T10:58:00.000Z'],
    ['Thu, 26 Nov 26 10:58:00 -0500', '2026-11-26T15:58:00.000Z'],
    ['not a date', null],
    ['', null],
  ])('reads Date %j as %j', (value, iso) => {
    expect(parseHeaderBlock(crlf(`Date: ${value}`)).date).toBe(iso);
  });

  it.each([
    ['<abc@x.example>', '<abc@x.example>'],
    ['abc@x.example', '<abc@x.example>'],
    ['  <abc@x.example> (comment)', '<abc@x.example>'],
    ['', null],
  ])('reads Message-ID %j as %j', (value, id) => {
    expect(parseHeaderBlock(crlf(`Message-ID: ${value}`)).messageId).toBe(id);
  });

  it.each([
    ['Content-Type: Multipart/Mixed; boundary="x"', 'multipart/mixed'],
    ['Content-Type: text/html', 'text/html'],
    ['Content-Type: garbage', ''],
    ['X-Nothing: here', ''],
  ])('reads %s as %j', (line, type) => {
    expect(parseHeaderBlock(crlf(line)).contentType).toBe(type);
  });

  it('skips an mbox "From " line and reads obsolete "Name :" spacing', () => {
    const parsed = parseHeaderBlock(
      crlf('From carol@partner.example Thu Nov 26 10:00:00 2026', 'Subject : spaced out'),
    );

    expect(parsed.subject).toBe('spaced out');
    expect(parsed.from).toEqual([]);
  });

  it('stops at the blank line: header-looking body lines are body', () => {
    const parsed = parseHeaderBlock(
      Buffer.from('Subject: real\r\n\r\nSubject: fake\r\nList-Id: <x>\r\n'),
    );

    expect(parsed.subject).toBe('real');
    expect(parsed.headers).toHaveLength(1);
  });

  it('uses the first Subject and From when a field repeats', () => {
    const parsed = parseHeaderBlock(
      crlf('Subject: one', 'From: a@x.example', 'Subject: two', 'From: b@x.example'),
    );

    expect(parsed.subject).toBe('one');
    expect(parsed.from.map((entry) => entry.address)).toEqual(['a@x.example']);
  });

  it('keeps the last 100 References', () => {
    const ids = Array.from({ length: 150 }, (_, index) => `<id${index}@x.example>`);

    const parsed = parseHeaderBlock(crlf(`References: ${ids.join('\r\n ')}`));

    expect(parsed.references).toHaveLength(HEADER_LIMITS.maxReferences);
    expect(parsed.references.at(-1)).toBe('<id149@x.example>');
  });
});

describe('parseHeaderBlock: hostile input', () => {
  it.each([
    ['empty input', Buffer.alloc(0), 'the message is empty'],
    ['a blank line only', Buffer.from('\r\n'), 'no header fields found'],
    [
      'binary garbage',
      Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x0a, 0x9f]),
      'no header fields found',
    ],
    ['text without a colon', Buffer.from('just some words\nand more'), 'no header fields found'],
  ])('reports %s as unparseable with empty fields', (_, input, parseError) => {
    expect(parseHeaderBlock(input)).toEqual({
      from: [],
      sender: null,
      replyTo: [],
      to: [],
      cc: [],
      bcc: [],
      resent: [],
      returnPath: null,
      subject: '',
      date: null,
      messageId: null,
      inReplyTo: null,
      references: [],
      contentType: '',
      headers: [],
      parseError,
    });
  });

  it('gives fallbacks, not an error, when every useful field is missing', () => {
    const parsed = parseHeaderBlock(crlf('X-Only: this'));

    expect(parsed).toMatchObject({
      from: [],
      subject: '',
      date: null,
      returnPath: null,
      contentType: '',
    });
    expect(parsed.parseError).toBeUndefined();
  });

  it('drops NUL and turns other controls into spaces', () => {
    const parsed = parseHeaderBlock(
      Buffer.from('Subject: a\u0000b\u0007c\u001bd\r\nFrom: x@y.example\r\n\r\n'),
    );

    expect(parsed.subject).toBe('ab c d');
  });

  it('reads bare LF line ends', () => {
    const parsed = parseHeaderBlock(Buffer.from('Subject: lf\nFrom: x@y.example\n\nbody\n'));

    expect(parsed.subject).toBe('lf');
    expect(parsed.from[0]?.address).toBe('x@y.example');
  });

  it('keeps a bare CR inside a value instead of starting a new field', () => {
    const parsed = parseHeaderBlock(Buffer.from('Subject: a\rBcc: victim@evil.example\r\n\r\n'));

    expect(parsed.subject).toBe('a Bcc: victim@evil.example');
    expect(parsed.bcc).toEqual([]);
  });

  it('flattens an encoded word that decodes to CR LF', () => {
    const parsed = parseHeaderBlock(crlf('Subject: =?utf-8?Q?a=0D=0ABcc:_victim@evil.example?='));

    expect(parsed.subject).toBe('a Bcc: victim@evil.example');
  });

  it.each([
    ['undecodable base64', '=?utf-8?B?!!!?=', ''],
    ['an unknown charset', '=?x-unknown?Q?caf=E9?=', 'caf\ufffd'],
    ['an unterminated word', '=?utf-8?q?broken', '=?utf-8?q?broken'],
    ['UTF-7, refused as an XSS vector', '=?utf-7?B?K0FDRS0=?=', '+ACE-'],
  ])('survives %s', (_, value, subject) => {
    expect(parseHeaderBlock(crlf(`Subject: ${value}`)).subject).toBe(subject);
  });

  it('reads raw UTF-8 headers (RFC 6532)', () => {
    const parsed = parseHeaderBlock(
      crlf('From: Jürgen <jürgen@bücher.example>', 'Subject: Grüße ✓'),
    );

    expect(parsed.from).toEqual([{ name: 'Jürgen', address: 'jürgen@bücher.example' }]);
    expect(parsed.subject).toBe('Grüße ✓');
  });

  it('reads invalid-UTF-8 8-bit headers as windows-1252, line by line', () => {
    const parsed = parseHeaderBlock(fixture('latin1-8bit-headers.eml'));

    expect(parsed.from).toEqual([{ name: 'François', address: 'francois@vieux.example' }]);
    expect(parsed.subject).toBe('Café € crème');
  });

  it('reads a UTF-8 line and a latin1 line in the same block each correctly', () => {
    const block = Buffer.concat([
      Buffer.from('Subject: Grüße\r\n'),
      Buffer.from('X-Old: caf\xe9\r\n', 'latin1'),
      Buffer.from('\r\n'),
    ]);

    const parsed = parseHeaderBlock(block);

    expect(parsed.subject).toBe('Grüße');
    expect(parsed.headers[1]).toEqual({ name: 'x-old', value: 'café' });
  });

  it('does not take an address hidden in an encoded-word display name', () => {
    const parsed = parseHeaderBlock(
      crlf('From: =?utf-8?Q?ceo=40bank.example?= <attacker@evil.example>'),
    );

    expect(parsed.from).toEqual([{ name: 'ceo@bank.example', address: 'attacker@evil.example' }]);
  });

  it('decodes an encoded local part, never an encoded word that brings its own domain', () => {
    const parsed = parseHeaderBlock(
      crlf(
        'To: x <=?utf-8?Q?=22CEO=22_=3Cceo=40bank.example=3E?=>, y <=?utf-8?B?b2tAeC5leGFtcGxl?=>, z <=?utf-8?B?b2s=?=@x.example>',
      ),
    );

    expect(parsed.to).toEqual([
      { name: 'x', address: '' },
      { name: 'y', address: '' },
      { name: 'z', address: 'ok@x.example' },
    ]);
  });

  it('reads 1,000 header fields and still finds the last one', () => {
    const lines = Array.from({ length: 1000 }, (_, index) => `X-Junk-${index}: ${'v'.repeat(50)}`);

    const parsed = parseHeaderBlock(crlf(...lines, 'List-Id: <late.example>'));

    expect(parsed.headers).toHaveLength(1001);
    expect(parsed.headers.at(-1)).toEqual({ name: 'list-id', value: '<late.example>' });
  });

  it('reads at most HEADER_LIMITS.maxBytes of a giant header block', () => {
    const giant = Buffer.from(
      `Subject: first\r\nX-Big: ${'x'.repeat(2 * HEADER_LIMITS.maxBytes)}\r\nFrom: late@x.example\r\n\r\n`,
    );

    const parsed = parseHeaderBlock(giant);

    expect(parsed.subject).toBe('first');
    expect(parsed.from).toEqual([]);
    expect(parsed.headers[1]?.value.length).toBeLessThan(HEADER_LIMITS.maxBytes);
    expect(parsed.parseError).toBe(
      'the header block is longer than 1 MiB; the fields after that were not read',
    );
  });

  it('reads a From after 2,600 padding lines (past the old 256 KiB cap) and flags nothing', () => {
    const padding = Array.from({ length: 2600 }, (_, i) => `X-Pad-${i}: ${'p'.repeat(90)}`);

    const parsed = parseHeaderBlock(crlf(...padding, 'From: spammer@spam.example', 'Subject: s'));

    expect(parsed.from).toEqual([{ name: '', address: 'spammer@spam.example' }]);
    expect(parsed.subject).toBe('s');
    expect(parsed.parseError).toBeUndefined();
  });

  it('captures as much header as it parses: a cut block is always flagged', () => {
    expect(HEADER_LIMITS.maxBytes).toBe(HEADER_CAPTURE_LIMIT);
  });

  it('flags a header-only message that reaches the limit without a blank line', () => {
    const parsed = parseHeaderBlock(
      Buffer.from(`Subject: x\r\nX-Big: ${'x'.repeat(HEADER_LIMITS.maxBytes)}`),
    );

    expect(parsed.subject).toBe('x');
    expect(parsed.parseError).toMatch(/longer than 1 MiB/);
  });

  it('parses a header block without a blank line (a truncated message)', () => {
    const parsed = parseHeaderBlock(Buffer.from('From: x@y.example\r\nSubject: cut off'));

    expect(parsed.subject).toBe('cut off');
  });

  it('ignores a continuation line before any field and a field name with 8-bit bytes', () => {
    const parsed = parseHeaderBlock(crlf(' orphan continuation', 'Süßes: nope', 'Subject: kept'));

    expect(parsed.headers).toEqual([{ name: 'subject', value: 'kept' }]);
  });

  it('treats field names like __proto__ as plain data', () => {
    const parsed = parseHeaderBlock(crlf('__proto__: x', 'constructor: y', 'Subject: ok'));

    expect(parsed.subject).toBe('ok');
    expect(parsed.headers.map((header) => header.name)).toEqual([
      '__proto__',
      'constructor',
      'subject',
    ]);
  });
});

describe('headerBlockLength', () => {
  it.each([
    ['CRLF blank line', 'A: 1\r\nB: 2\r\n\r\nbody', 14],
    ['LF blank line', 'A: 1\nB: 2\n\nbody', 11],
    ['a message that starts with a blank line', '\r\nbody', 2],
    ['no blank line', 'A: 1\r\nB: 2', 10],
  ])('finds the end after the %s', (_, text, length) => {
    expect(headerBlockLength(Buffer.from(text))).toBe(length);
  });
});
