/**
 * The plain-to-TLS probe must not misjudge a slow or silent plain server, nor be fooled by a
 * server that sends TLS-looking bytes without completing a handshake.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isPopfwdError } from '../../../lambda/errors.js';
import { Pop3Client } from '../../../lambda/pop3/client.js';
import { TLS_PROBE_AFTER_MS } from '../../../lambda/pop3/tls-hints.js';
import { fault } from '../../../lambda/sandbox/pop3-faults.js';
import { type Pop3ServerOptions, startPop3Server } from '../../../lambda/sandbox/pop3-server.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const serve = async (options: Pop3ServerOptions) => {
  const server = await startPop3Server({ users: [{ user: 'u', password: 'p' }], ...options });
  cleanups.push(() => server.close());
  return server;
};

const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
};

describe('the plain-to-TLS probe against hostile and slow servers', () => {
  it('a plain server that greets after the probe ran: the session goes on', async () => {
    const server = await serve({ faults: { greeting: fault.delay(TLS_PROBE_AFTER_MS + 500) } });

    const client = await Pop3Client.connect({
      host: server.host,
      port: server.port,
      security: 'plain',
    });
    await client.quit();

    // The probe's connection was answered in plain text and closed; it never logged in
    expect(server.connections).toBe(2);
    expect(server.commands(1).some((line) => /^(USER|PASS|AUTH)/i.test(line))).toBe(false);
  });

  it('a silent plain server: a greeting timeout, not a TLS hint', async () => {
    const server = await serve({ faults: { greeting: fault.silence() } });

    const error = await failure(
      Pop3Client.connect({
        host: server.host,
        port: server.port,
        security: 'plain',
        timeouts: { greetingMs: TLS_PROBE_AFTER_MS + 700 },
      }),
    );

    expect(isPopfwdError(error) && error.code).toBe('ETIMEDOUT');
  });

  it('a server that answers with a bare TLS alert record but no handshake: no TLS hint', async () => {
    // A TLS "handshake failure" alert, then silence: TLS-looking bytes are not a TLS port
    const alert = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]);
    const sockets: Socket[] = [];
    const raw: Server = createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => {});
      socket.once('data', () => socket.write(alert));
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise((resolve) => {
          for (const socket of sockets) socket.destroy();
          raw.close(() => resolve());
        }),
    );
    const { port } = raw.address() as { port: number };

    const error = await failure(
      Pop3Client.connect({
        host: '127.0.0.1',
        port,
        security: 'plain',
        timeouts: { greetingMs: TLS_PROBE_AFTER_MS + 700 },
      }),
    );

    expect(isPopfwdError(error) && error.code).toBe('ETIMEDOUT');
  });
});
