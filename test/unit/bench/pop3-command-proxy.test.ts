import { afterEach, describe, expect, it } from 'vitest';
import {
  type CommandProxy,
  type CommandProxyOptions,
  OUTLOOK_CAPABILITIES,
  startCommandProxy,
} from '../../../bench/lib/pop3-command-proxy.js';
import { type Pop3Server, startPop3Server } from '../../../lambda/cli/sandbox/pop3-server.js';
import { Pop3Client } from '../../../lambda/pop3/client.js';
import { RawPop3Client } from '../../helpers/pop3/raw-pop3-client.js';
import { testTls } from '../../helpers/tls-fixtures.js';

const USER = 'alice@example.test';
const PASSWORD = 'proxy-secret';
const { ca, cert, key } = testTls();

const message = (subject: string, body: string) =>
  Buffer.from(`From: bob@example.org\r\nSubject: ${subject}\r\n\r\n${body}`, 'latin1');

const MAILBOX = [
  { uidl: 'uid-1', data: message('one', 'Hello\r\n.leading dot\r\n.\r\nafter a lone dot\r\n') },
  { uidl: 'uid-2', data: message('two', 'caf\xe9 8-bit\r\n') },
  { uidl: 'uid-3', data: message('three', `${'long line '.repeat(20_000)}\r\n`) },
];

const servers: Pop3Server[] = [];
const proxies: CommandProxy[] = [];
const clients: Array<{ destroy(): void }> = [];

/** The sandbox server on plain loopback, and a proxy in front of it. */
const rig = async (options: Pick<CommandProxyOptions, 'delayMs' | 'capabilities'>) => {
  const server = await startPop3Server({
    users: [{ user: USER, password: PASSWORD }],
    mailbox: MAILBOX,
  });
  servers.push(server);
  const proxy = await startCommandProxy({
    upstream: { host: server.host, port: server.port },
    tls: { key, cert },
    ...options,
  });
  proxies.push(proxy);
  return { server, proxy };
};

const readMailbox = async (port: number) => {
  const client = await Pop3Client.connect({ host: 'localhost', port, security: 'tls', ca });
  clients.push(client);
  await client.login({ kind: 'password', user: USER, password: PASSWORD });
  const listing = await client.uidl();
  const contents: Buffer[] = [];
  for await (const stream of client.retrieve(listing.map(({ n }) => ({ n, size: 0 })))) {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    contents.push(Buffer.concat(chunks));
  }
  const pipelining = client.pipelining;
  const capabilities = client.capabilities;
  await client.quit();
  return { contents, pipelining, capabilities };
};

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('the POP3 command proxy', () => {
  it('hides PIPELINING Outlook-style, so a client waits for every reply, and every byte arrives', async () => {
    // Prepare
    const { server, proxy } = await rig({ delayMs: 5, capabilities: OUTLOOK_CAPABILITIES });

    // Act
    const read = await readMailbox(proxy.port);
    const [session] = await proxy.takeSessions();

    // Assess
    expect(read.pipelining).toBe(false);
    expect(read.capabilities.pipelining).toBe(false);
    expect(read.capabilities.respCodes).toBe(false);
    expect(read.contents).toEqual(MAILBOX.map((entry) => entry.data));
    expect(session?.pipelined).toBe(0);
    expect(session?.byVerb.RETR).toBe(3);
    expect(session?.byVerb.QUIT).toBe(1);
    // Every line the client sent reached the server, one by one.
    expect(session?.lines).toBe(server.commands().length);
    expect(session?.framingLost).toBe(false);
  });

  it("passes Dovecot's capabilities on as they are and counts the commands a client pipelines", async () => {
    // Prepare
    const { proxy } = await rig({ delayMs: 0, capabilities: null });

    // Act
    const read = await readMailbox(proxy.port);
    const [session] = await proxy.takeSessions();

    // Assess
    expect(read.pipelining).toBe(true);
    expect(read.contents).toEqual(MAILBOX.map((entry) => entry.data));
    // The client writes STAT behind CAPA, and RETR 2 and 3 behind RETR 1, in one go.
    expect(session?.pipelined).toBeGreaterThanOrEqual(3);
    expect(session?.byVerb.RETR).toBe(3);
  });

  it('counts a SASL response as a line of its own, not as a command', async () => {
    // Prepare
    const { proxy } = await rig({ delayMs: 1, capabilities: OUTLOOK_CAPABILITIES });
    const client = await RawPop3Client.connect(
      { host: '127.0.0.1', port: proxy.port },
      { tlsCa: ca },
    );
    clients.push(client);
    await client.line();

    // Act
    const challenge = await client.command('AUTH PLAIN');
    const login = await client.command(Buffer.from(`\0${USER}\0${PASSWORD}`).toString('base64'));
    const quit = await client.command('QUIT');
    await client.closed();
    const [session] = await proxy.takeSessions();

    // Assess
    expect(challenge.startsWith('+')).toBe(true);
    expect(login.startsWith('+OK')).toBe(true);
    expect(quit.startsWith('+OK')).toBe(true);
    expect(session?.byVerb).toEqual({ AUTH: 1, SASL: 1, QUIT: 1 });
  });

  it('ends a session whose client sends a line longer than any command or token', async () => {
    // Prepare
    const { proxy } = await rig({ delayMs: 0, capabilities: null });
    const client = await RawPop3Client.connect(
      { host: '127.0.0.1', port: proxy.port },
      { tlsCa: ca },
    );
    clients.push(client);
    await client.line();

    // Act
    client.write('X'.repeat(100 * 1024));
    await client.closed();

    // Assess
    expect(await proxy.takeSessions()).toHaveLength(1);
  });

  it('drops both sides of an open session when it closes, leaving the server no session', async () => {
    // Prepare
    const { server, proxy } = await rig({ delayMs: 0, capabilities: null });
    const client = await RawPop3Client.connect(
      { host: '127.0.0.1', port: proxy.port },
      { tlsCa: ca },
    );
    clients.push(client);
    await client.line();
    await client.command('NOOP');

    // Act
    await proxy.close();
    proxies.splice(proxies.indexOf(proxy), 1);
    await client.closed();
    await server.idle();

    // Assess
    expect(server.connections).toBe(1);
    expect(server.commands()).toEqual(['NOOP']);
  });
});
