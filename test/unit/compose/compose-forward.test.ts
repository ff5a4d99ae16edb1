import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ForwardContext } from '../../../lambda/compose/compose-context.js';
import { composeForward } from '../../../lambda/compose/compose-forward.js';
import { hasCode, PopfwdError } from '../../../lambda/errors.js';
import type { MessageMeta } from '../../../lambda/mail/message-meta.js';
import type { ForwardAction } from '../../../lambda/rules/plan.js';
import { classifySendError } from '../../../lambda/smtp/send-errors.js';
import {
  archiveOf,
  eightBitOriginal,
  forwardAction,
  MAILBOX,
  metaFor,
  multipartOriginal,
  NOW,
  sevenBitOriginal,
} from '../../helpers/mail/compose-fixtures.js';
import { decodedBody, header, parts } from '../../helpers/mail/mime-bytes.js';
import { renderMail } from '../../helpers/smtp/render-mail.js';

const contextFor = (
  open: () => Promise<Readable>,
  overrides: Partial<ForwardContext> = {},
): ForwardContext => ({
  mailbox: MAILBOX,
  messageId: '<fwd-1.UID-1@popfwd.example.test>',
  openOriginal: open,
  now: NOW,
  ...overrides,
});

const compose = async (
  original: Buffer,
  action: Partial<ForwardAction> = {},
  meta: Partial<MessageMeta> = {},
) => {
  const archive = archiveOf(original);
  const mail = await composeForward(forwardAction(action), metaFor(meta), contextFor(archive.open));
  return { mail, archive };
};

const rejection = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );

describe('composeForward headers', () => {
  it('sends From the mailbox with Reply-To the original Reply-To', async () => {
    const { mail } = await compose(
      sevenBitOriginal(),
      {},
      {
        replyTo: [{ name: 'Bob Desk', address: 'desk@sender.example' }],
      },
    );
    const { entity } = await renderMail(mail);

    expect(header(entity, 'from')).toBe(MAILBOX);
    expect(header(entity, 'reply-to')).toBe('Bob Desk <desk@sender.example>');
    expect(header(entity, 'x-original-from')).toBe('Bob Sender <bob@sender.example>');
    expect(header(entity, 'date')).toBe('Thu, 26 Nov 2026 10:00:00 +0000');
    expect(header(entity, 'x-mailer')).toBeUndefined();
    expect(mail.envelope).toEqual({ from: MAILBOX, to: ['me@phone.example'], use8BitMime: false });
  });

  it('drops unusable Reply-To addresses from the original and falls back to From', async () => {
    const { mail } = await compose(
      sevenBitOriginal(),
      {},
      {
        replyTo: [{ name: 'x', address: 'victim@example.com>\r\nBcc: y@z.example' }],
      },
    );
    const { entity } = await renderMail(mail);

    expect(header(entity, 'reply-to')).toBe('Bob Sender <bob@sender.example>');
    expect(header(entity, 'bcc')).toBeUndefined();
  });

  it('leaves Reply-To out when the original names no usable address', async () => {
    const { mail } = await compose(
      sevenBitOriginal(),
      {},
      { from: [{ name: 'Nobody', address: '' }] },
    );

    expect(mail.replyTo).toBeUndefined();
  });

  it('keeps an injected header in the original subject inside the subject', async () => {
    const { mail } = await compose(
      sevenBitOriginal(),
      {},
      { subject: 'Hi\r\nBcc: victim@example.com' },
    );
    const { entity } = await renderMail(mail);

    expect(header(entity, 'subject')).toBe('Fwd: Hi Bcc: victim@example.com');
    expect(header(entity, 'bcc')).toBeUndefined();
  });

  it.each([
    ['a recipient with CRLF', { to: ['me@phone.example\r\nBcc: victim@example.com'] }, {}],
    ['no recipient', { to: [] }, {}],
    ['a mailbox that is not an address', {}, { mailbox: 'alice' }],
    ['a Message-ID with CRLF', {}, { messageId: '<a@b>\r\nBcc: victim@example.com' }],
  ])('refuses %s with EARGUMENT before touching the archive', async (_name, action, context) => {
    const archive = archiveOf(sevenBitOriginal());

    const error = await rejection(
      composeForward(forwardAction(action), metaFor(), contextFor(archive.open, context)),
    );

    expect(hasCode(error, 'EARGUMENT')).toBe(true);
    expect(archive.opened).toBe(0);
  });
});

describe('composeForward as attachment', () => {
  it('scans the archive once and opens it again only when the message is sent', async () => {
    const { mail, archive } = await compose(eightBitOriginal());
    const openedBeforeSend = archive.opened;
    await renderMail(mail);

    expect(openedBeforeSend).toBe(1);
    expect(archive.opened).toBe(2);
  });

  it('names the attachment original.eml and marks it an attachment, not inline', async () => {
    const { mail } = await compose(sevenBitOriginal());
    const attached = parts((await renderMail(mail)).entity)[1];

    expect(attached && header(attached, 'content-disposition')).toBe(
      'attachment; filename=original.eml',
    );
    expect(attached && header(attached, 'content-type')).toBe('message/rfc822; name=original.eml');
  });

  it('fails with ESTORE when the archive cannot be read', async () => {
    const failing = async (): Promise<Readable> => {
      throw new Error('disk gone');
    };

    const error = await rejection(composeForward(forwardAction(), metaFor(), contextFor(failing)));

    expect(hasCode(error, 'ESTORE')).toBe(true);
  });

  it('surfaces an archive failure during the send as the archive error, not a send error', async () => {
    let calls = 0;
    const failingLater = async (): Promise<Readable> => {
      calls += 1;
      if (calls === 1) return Readable.from([sevenBitOriginal()]);
      return Readable.from(
        (async function* () {
          yield Buffer.from('From: x\r\n');
          throw new PopfwdError('ESTORE', 'S3 read timed out');
        })(),
      );
    };
    const mail = await composeForward(forwardAction(), metaFor(), contextFor(failingLater));

    const error = classifySendError(await rejection(renderMail(mail)));

    expect(error.code).toBe('ESTORE');
    expect(error.message).toBe('S3 read timed out');
  });
});

describe('composeForward as redirect', () => {
  it('opens nothing until the message is sent', async () => {
    const { mail, archive } = await compose(sevenBitOriginal(), { as: 'redirect' });

    expect(archive.opened).toBe(0);
    expect(mail.envelope).toEqual({ from: MAILBOX, to: ['me@phone.example'], use8BitMime: true });
  });

  it('prepends the resent block and keeps the original bytes after it', async () => {
    const original = sevenBitOriginal();
    const { mail } = await compose(original, {
      as: 'redirect',
      to: ['a@one.example', 'b@two.example'],
    });
    const { raw } = await renderMail(mail);

    expect(raw.subarray(raw.length - original.length).equals(original)).toBe(true);
    expect(raw.subarray(0, raw.length - original.length).toString()).toBe(
      [
        'Resent-Date: Thu, 26 Nov 2026 10:00:00 +0000',
        'Resent-From: alice@example.test',
        'Resent-To: a@one.example,',
        ' b@two.example',
        'Resent-Message-ID: <fwd-1.UID-1@popfwd.example.test>',
        'X-Popfwd-Loop: alice@example.test',
        '',
      ].join('\r\n'),
    );
  });
});

describe('composeForward inline', () => {
  it('re-composes text and HTML under the quoted header block', async () => {
    const { mail } = await compose(multipartOriginal(), { as: 'inline' });

    expect(mail.text).toMatch(/^---------- Forwarded message ----------\nFrom: Bob Sender/);
    expect(mail.text).toContain('Hello Alice, the report is attached.');
    expect(mail.html).toMatch(/<body><div>---------- Forwarded message ----------<br>/);
  });

  it('re-attaches attachments and keeps the inline image related by its cid', async () => {
    const report = Buffer.from('%PDF-1.4 report body');
    const { mail } = await compose(multipartOriginal(report), { as: 'inline' });
    const { entity } = await renderMail(mail);

    const pdf = parts(entity).find((part) =>
      /report\.pdf/.test(header(part, 'content-type') ?? ''),
    );
    expect(pdf && decodedBody(pdf).toString()).toBe(report.toString());
    expect(mail.attachments?.map((a) => [a.contentType, a.contentDisposition, a.cid])).toEqual([
      ['image/png', 'inline', 'logo@sender'],
      ['application/pdf', 'attachment', undefined],
    ]);
  });

  it('sends only a text part when the original has no HTML', async () => {
    const { mail } = await compose(sevenBitOriginal(), { as: 'inline' });

    expect(mail.html).toBeUndefined();
    expect(mail.text).toContain('.leading dot');
  });

  it('keeps an attached message as message/rfc822, 8-bit when it is', async () => {
    const embedded = eightBitOriginal();
    const outer = Buffer.concat([
      Buffer.from(
        'From: a@b.example\r\nSubject: outer\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n',
      ),
      embedded,
      Buffer.from('\r\n--b--\r\n'),
    ]);
    const { mail } = await compose(outer, { as: 'inline' });
    const { entity } = await renderMail(mail);

    const attached = parts(entity).find((part) =>
      /message\/rfc822/.test(header(part, 'content-type') ?? ''),
    );
    expect(attached && decodedBody(attached).equals(embedded)).toBe(true);
    expect(mail.envelope.use8BitMime).toBe(true);
  });

  it('leaves no spool files behind, sent or not', async () => {
    const before = (await readdir(tmpdir())).filter((name) => name.startsWith('popfwd-inline-'));
    const { mail } = await compose(multipartOriginal(), { as: 'inline' });
    const afterCompose = (await readdir(tmpdir())).filter((name) =>
      name.startsWith('popfwd-inline-'),
    );
    await renderMail(mail);

    expect(afterCompose).toEqual(before);
  });

  it('fails with the archive error when the original breaks off mid-parse', async () => {
    const broken = async (): Promise<Readable> =>
      Readable.from(
        (async function* () {
          yield multipartOriginal().subarray(0, 200);
          throw new Error('socket reset');
        })(),
      );

    const error = await rejection(
      composeForward(forwardAction({ as: 'inline' }), metaFor(), contextFor(broken)),
    );

    expect(hasCode(error, 'ESTORE')).toBe(true);
  });
});
