/**
 * The plain-to-TLS probe must not misjudge a slow or silent plain server, nor be fooled by a
 * server that sends TLS-looking bytes without completing a handshake.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Pop3ServerOptions,
  startPop3Server,
} from '../../../lambda/cli/sandbox/pop3-server.js';
import { isPopfwdError } from '../../../lambda/errors.js';
import { Pop3Client, Pop3State } from '../../../lambda/pop3/client.js';
import { TLS_PROBE_AFTER_MS } from '../../../lambda/pop3/tls-hints.js';
import { fault } from '../../helpers/pop3/pop3-faults.js';

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
    // Greeted, CAPA read: ready to log in
    expect(client.state).toBe(Pop3State.AUTHORIZATION);
    expect(client.capabilities.known).toBe(true);
    client.destroy();

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

  it('a certificate whose names carry terminal escapes: the hint shows them escaped, bounded', async () => {
    // Prepare: a self-signed certificate with ESC, BEL and long names, made for this test
    const dir = mkdtempSync(join(tmpdir(), 'popfwd-evil-cert-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const subject = `/CN=evil\u001b]0;pwned\u0007x/O=${'A'.repeat(60)}/OU=${'B'.repeat(60)}`;
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-utf8',
        '-subj',
        subject,
      ],
      { stdio: 'ignore' },
    );
    const server = await serve({
      tls: { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
    });

    // Act
    const error = await failure(
      Pop3Client.connect({ host: server.host, port: server.port, security: 'tls' }),
    );

    // Assess
    expect(isPopfwdError(error) && error.code).toBe('ETLS');
    const message = (error as Error).message;
    expect(message).toContain('add mailbox.caFile');
    expect(message).toContain('CN=evil\\x1b]0;pwned\\x07x');
    expect(message).not.toMatch(/[\u0000-\u001f]/);
    expect(message.length).toBeLessThan(1_200);
  });
});
