import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { composeForward } from '../../lambda/compose/compose-forward.js';
import type { Mailer } from '../../lambda/smtp/mailer.js';
import { createSmtpMailer } from '../../lambda/smtp/smtp-mailer.js';
import {
  archiveOf,
  binaryOriginal,
  eightBitOriginal,
  forwardAction,
  MAILBOX,
  metaFor,
  multipartOriginal,
  NOW,
  sevenBitOriginal,
} from '../helpers/mail/compose-fixtures.js';
import { decodedBody, header, headers, parseEntity, parts } from '../helpers/mail/mime-bytes.js';
import { memoryLog } from '../helpers/memory-log.js';
import {
  type SmtpTestServer,
  startSmtpTestServer,
  TEST_CA,
} from '../helpers/smtp/smtp-test-server.js';

const PASSWORD = 'correct horse battery staple';

describe('forwards through a real SMTP server (STARTTLS, AUTH PLAIN, 8BITMIME)', () => {
  let server: SmtpTestServer;
  let mailer: Mailer;

  const start = async (options: Parameters<typeof startSmtpTestServer>[0] = {}) => {
    server = await startSmtpTestServer({ passwords: { [MAILBOX]: PASSWORD }, ...options });
    mailer = createSmtpMailer({
      smtp: { host: 'localhost', port: server.port, security: 'starttls' },
      credentials: { kind: 'password', user: MAILBOX, password: PASSWORD },
      ca: TEST_CA,
      log: memoryLog(),
    });
  };

  const forward = async (original: Buffer, as: 'attachment' | 'inline' | 'redirect') => {
    const archive = archiveOf(original);
    const mail = await composeForward(
      forwardAction({ as, to: ['me@phone.example', 'two@other.example'] }),
      metaFor(),
      {
        mailbox: MAILBOX,
        messageId: '<fwd-1.UID-1@popfwd.example.test>',
        openOriginal: archive.open,
        now: NOW,
      },
    );
    const result = await mailer.send(mail);
    const received = server.messages.at(-1);
    if (!received) throw new Error('nothing arrived');
    return { result, received, entity: parseEntity(received.raw), archive };
  };

  beforeEach(async () => {
    await start();
  });

  afterEach(async () => {
    await mailer.close();
    await server.close();
  });

  it('sends an attachment forward From the mailbox with the envelope of the action', async () => {
    const { result, received, entity } = await forward(sevenBitOriginal(), 'attachment');

    expect(received.from).toBe(MAILBOX);
    expect(received.to).toEqual(['me@phone.example', 'two@other.example']);
    expect(received.secure).toBe(true);
    expect(result.accepted).toEqual(['me@phone.example', 'two@other.example']);
    expect(result.messageId).toBe('<fwd-1.UID-1@popfwd.example.test>');
    expect(header(entity, 'from')).toBe(MAILBOX);
    expect(header(entity, 'reply-to')).toBe('Bob Sender <bob@sender.example>');
    expect(header(entity, 'subject')).toBe('Fwd: Quarterly numbers');
    expect(header(entity, 'message-id')).toBe('<fwd-1.UID-1@popfwd.example.test>');
    expect(header(entity, 'x-popfwd-loop')).toBe(MAILBOX);
    expect(header(entity, 'auto-submitted')).toBe('auto-forwarded');
  });

  it.each([
    ['7-bit', sevenBitOriginal(), '7bit', 'message/rfc822'],
    ['8-bit', eightBitOriginal(), '8bit', 'message/rfc822'],
    ['NUL and bare LF', binaryOriginal(), 'base64', 'application/octet-stream'],
  ])('attaches a %s original byte for byte', async (_name, original, encoding, type) => {
    const { entity } = await forward(original, 'attachment');

    const attached = parts(entity)[1];
    if (!attached) throw new Error('no attachment part');
    expect(header(attached, 'content-type')).toContain(type);
    expect(header(attached, 'content-transfer-encoding')).toBe(encoding);
    expect(header(attached, 'content-disposition')).toMatch(/^attachment/);
    expect(decodedBody(attached).equals(original)).toBe(true);
  });

  it('asks for BODY=8BITMIME only when the original has 8-bit bytes', async () => {
    const eight = await forward(eightBitOriginal(), 'attachment');
    const seven = await forward(sevenBitOriginal(), 'attachment');

    expect(eight.received.mailFromArgs.BODY).toBe('8BITMIME');
    expect(seven.received.mailFromArgs.BODY).toBeUndefined();
  });

  it('still sends an 8-bit original unencoded to a server without 8BITMIME, without BODY=', async () => {
    await mailer.close();
    await server.close();
    await start({ server: { hide8BITMIME: true } });
    const original = eightBitOriginal();

    const { received, entity } = await forward(original, 'attachment');

    expect(received.mailFromArgs.BODY).toBeUndefined();
    expect(decodedBody(parts(entity)[1] ?? entity).equals(original)).toBe(true);
  });

  it('redirects the original with its headers intact and the resent block on top', async () => {
    const original = eightBitOriginal();
    const { received, entity } = await forward(original, 'redirect');

    expect(received.from).toBe(MAILBOX);
    expect(received.to).toEqual(['me@phone.example', 'two@other.example']);
    expect(received.mailFromArgs.BODY).toBe('8BITMIME');
    expect(entity.headers.slice(0, 5).map((field) => field.name)).toEqual([
      'resent-date',
      'resent-from',
      'resent-to',
      'resent-message-id',
      'x-popfwd-loop',
    ]);
    expect(header(entity, 'resent-to')).toBe('me@phone.example, two@other.example');
    expect(header(entity, 'resent-message-id')).toBe('<fwd-1.UID-1@popfwd.example.test>');
    expect(header(entity, 'from')).toBe('Bob Sender <bob@sender.example>');
    const resentEnd = received.raw.indexOf('From: Bob');
    expect(received.raw.subarray(resentEnd).equals(original)).toBe(true);
  });

  it('re-composes an inline forward with the quoted header block and the attachments', async () => {
    const report = Buffer.alloc(300_000, 'report-bytes ');
    const { entity, received } = await forward(multipartOriginal(report), 'inline');

    expect(header(entity, 'subject')).toBe('Fwd: Quarterly numbers');
    expect(received.raw.toString()).toContain('---------- Forwarded message ----------');
    const flat = parts(entity);
    const pdf = flat.find((part) => /report\.pdf/.test(header(part, 'content-disposition') ?? ''));
    expect(pdf && decodedBody(pdf).equals(report)).toBe(true);
    expect(headers(entity, 'x-popfwd-loop')).toEqual([MAILBOX]);
  });
});
