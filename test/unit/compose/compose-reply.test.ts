import { describe, expect, it } from 'vitest';
import type { ComposeContext } from '../../../lambda/compose/compose-context.js';
import { composeReply, replyReferences } from '../../../lambda/compose/compose-reply.js';
import { hasCode } from '../../../lambda/errors.js';
import {
  MAILBOX,
  metaFor,
  NOW,
  replyAction,
  vacationAction,
} from '../../helpers/mail/compose-fixtures.js';
import { header } from '../../helpers/mail/mime-bytes.js';
import { renderMail } from '../../helpers/smtp/render-mail.js';

const context: ComposeContext = {
  mailbox: MAILBOX,
  messageId: '<vac-1@popfwd.example.test>',
  now: NOW,
};

const thrown = (act: () => unknown): unknown => {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
};

describe('composeReply', () => {
  it('writes a vacation reply with the RFC 3834 headers and Precedence: bulk', async () => {
    const original = metaFor({ references: ['<root@sender.example>'] });
    const { entity } = await renderMail(composeReply(vacationAction(), original, context));

    expect(header(entity, 'from')).toBe(MAILBOX);
    expect(header(entity, 'to')).toBe('bob@sender.example');
    expect(header(entity, 'subject')).toBe('Out of office');
    expect(header(entity, 'in-reply-to')).toBe('<orig-1@sender.example>');
    expect(header(entity, 'references')).toBe('<root@sender.example> <orig-1@sender.example>');
    expect(header(entity, 'auto-submitted')).toBe('auto-replied (vacation)');
    expect(header(entity, 'x-auto-response-suppress')).toBe('All');
    expect(header(entity, 'precedence')).toBe('bulk');
    expect(header(entity, 'x-popfwd-loop')).toBe(MAILBOX);
    expect(header(entity, 'message-id')).toBe('<vac-1@popfwd.example.test>');
    expect(header(entity, 'content-type')).toMatch(/^text\/plain/);
  });

  it('marks a rule reply auto-replied without Precedence', async () => {
    const { entity } = await renderMail(composeReply(replyAction(), metaFor(), context));

    expect(header(entity, 'auto-submitted')).toBe('auto-replied');
    expect(header(entity, 'precedence')).toBeUndefined();
    expect(header(entity, 'subject')).toBe('Re: Quarterly numbers');
  });

  it('sends from the mailbox to exactly the one recipient, asking for no DSN', () => {
    const mail = composeReply(vacationAction(), metaFor(), context);

    expect(mail.envelope).toEqual({ from: MAILBOX, to: ['bob@sender.example'] });
    expect(mail.dsn).toEqual({ notify: 'NEVER' });
  });

  it('leaves In-Reply-To and References out when the original has no usable Message-ID', async () => {
    const { entity } = await renderMail(
      composeReply(vacationAction(), metaFor({ messageId: 'not an id' }), context),
    );

    expect(header(entity, 'in-reply-to')).toBeUndefined();
    expect(header(entity, 'references')).toBeUndefined();
  });

  it.each([
    ['a subject with an injected header', { subject: 'Away\r\nBcc: victim@example.com' }],
    ['a subject with NUL', { subject: 'Away\u0000' }],
    [
      'a recipient with an injected command',
      { to: 'bob@sender.example\r\nRCPT TO:<victim@example.com>' },
    ],
    ['two recipients', { to: 'bob@sender.example, victim@example.com' }],
  ])('refuses %s with EARGUMENT', (_name, overrides) => {
    expect(
      hasCode(
        thrown(() => composeReply(vacationAction(overrides), metaFor(), context)),
        'EARGUMENT',
      ),
    ).toBe(true);
  });
});

describe('replyReferences', () => {
  it('drops invalid ids and duplicates from the original', () => {
    const original = metaFor({ references: ['<a@x>', 'junk', '<a@x>', '<b@x>\r\nBcc: v@x'] });

    expect(replyReferences(original)).toEqual(['<a@x>', '<orig-1@sender.example>']);
  });

  it('keeps the thread root and the latest ids of a long thread', () => {
    const ids = Array.from({ length: 40 }, (_, i) => `<m${i}@x>`);

    const references = replyReferences(metaFor({ references: ids }));

    expect(references).toHaveLength(20);
    expect(references[0]).toBe('<m0@x>');
    expect(references.at(-1)).toBe('<orig-1@sender.example>');
    expect(references.at(-2)).toBe('<m39@x>');
  });
});
