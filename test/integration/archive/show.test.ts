import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Pop3Message } from '../../../lambda/cli/sandbox/pop3-server.js';
import type { MessageRecord } from '../../../lambda/engine/message-record.js';
import { STORE_KINDS, sameOnEveryStore, useArchive } from './archive-fixture.js';
import { LETTERS, letter } from './letters.js';

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** Two letters whose SHA-256 share their first 4 hex digits (found by trying bodies). */
const twinPrefixLetters = (): [Pop3Message, Pop3Message, string] => {
  const seen = new Map<string, Pop3Message>();
  for (let index = 0; ; index += 1) {
    const message = letter(`u-twin-${index}`, {
      from: 'Twin <twin@example.org>',
      subject: `twin ${index}`,
      date: DATE,
    });
    const prefix = sha256(message.data).slice(0, 4);
    const earlier = seen.get(prefix);
    if (earlier) return [earlier, message, prefix];
    seen.set(prefix, message);
  }
};

const DATE = 'Mon, 30 Nov 2026 10:00:00 +0000';

/** The message with Message-ID <dup@mail.example>, as a second copy of a message might. */
const sharingMessageId = (message: Pop3Message): Pop3Message => ({
  uidl: message.uidl,
  data: Buffer.from(
    message.data
      .toString('latin1')
      .replace(/Message-ID: <[^>]*>/, 'Message-ID: <dup@mail.example>'),
    'latin1',
  ),
});

/** A message that tries to take over the terminal that shows it. */
const HOSTILE = {
  uidl: 'u-hostile',
  data: Buffer.from(
    'From: =?utf-8?q?Eve_=1B]0;pwned=07?= <eve@evil.example>\r\n' +
      'To: Alice <alice@example.test>\r\n' +
      'Subject: =?utf-8?q?=1B[2J=1B[31mURGENT=E2=80=AE?=\r\n' +
      'Date: Mon, 30 Nov 2026 10:00:00 +0000\r\n' +
      'Message-ID: <hostile@evil.example>\r\n' +
      'Content-Type: text/plain; charset=latin1\r\n\r\n' +
      'line one\r\n\x1b[1A\x1b[2Kfake prompt $ \x07\x00\r\n\xe9t\xe9\r\n',
    'latin1',
  ),
};

describe.each(STORE_KINDS)('archive show on the %s store', (kind) => {
  const archive = useArchive();

  it('finds a message by UIDL, key, message id, Message-ID or SHA-256 prefix', async () => {
    // Prepare
    const box = await archive(kind, { messages: LETTERS });
    const record = (await box.catalog()).records.find(
      (entry) => entry.meta.uidl === 'u2-lunch',
    ) as MessageRecord;
    const ids = [
      'u2-lunch',
      record.meta.key,
      record.id,
      `${record.id}.eml`,
      '<u2-lunch@mail.example>',
      'u2-lunch@mail.example',
      record.meta.sha256.slice(0, 4),
      record.meta.sha256.toUpperCase(),
    ];

    // Act
    const results = await Promise.all(ids.map((id) => box.cli(['archive', 'show', id, '--json'])));

    // Assess
    for (const [index, result] of results.entries()) {
      expect(result.code, ids[index]).toBe(0);
      expect(JSON.parse(result.stdout).uidl, ids[index]).toBe('u2-lunch');
    }
  });

  it('prints the headers that matter, the text body and the attachments', async () => {
    // Prepare
    const box = await archive(kind, { messages: LETTERS });

    // Act
    const attached = await box.cli(['archive', 'show', 'u4-base64']);
    const html = await box.cli(['archive', 'show', 'u3-html']);
    const lunch = await box.cli(['archive', 'show', 'u2-lunch', '--json']);

    // Assess
    expect(attached.code).toBe(0);
    expect(attached.stdout).toMatch(/^From: {7}Bob <bob@example\.org>\n/);
    expect(attached.stdout).toContain('\nSubject:    Encoded\n');
    expect(attached.stdout).toContain('\nDate:       Wed, 25 Nov 2026 20:00:00 -0500\n');
    expect(attached.stdout).toContain('\nMessage-ID: <u4-base64@mail.example>\n');
    expect(attached.stdout).toContain('\nGrüße: the word is marzipan.\n');
    expect(attached.stdout).toMatch(
      /Attachments \(1\):\n {2}1\. report\.pdf {2}application\/pdf {2}48 B\n$/,
    );
    expect(html.stdout).toContain('[HTML converted to text]');
    expect(html.stdout).toMatch(/This week: the zebra crossing & more\./);
    expect(html.stdout).not.toContain('<b>');
    const json = JSON.parse(lunch.stdout);
    expect(json).toMatchObject({
      uidl: 'u2-lunch',
      from: [{ name: 'Carol', address: 'carol@partner.example' }],
      cc: [{ name: 'Dave', address: 'dave@partner.example' }],
      date: '2026-11-10T11:30:00.000Z',
      dateHeader: 'Tue, 10 Nov 2026 12:30:00 +0100',
      subject: 'Lunch on Friday?',
      messageId: '<u2-lunch@mail.example>',
      textFrom: 'text',
      textTruncated: false,
      attachments: [],
      tags: [],
    });
    expect(json.text).toContain('pelmeni');
    expect(Object.keys(json).sort()).toEqual(
      [
        'id',
        'uidl',
        'key',
        'size',
        'sha256',
        'archivedAt',
        'tags',
        'from',
        'to',
        'cc',
        'date',
        'dateHeader',
        'subject',
        'messageId',
        'text',
        'textFrom',
        'textTruncated',
        'attachments',
      ].sort(),
    );
  });

  it('--raw writes the archived bytes exactly: NUL, bare CR, 8-bit and escape bytes included', async () => {
    // Prepare
    const box = await archive(kind, { messages: [HOSTILE] });
    const [record] = (await box.catalog()).records;

    // Act
    const result = await box.cliBytes(['archive', 'show', 'u-hostile', '--raw']);

    // Assess
    expect(result.code).toBe(0);
    expect(Buffer.compare(result.stdout, (await box.raw(record?.meta.key ?? '')) as Buffer)).toBe(
      0,
    );
    expect(sha256(result.stdout)).toBe(record?.meta.sha256);
  });

  it('refuses --raw to a terminal, where the bytes could drive it', async () => {
    // Prepare
    const box = await archive(kind, { messages: [HOSTILE] });

    // Act
    const result = await box.cliBytes(['archive', 'show', 'u-hostile', '--raw'], {
      stdoutTty: true,
    });

    // Assess
    expect(result.code).toBe(2);
    expect(result.stdout.length).toBe(0);
    expect(result.stderr).toContain('redirect it (> message.eml) or pipe it');
  });

  it('never lets a message drive the terminal: escape sequences, bells, bidi overrides', async () => {
    // Prepare
    const box = await archive(kind, { messages: [HOSTILE] });

    // Act
    const shown = await box.cli(['archive', 'show', 'u-hostile']);
    const listed = await box.cli(['archive', 'list']);

    // Assess
    for (const output of [shown.stdout, listed.stdout]) {
      expect(output).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/);
    }
    expect(shown.stdout).toContain('URGENT');
    expect(shown.stdout).toContain('fake prompt $ \\x07\\x00\n');
    expect(shown.stdout).toContain('\\u202e');
    expect(shown.stdout).toContain('été');
  });

  it('lists the candidates of an ambiguous ID and exits 2; an unknown ID exits 2', async () => {
    // Prepare
    const [first, second, prefix] = twinPrefixLetters();
    const dupA = letter('u-dup-a', { from: 'a@x.example', subject: 'A', date: DATE });
    const dupB = letter('u-dup-b', { from: 'b@x.example', subject: 'B', date: DATE });
    const box = await archive(kind, {
      messages: [first, second, sharingMessageId(dupA), sharingMessageId(dupB)],
    });

    // Act
    const byPrefix = await box.cli(['archive', 'show', prefix]);
    const byMessageId = await box.cli(['archive', 'show', '<dup@mail.example>']);
    const unknown = await box.cli(['archive', 'show', 'no-such-message']);
    const tooShort = await box.cli(['archive', 'show', 'abc']);

    // Assess
    expect(byPrefix.code).toBe(2);
    expect(byPrefix.stderr).toContain(`"${prefix}" names 2 archived messages; give more digits`);
    expect(byPrefix.stderr).toContain(`UIDL ${first.uidl}`);
    expect(byPrefix.stderr).toContain(`UIDL ${second.uidl}`);
    expect(byMessageId.code).toBe(2);
    expect(byMessageId.stderr).toMatch(/UIDL u-dup-a .* A\n/);
    expect(byMessageId.stderr).toMatch(/UIDL u-dup-b .* B\n/);
    expect(sameOnEveryStore(unknown.stderr, box)).toBe(
      'popfwd: no archived message "no-such-message" in <store> (of 4): give a UIDL, a key, a Message-ID, a message id or a SHA-256 prefix as `popfwd archive list` shows them\n',
    );
    expect(unknown.code).toBe(2);
    expect(tooShort.stderr).toContain('a SHA-256 prefix needs at least 4 hex digits');
  });

  it('answers an empty archive with exit 2 and the count', async () => {
    // Prepare
    const box = await archive(kind, { messages: [] });

    // Act
    const result = await box.cli(['archive', 'show', 'anything']);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('(of 0)');
  });

  it('says so when the catalog names an object the store lost', async () => {
    // Prepare
    const box = await archive(kind, { messages: LETTERS.slice(0, 1) });
    const [record] = (await box.catalog()).records;
    await box.remove(record?.meta.key ?? '');

    // Act
    const result = await box.cli(['archive', 'show', 'u1-invoice']);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'but the store has no such object: run `popfwd archive verify`',
    );
  });
});
