import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { composeForward } from '../../lambda/compose/compose-forward.js';
import { composeReply } from '../../lambda/compose/compose-reply.js';
import type { Security } from '../../lambda/config/config-schema.js';
import { isPopfwdError, type PopfwdError } from '../../lambda/errors.js';
import type { Mailer } from '../../lambda/smtp/mailer.js';
import { stopsSending } from '../../lambda/smtp/send-errors.js';
import { createSmtpMailer } from '../../lambda/smtp/smtp-mailer.js';
import {
  archiveOf,
  forwardAction,
  MAILBOX,
  metaFor,
  NOW,
  replyAction,
  sevenBitOriginal,
} from '../helpers/mail/compose-fixtures.js';
import { memoryLog } from '../helpers/memory-log.js';
import {
  type SmtpTestServer,
  type SmtpTestServerOptions,
  smtpReply,
  startSmtpTestServer,
  TEST_CA,
} from '../helpers/smtp/smtp-test-server.js';

const PASSWORD = 'pa55-Secret-never-logged';

const reply = (to = 'bob@sender.example') =>
  composeReply(replyAction({ to }), metaFor(), {
    mailbox: MAILBOX,
    messageId: '<reply-1@popfwd.example.test>',
    now: NOW,
  });

const sendError = async (promise: Promise<unknown>): Promise<PopfwdError> => {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (rejected: unknown) => rejected,
  );
  if (!isPopfwdError(error)) throw error;
  return error;
};

/** Speaks just enough SMTP (no TLS, no AUTH) to reach DATA, then drops the connection. */
const startDroppingServer = async (): Promise<{
  server: Server;
  port: number;
  connections: () => number;
}> => {
  let connections = 0;
  const server = createServer((socket: Socket) => {
    connections += 1;
    let inData = false;
    socket.write('220 drop.example ESMTP\r\n');
    socket.on('data', (chunk) => {
      if (inData) {
        socket.destroy();
        return;
      }
      for (const line of chunk.toString('latin1').split('\r\n').filter(Boolean)) {
        if (/^EHLO/i.test(line)) socket.write('250-drop.example\r\n250 8BITMIME\r\n');
        else if (/^DATA/i.test(line)) {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else socket.write('250 OK\r\n');
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, connections: () => connections };
};

describe('send failures against a real SMTP server', () => {
  let server: SmtpTestServer | undefined;
  let raw: Server | undefined;
  let mailer: Mailer;

  const connect = (port: number, security: Security = 'starttls') => {
    mailer = createSmtpMailer({
      smtp: { host: 'localhost', port, security },
      credentials: { kind: 'password', user: MAILBOX, password: PASSWORD },
      ca: TEST_CA,
      log: memoryLog(),
    });
  };

  const start = async (options: SmtpTestServerOptions) => {
    server = await startSmtpTestServer({ passwords: { [MAILBOX]: PASSWORD }, ...options });
    connect(server.port);
    return server;
  };

  afterEach(async () => {
    await mailer.close();
    await server?.close();
    await new Promise<void>((resolve) => (raw ? raw.close(() => resolve()) : resolve()));
    server = undefined;
    raw = undefined;
  });

  it('retries later when the server turns the connection away with 421', async () => {
    await start({
      server: {
        onConnect: (_session, callback) => callback(smtpReply(421, 'Too busy, try again later')),
      },
    });

    const error = await sendError(mailer.send(reply()));

    expect(error.code).toBe('ESEND');
    expect(error.context).toMatchObject({ scope: 'connection', responseCode: 421 });
    expect(stopsSending(error)).toBe(true);
  });

  it('retries a message refused with 451 and keeps sending the next one', async () => {
    let refused = false;
    const smtp = await start({
      dataReply: () => {
        if (refused) return undefined;
        refused = true;
        return smtpReply(451, '4.3.0 Temporary local problem');
      },
    });

    const error = await sendError(mailer.send(reply()));
    await mailer.send(reply());

    expect(error.code).toBe('ESEND');
    expect(error.retryable).toBe(true);
    expect(stopsSending(error)).toBe(false);
    expect(smtp.messages).toHaveLength(1);
  });

  it('records a message refused with 554 as a permanent failure', async () => {
    await start({ dataReply: () => smtpReply(554, '5.6.0 Message content rejected') });

    const error = await sendError(mailer.send(reply()));

    expect(error.code).toBe('ESYSPERM');
    expect(error.retryable).toBe(false);
  });

  it.each([
    [
      'SendAsDenied',
      '5.2.252 SendAsDenied; alice@example.test not allowed to send as bob@sender.example; STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied',
    ],
    [
      'a WASCL verdict',
      '5.2.0 STOREDRV.Submission.Exception:OutboundSpamException; WASCL UserAction verdict is not None. Actual verdict is RefuseQuota, ShowTierUpgrade.',
    ],
  ])('stops the account on %s after DATA', async (_name, message) => {
    await start({ dataReply: () => smtpReply(554, message) });

    const error = await sendError(mailer.send(reply()));

    expect(error.code).toBe('EACCOUNT');
    expect(stopsSending(error)).toBe(true);
  });

  it('stops the account when basic authentication is disabled (5.7.139)', async () => {
    await start({
      server: {
        onAuth: (_auth, _session, callback) =>
          callback(
            smtpReply(
              535,
              '5.7.139 Authentication unsuccessful, basic authentication is disabled.',
            ),
          ),
      },
    });

    const error = await sendError(mailer.send(reply()));

    expect(error.code).toBe('EACCOUNT');
    expect(error.context.reason).toBe('smtp-auth-disabled');
  });

  it('reports one unknown recipient among two as rejected and delivers to the other', async () => {
    const smtp = await start({
      server: {
        onRcptTo: (address, _session, callback) =>
          address.address === 'nobody@phone.example'
            ? callback(smtpReply(550, '5.1.1 User unknown'))
            : callback(),
      },
    });
    const mail = await composeForward(
      forwardAction({ to: ['nobody@phone.example', 'me@phone.example'] }),
      metaFor(),
      {
        mailbox: MAILBOX,
        messageId: '<fwd-1@popfwd.example.test>',
        openOriginal: archiveOf(sevenBitOriginal()).open,
        now: NOW,
      },
    );

    const result = await mailer.send(mail);

    expect(result.accepted).toEqual(['me@phone.example']);
    expect(result.rejected).toEqual(['nobody@phone.example']);
    expect(smtp.messages[0]?.to).toEqual(['me@phone.example']);
  });

  it('records a refused only recipient as ERECIPIENT', async () => {
    await start({
      server: {
        onRcptTo: (_address, _session, callback) => callback(smtpReply(550, '5.1.1 User unknown')),
      },
    });

    const error = await sendError(mailer.send(reply('nobody@sender.example')));

    expect(error.code).toBe('ERECIPIENT');
    expect(stopsSending(error)).toBe(false);
  });

  it('records a message over the advertised SIZE as ESIZE', async () => {
    await start({ server: { size: 1024, rejectOversized: true } });
    const mail = { ...reply(), text: 'x'.repeat(4096) };

    const error = await sendError(mailer.send(mail));

    expect(error.code).toBe('ESIZE');
  });

  it('retries on a later poll when the connection drops mid-DATA, without resending it itself', async () => {
    const dropping = await startDroppingServer();
    raw = dropping.server;
    connect(dropping.port, 'plain');

    const error = await sendError(mailer.send(reply()));

    expect(error.code).toBe('ESEND');
    expect(error.context.scope).toBe('connection');
    expect(dropping.connections()).toBe(1);
  });

  it('reports a send cancelled through its AbortSignal (the run deadline) as EABORTED', async () => {
    const smtp = await start({});
    const deadline = new AbortController();
    deadline.abort();

    const error = await sendError(mailer.send({ ...reply(), signal: deadline.signal }));

    expect(error.code).toBe('EABORTED');
    expect(error.retryable).toBe(true);
    expect(smtp.messages).toHaveLength(0);
  });

  it('keeps one connection for several sends and closes it on close()', async () => {
    let connections = 0;
    let serverSawClose: () => void = () => {};
    const closed = new Promise<void>((resolve) => {
      serverSawClose = resolve;
    });
    const smtp = await start({
      server: {
        onConnect: (_session, callback) => {
          connections += 1;
          callback();
        },
        onClose: () => serverSawClose(),
      },
    });

    await mailer.send(reply());
    await mailer.send(reply());
    await mailer.send(reply());
    await mailer.close();
    await closed;

    expect(smtp.messages).toHaveLength(3);
    expect(connections).toBe(1);
  });
});
