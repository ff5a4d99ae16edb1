import { readFileSync } from 'node:fs';
import { text } from 'node:stream/consumers';
import { afterEach, describe, expect, it } from 'vitest';
import type { Credentials } from '../../../lambda/auth/credentials.js';
import {
  type Pop3Server,
  type Pop3ServerOptions,
  startPop3Server,
} from '../../../lambda/cli/sandbox/pop3-server.js';
import { PopfwdError } from '../../../lambda/errors.js';
import { Pop3Client, type Pop3ClientOptions } from '../../../lambda/pop3/client.js';
import { type LogRecord, memoryLog } from '../../helpers/memory-log.js';
import { fault, split } from '../../helpers/pop3/pop3-faults.js';

const tls = {
  key: readFileSync(new URL('../../fixtures/tls/server-key.pem', import.meta.url)),
  cert: readFileSync(new URL('../../fixtures/tls/server.pem', import.meta.url)),
};
const ca = readFileSync(new URL('../../fixtures/tls/ca.pem', import.meta.url));
const untrusted = {
  key: readFileSync(new URL('../../fixtures/tls/untrusted-key.pem', import.meta.url)),
  cert: readFileSync(new URL('../../fixtures/tls/untrusted.pem', import.meta.url)),
};

const USER = 'alice@example.test';
const PASSWORD = 'correct horse battery staple';
const TOKEN = 'EwB-access-token-'.padEnd(1800, 'x');
const password: Credentials = { kind: 'password', user: USER, password: PASSWORD };

const message = (subject: string, body: string) =>
  Buffer.from(`From: bob@example.org\r\nSubject: ${subject}\r\n\r\n${body}`, 'latin1');

const MAILBOX = [
  { uidl: 'uid-1', data: message('one', 'Hello\r\n.leading dot\r\n.\r\nafter a lone dot\r\n') },
  { uidl: 'uid-2', data: message('two', 'caf\xe9 8-bit\r\n') },
  { uidl: 'uid-3', data: message('three', `${'long line '.repeat(20_000)}\r\n`) },
];

const servers: Pop3Server[] = [];
const clients: Pop3Client[] = [];

const serve = async (options: Pop3ServerOptions = {}) => {
  const server = await startPop3Server({
    tls,
    users: [{ user: USER, password: PASSWORD, accessToken: TOKEN }],
    mailbox: MAILBOX,
    ...options,
  });
  servers.push(server);
  return server;
};

const connect = async (server: Pop3Server, options: Partial<Pop3ClientOptions> = {}) => {
  const client = await Pop3Client.connect({
    host: 'localhost',
    port: server.port,
    security: server.security,
    ca,
    ...options,
  });
  clients.push(client);
  return client;
};

const failure = async (promise: Promise<unknown>): Promise<PopfwdError> => {
  try {
    await promise;
  } catch (error) {
    return error as PopfwdError;
  }
  throw new Error('expected a rejection');
};

const readAll = async (client: Pop3Client) => {
  const contents: Buffer[] = [];
  const listing = await client.uidl();
  for await (const stream of client.retrieve(listing.map(({ n }) => ({ n, size: 0 })))) {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    contents.push(Buffer.concat(chunks));
  }
  return contents;
};

const oauth2 = (tokens: string[]): Credentials & { calls: boolean[] } => {
  const calls: boolean[] = [];
  return {
    kind: 'oauth2',
    user: USER,
    calls,
    tokens: {
      getAccessToken: async ({ renew = false } = {}) => {
        calls.push(renew);
        return { token: tokens[calls.length - 1] ?? TOKEN, expiresAt: Date.now() + 3_600_000 };
      },
    },
  };
};

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('Pop3Client', () => {
  describe('reading mail', () => {
    it('reads every message byte-exact over implicit TLS with pipelining', async () => {
      const server = await serve();
      const client = await connect(server);

      const stat = await client.login(password);
      const contents = await readAll(client);

      expect(stat.count).toBe(3);
      expect(client.pipelining).toBe(true);
      expect(
        contents.map((content) =>
          content.equals(MAILBOX[contents.indexOf(content)]?.data ?? Buffer.alloc(0)),
        ),
      ).toEqual([true, true, true]);
    });

    it('reads byte-exact when every reply arrives one byte at a time', async () => {
      const server = await serve({
        faults: { output: { split: split.only(['RETR'], split.bytes(7)), delayMs: 0 } },
      });
      const client = await connect(server);
      await client.login(password);

      const contents = await readAll(client);

      expect(
        Buffer.concat(contents).equals(Buffer.concat(MAILBOX.map((entry) => entry.data))),
      ).toBe(true);
    });

    it('reads byte-exact when lone dot lines and terminators arrive as their own chunks', async () => {
      const server = await serve({ faults: { output: { split: split.lines(), delayMs: 0 } } });
      const client = await connect(server);
      await client.login(password);

      const contents = await readAll(client);

      expect(contents[0]?.equals(MAILBOX[0]?.data ?? Buffer.alloc(0))).toBe(true);
    });

    it('returns UIDLs and sizes in message order, stable across sessions', async () => {
      const server = await serve();
      const first = await connect(server);
      await first.login(password);
      const uidls = await first.uidl();
      const sizes = await first.list();
      await first.quit();

      const second = await connect(server);
      await second.login(password);

      expect(uidls).toEqual([
        { n: 1, uidl: 'uid-1' },
        { n: 2, uidl: 'uid-2' },
        { n: 3, uidl: 'uid-3' },
      ]);
      expect([...sizes.keys()]).toEqual([1, 2, 3]);
      expect(await second.uidl()).toEqual(uidls);
    });

    it('reads the header and first body lines with TOP', async () => {
      const server = await serve();
      const client = await connect(server);
      await client.login(password);

      const top = await text(client.top(1, 0));

      expect(top).toBe('From: bob@example.org\r\nSubject: one\r\n\r\n');
    });

    /** Whether STAT had been written while the server held back its reply to the CAPA after login. */
    const statSentBeforeCapaAnswered = async (options: Pop3ServerOptions) => {
      const records: LogRecord[] = [];
      let statEarly: boolean | null = null;
      const server = await serve({
        ...options,
        faults: {
          onCommand: async (command) => {
            if (command.name !== 'CAPA' || command.state !== 'TRANSACTION') return undefined;
            await new Promise((resolve) => setTimeout(resolve, 50));
            statEarly = records.some((record) => record.message === 'C: STAT');
            return undefined;
          },
        },
      });
      const client = await connect(server, { log: memoryLog(records) });
      await client.login(password);
      const before = records.length;
      const listings = Promise.all([client.uidl(), client.list()]);
      const writtenAtOnce = records.slice(before).map((record) => record.message);
      await listings;
      return { statEarly, writtenAtOnce };
    };

    it('pipelines CAPA with STAT after the login, and UIDL with LIST, when the server offers PIPELINING', async () => {
      const { statEarly, writtenAtOnce } = await statSentBeforeCapaAnswered({});

      expect(statEarly).toBe(true);
      expect(writtenAtOnce).toEqual(['C: UIDL', 'C: LIST']);
    });

    it('waits for each reply after the login when the server does not offer PIPELINING', async () => {
      const { statEarly, writtenAtOnce } = await statSentBeforeCapaAnswered({
        capabilities: { pipelining: false },
      });

      expect(statEarly).toBe(false);
      expect(writtenAtOnce).toEqual(['C: UIDL']);
    });

    it('sends one command at a time when the server does not offer PIPELINING', async () => {
      const server = await serve({ capabilities: { pipelining: false } });
      const records: LogRecord[] = [];
      const client = await connect(server, { log: memoryLog(records) });
      await client.login(password);

      for await (const stream of client.retrieve(
        MAILBOX.map((_, index) => ({ n: index + 1, size: 0 })),
      )) {
        await text(stream);
        records.push({ level: 'info', message: `end ${stream.n}`, fields: {} });
      }

      const order = records
        .map((record) => record.message)
        .filter((line) => /^(C: RETR|end)/.test(line));
      expect(client.pipelining).toBe(false);
      expect(order).toEqual(['C: RETR 1', 'end 1', 'C: RETR 2', 'end 2', 'C: RETR 3', 'end 3']);
    });

    it('keeps reading after a consumer abandons a message mid-way', async () => {
      const server = await serve();
      const client = await connect(server);
      await client.login(password);
      const seen: string[] = [];

      for await (const stream of client.retrieve(
        MAILBOX.map((_, index) => ({ n: index + 1, size: 0 })),
      )) {
        if (stream.n === 1) {
          stream.destroy();
          continue;
        }
        seen.push(await text(stream));
      }

      expect(seen[0]).toBe(MAILBOX[1]?.data.toString('utf8'));
      expect(await client.stat()).toEqual({ count: 3, size: expect.any(Number) });
    });
    it('hands a RETR refused while it waits in the pipeline to its consumer, not to the process as an uncaught error', async () => {
      const server = await serve({
        faults: {
          onCommand: (command) =>
            command.name === 'RETR' && command.args[0] === '2'
              ? fault.reply('-ERR [SYS/TEMP] try again later')
              : undefined,
        },
      });
      const client = await connect(server);
      await client.login(password);
      const outcomes: string[] = [];

      for await (const stream of client.retrieve(
        MAILBOX.map((_, index) => ({ n: index + 1, size: 0 })),
      )) {
        // RETR 2 is refused while message 1 is read: its stream has no consumer yet.
        if (stream.n === 2) await stream.complete;
        outcomes.push(
          await text(stream).then(
            () => 'read',
            (error: PopfwdError) => error.code,
          ),
        );
      }

      expect(outcomes).toEqual(['read', 'ESYSTEMP', 'read']);
    });
  });

  describe('logging in', () => {
    it('falls back to USER/PASS on a server from before CAPA (RFC 2449)', async () => {
      const server = await serve({ capabilities: { capa: false } });
      const client = await connect(server);

      await client.login(password);

      expect(client.capabilities.known).toBe(false);
      expect(server.commands()).toContain('USER alice@example.test');
      expect(await readAll(client)).toHaveLength(3);
    });

    it('uses AUTH PLAIN when offered and re-reads CAPA after login', async () => {
      const server = await serve();
      const client = await connect(server);

      await client.login(password);

      expect(server.commands()).toEqual(['CAPA', 'AUTH PLAIN ****', 'CAPA', 'STAT']);
    });

    it('logs in with XOAUTH2 in two steps, as Outlook requires', async () => {
      const server = await serve();
      const client = await connect(server);

      await client.login(oauth2([TOKEN]));

      expect(server.commands()).toEqual(['CAPA', 'AUTH XOAUTH2', '****', 'CAPA', 'STAT']);
    });

    it('answers the XOAUTH2 failure challenge with an empty line, then renews the token once', async () => {
      const server = await serve();
      const client = await connect(server);
      const credentials = oauth2(['expired-token', TOKEN]);

      await client.login(credentials);

      expect(credentials.calls).toEqual([false, true]);
      expect(server.commands().slice(0, 5)).toEqual(
        ['CAPA', 'AUTH XOAUTH2', '****', '(empty line)', 'AUTH XOAUTH2'].map((line) =>
          line === '(empty line)' ? '' : line,
        ),
      );
    });

    it('fails with EAUTH naming the server status when the renewed token is refused too', async () => {
      const server = await serve();
      const client = await connect(server);

      const error = await failure(client.login(oauth2(['bad-1', 'bad-2'])));

      expect(error.code).toBe('EAUTH');
      expect(error.message).toMatch(/AUTH XOAUTH2 failed/);
    });

    it('rejects a wrong password with EAUTH, never showing the password', async () => {
      const server = await serve();
      const records: LogRecord[] = [];
      const client = await connect(server, { log: memoryLog(records) });

      const error = await failure(
        client.login({ kind: 'password', user: USER, password: 'wrong password' }),
      );

      expect(error.code).toBe('EAUTH');
      expect(JSON.stringify([error.message, error.context, records])).not.toMatch(/wrong password/);
    });

    it('never writes the password or token to the log', async () => {
      const server = await serve({ capabilities: { sasl: [] } });
      const records: LogRecord[] = [];
      const client = await connect(server, { log: memoryLog(records) });

      await client.login(password);
      const second = await connect(await serve(), { log: memoryLog(records) });
      await second.login(oauth2([TOKEN]));

      const logged = JSON.stringify(records);
      expect(logged).toContain('PASS ****');
      expect(logged).not.toContain(PASSWORD);
      expect(logged).not.toContain(TOKEN.slice(0, 40));
      expect(logged).not.toContain(Buffer.from(`\0${USER}\0${PASSWORD}`).toString('base64'));
    });

    it('reports another client holding the mailbox as EINUSE, retryable', async () => {
      const server = await serve();
      const holder = await connect(server);
      await holder.login(password);
      const client = await connect(server);

      const error = await failure(client.login(password));

      expect(error.code).toBe('EINUSE');
      expect(error.retryable).toBe(true);
    });

    it('maps [SYS/PERM] to a permanent error and [SYS/TEMP] to a retryable one', async () => {
      const answers = ['-ERR [SYS/PERM] account disabled', '-ERR [SYS/TEMP] try later'];
      const server = await serve({
        capabilities: { sasl: [] },
        faults: {
          onCommand: (command) =>
            command.name === 'PASS'
              ? fault.reply(answers[command.session - 1] ?? '-ERR')
              : undefined,
        },
      });

      const permanent = await failure((await connect(server)).login(password));
      const temporary = await failure((await connect(server)).login(password));

      expect([permanent.code, permanent.retryable]).toEqual(['ESYSPERM', false]);
      expect([temporary.code, temporary.retryable]).toEqual(['ESYSTEMP', true]);
    });

    it('treats a -ERR greeting as a busy server', async () => {
      const server = await serve({
        faults: { greeting: fault.reply('-ERR server busy', { close: true }) },
      });

      const error = await failure(connect(server));

      expect(error.code).toBe('ESYSTEMP');
      expect(error.retryable).toBe(true);
    });

    it('fails when the server lists no UIDL, explaining why it is needed', async () => {
      const server = await serve({ capabilities: { uidl: false } });
      const client = await connect(server);
      await client.login(password);

      const error = await failure(client.uidl());

      expect(error.code).toBe('ECAPABILITY');
      expect(error.message).toMatch(/UIDL/);
    });
  });

  describe('TLS', () => {
    it('upgrades with STLS and discards plaintext injected after the +OK', async () => {
      const server = await serve({
        tls: undefined,
        starttls: tls,
        faults: { stlsInjection: '+OK injected\r\n-ERR forged\r\n' },
      });
      const client = await connect(server, { security: 'starttls' });

      await client.login(password);

      expect(await readAll(client)).toHaveLength(3);
      expect(server.commands()).toEqual([
        'CAPA',
        'STLS',
        'CAPA',
        'AUTH PLAIN ****',
        'CAPA',
        'STAT',
        'UIDL',
        'RETR 1',
        'RETR 2',
        'RETR 3',
      ]);
    });

    it('refuses to continue in plaintext when the server does not offer STLS', async () => {
      const server = await serve({ tls: undefined });

      const error = await failure(connect(server, { security: 'starttls' }));

      expect(error.code).toBe('ETLS');
      expect(server.commands()).not.toContain('AUTH PLAIN ****');
    });

    it('refuses a certificate it cannot verify', async () => {
      const server = await serve({ tls: untrusted });

      const error = await failure(connect(server));

      expect(error.code).toBe('ETLS');
      expect(error.message).toMatch(/certificate/);
    });

    it('refuses a certificate for another host name', async () => {
      const server = await serve();

      const error = await failure(connect(server, { host: '127.0.0.2' }));

      expect(error.code).toMatch(/ETLS|ECONNECTION/);
    });
  });

  describe('faults', () => {
    it('fails the stream with ECONNECTION when the connection resets mid-RETR', async () => {
      const server = await serve({
        faults: {
          onCommand: (command) => (command.name === 'RETR' ? fault.cutAfter(40_000) : undefined),
        },
      });
      const client = await connect(server);
      await client.login(password);

      const error = await failure(text(client.retr(3)));

      expect(error.code).toBe('ECONNECTION');
    });

    it('times out a silent server and drops the connection', async () => {
      const server = await serve({
        faults: { onCommand: (command) => (command.name === 'STAT' ? fault.silence() : undefined) },
      });
      const client = await connect(server, { timeouts: { idleMs: 200 } });

      const error = await failure(client.login(password));

      expect(error.code).toBe('ETIMEDOUT');
      expect(client.state).toBe('CLOSED');
    });

    it('stops at the session deadline and closes without committing deletions', async () => {
      const server = await serve({
        faults: {
          onCommand: (command) =>
            command.name === 'RETR' && command.args[0] === '2' ? fault.delay(5_000) : undefined,
        },
      });
      const client = await connect(server, {
        deadline: Date.now() + 1_000,
        timeouts: { closeGraceMs: 100 },
      });
      await client.login(password);
      await client.dele(1);

      const error = await failure(text(client.retr(2)));
      const quit = await client.quit();

      expect(error.code).toBe('ETIMEDOUT');
      expect(quit.committed).toBe(false);
      await server.idle();
      expect(server.mailbox.messages).toHaveLength(3);
    });

    it('refuses new commands in the closing stretch before the deadline but still sends QUIT', async () => {
      const server = await serve();
      const client = await connect(server, {
        deadline: Date.now() + 2_000,
        timeouts: { closeGraceMs: 500 },
      });
      await client.login(password);
      await client.dele(1);
      await new Promise((resolve) => setTimeout(resolve, 1_600));

      const error = await failure(client.dele(2));
      const quit = await client.quit();

      expect(error.code).toBe('ETIMEDOUT');
      expect(quit.committed).toBe(true);
      await server.idle();
      expect(server.mailbox.messages.map((entry) => entry.uidl)).toEqual(['uid-2', 'uid-3']);
    });

    it('rejects a reply outside the protocol with EPROTOCOL', async () => {
      const server = await serve({
        faults: {
          onCommand: (command) => (command.name === 'STAT' ? fault.reply('HELLO?') : undefined),
        },
      });
      const client = await connect(server);

      const error = await failure(client.login(password));

      expect(error.code).toBe('EPROTOCOL');
      expect(error.message).toMatch(/unexpected reply "HELLO\?"/);
      expect(client.state).toBe('CLOSED');
    });
  });

  describe('RFC 6856 UTF8', () => {
    it('sends UTF8 after the login when CAPA offers it, before any RETR', async () => {
      const server = await serve({ capabilities: { utf8: true, substituteUnicode: true } });
      const client = await connect(server);

      await client.login(password);
      await readAll(client);

      const commands = server.commands(1);
      expect(client.utf8).toBe('on');
      expect(commands.indexOf('UTF8')).toBeGreaterThan(commands.indexOf('AUTH PLAIN ****'));
      expect(commands.indexOf('UTF8')).toBeLessThan(commands.indexOf('RETR 1'));
    });

    it('does not send UTF8 to a server that does not offer it', async () => {
      const server = await serve();
      const client = await connect(server);

      await client.login(password);

      expect(client.utf8).toBe('not-offered');
      expect(server.commands(1)).not.toContain('UTF8');
    });

    it('reports a refused UTF8 and goes on', async () => {
      const server = await serve({
        capabilities: { utf8: true },
        faults: {
          onCommand: (command) => (command.name === 'UTF8' ? fault.reply('-ERR no') : undefined),
        },
      });
      const client = await connect(server);

      const stat = await client.login(password);

      expect(stat.count).toBe(3);
      expect(client.utf8).toBe('refused');
    });
  });

  describe('size guard', () => {
    it('stops a reply the guard refuses before the refused chunk reaches anyone, and drops the session', async () => {
      const server = await serve();
      const client = await connect(server);
      await client.login(password);
      const seen: number[] = [];
      const guard = (n: number, received: number) => {
        seen.push(received);
        return received > 50_000 ? new PopfwdError('ESIZE', `message ${n} too big`) : null;
      };

      const stream = client.retr(3, guard);
      const chunks: Buffer[] = [];
      const error = await failure(
        (async () => {
          for await (const chunk of stream) chunks.push(chunk as Buffer);
        })(),
      );

      expect(error.code).toBe('ESIZE');
      expect(Buffer.concat(chunks).length).toBeLessThanOrEqual(50_000);
      expect(client.state).toBe('CLOSED');
      await server.idle();
      expect(server.mailbox.messages).toHaveLength(3);
    });
  });

  describe('a server that ends its lines with LF only', () => {
    it('reads its listings and refuses, by name, to read a message from it', async () => {
      const lfOnly = (reply: Buffer) =>
        Buffer.from(reply.toString('latin1').replaceAll('\r\n', '\n'), 'latin1');
      const server = await serve({
        tls: undefined,
        faults: {
          greeting: fault.reply(Buffer.from('+OK LF only\n')),
          onCommand: () => fault.rewrite(lfOnly),
        },
      });
      const client = await connect(server);
      await client.login(password);

      const uidls = await client.uidl();
      const error = (() => {
        try {
          client.retr(1);
        } catch (caught) {
          return caught as PopfwdError;
        }
        throw new Error('expected a refusal');
      })();

      expect(uidls.map((entry) => entry.uidl)).toEqual(['uid-1', 'uid-2', 'uid-3']);
      expect(error.code).toBe('EPROTOCOL');
      expect(error.message).toMatch(/ends its lines with LF only/);
      expect(server.commands(1)).not.toContain('RETR 1');
    });

    it('says so when such a server then falls silent, instead of only "sent nothing"', async () => {
      const server = await serve({
        tls: undefined,
        faults: {
          greeting: fault.reply(Buffer.from('+OK LF only\n')),
          onCommand: (command) => (command.name === 'CAPA' ? fault.silence() : undefined),
        },
      });

      const error = await failure(connect(server, { timeouts: { greetingMs: 200 } }));

      expect(error.code).toBe('ETIMEDOUT');
      expect(error.message).toMatch(
        /sent nothing for 200 ms \(waiting for CAPA\); the server ends its lines with LF only/,
      );
    });
  });

  describe('deleting', () => {
    it('deletes only when QUIT commits, and reports it', async () => {
      const server = await serve();
      const client = await connect(server);
      await client.login(password);

      await client.dele(1);
      const quit = await client.quit();

      await server.idle();
      expect(quit.committed).toBe(true);
      expect(server.mailbox.messages.map((entry) => entry.uidl)).toEqual(['uid-2', 'uid-3']);
    });

    it('deletes nothing when the connection drops after DELE', async () => {
      const server = await serve();
      const client = await connect(server);
      await client.login(password);

      await client.dele(1);
      client.destroy();

      await server.idle();
      expect(server.mailbox.messages).toHaveLength(3);
    });

    it('reports an uncommitted QUIT when the server answers -ERR', async () => {
      const server = await serve({
        faults: {
          onCommand: (command) =>
            command.name === 'QUIT'
              ? fault.reply('-ERR some deletes failed', { close: true })
              : undefined,
        },
      });
      const client = await connect(server);
      await client.login(password);
      await client.dele(1);

      const quit = await client.quit();

      expect(quit.committed).toBe(false);
    });

    it('unmarks deletions with RSET', async () => {
      const server = await serve();
      const client = await connect(server);
      await client.login(password);

      await client.dele(1);
      await client.rset();
      await client.quit();

      await server.idle();
      expect(server.mailbox.messages).toHaveLength(3);
    });
  });

  describe('arguments and states', () => {
    it('rejects CR, LF and NUL in a user name before anything is written', async () => {
      const server = await serve({ capabilities: { sasl: [] } });
      const client = await connect(server);

      const error = await failure(
        client.login({ kind: 'password', user: 'alice\r\nDELE 1', password: PASSWORD }),
      );

      expect(error.code).toBe('EARGUMENT');
      expect(server.commands()).toEqual(['CAPA']);
    });

    it('rejects message numbers that are not positive integers', async () => {
      const server = await serve();
      const client = await connect(server);
      await client.login(password);

      expect(() => client.retr(0)).toThrow(/positive integer/);
      await expect(client.dele(1.5)).rejects.toThrow(/positive integer/);
    });

    it('refuses transaction commands before login', async () => {
      const server = await serve();
      const client = await connect(server);

      await expect(client.stat()).rejects.toMatchObject({ code: 'ESTATE' });
    });
  });
});
