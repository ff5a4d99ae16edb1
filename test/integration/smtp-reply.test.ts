import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { composeReply } from '../../lambda/compose/compose-reply.js';
import type { Mailer } from '../../lambda/smtp/mailer.js';
import { createSmtpMailer } from '../../lambda/smtp/smtp-mailer.js';
import {
  MAILBOX,
  metaFor,
  NOW,
  replyAction,
  vacationAction,
} from '../helpers/mail/compose-fixtures.js';
import { header, parseEntity } from '../helpers/mail/mime-bytes.js';
import { memoryLog } from '../helpers/memory-log.js';
import {
  type SmtpTestServer,
  startSmtpTestServer,
  TEST_CA,
} from '../helpers/smtp/smtp-test-server.js';

const PASSWORD = 'pa55-Secret-never-logged';
const context = { mailbox: MAILBOX, messageId: '<vac-1.UID-1@popfwd.example.test>', now: NOW };

describe('replies through a real SMTP server that offers DSN', () => {
  let server: SmtpTestServer;
  let mailer: Mailer;

  beforeEach(async () => {
    server = await startSmtpTestServer({
      passwords: { [MAILBOX]: PASSWORD },
      server: { hideDSN: false },
    });
    mailer = createSmtpMailer({
      smtp: { host: 'localhost', port: server.port, security: 'starttls' },
      credentials: { kind: 'password', user: MAILBOX, password: PASSWORD },
      ca: TEST_CA,
      log: memoryLog(),
    });
  });

  afterEach(async () => {
    await mailer.close();
    await server.close();
  });

  it('delivers a vacation reply per RFC 3834 from the mailbox to the one sender', async () => {
    const original = metaFor({ references: ['<root@sender.example>'] });

    await mailer.send(composeReply(vacationAction(), original, context));

    const received = server.messages[0];
    if (!received) throw new Error('nothing arrived');
    const entity = parseEntity(received.raw);
    expect(received.from).toBe(MAILBOX);
    expect(received.to).toEqual(['bob@sender.example']);
    expect(received.rcptArgs[0]?.NOTIFY).toBe('NEVER');
    expect(header(entity, 'auto-submitted')).toBe('auto-replied (vacation)');
    expect(header(entity, 'precedence')).toBe('bulk');
    expect(header(entity, 'x-auto-response-suppress')).toBe('All');
    expect(header(entity, 'in-reply-to')).toBe('<orig-1@sender.example>');
    expect(header(entity, 'references')).toBe('<root@sender.example> <orig-1@sender.example>');
    expect(header(entity, 'x-popfwd-loop')).toBe(MAILBOX);
    expect(received.raw.toString()).toContain('I am away until January.');
  });

  it('delivers a rule reply marked auto-replied', async () => {
    await mailer.send(composeReply(replyAction(), metaFor(), context));

    const entity = parseEntity(server.messages[0]?.raw ?? Buffer.alloc(0));
    expect(header(entity, 'auto-submitted')).toBe('auto-replied');
    expect(header(entity, 'precedence')).toBeUndefined();
    expect(header(entity, 'message-id')).toBe('<vac-1.UID-1@popfwd.example.test>');
  });
});
