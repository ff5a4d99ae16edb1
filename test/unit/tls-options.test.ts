import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { clientTlsOptions } from '../../lambda/tls-options.js';
import { TLS_PATHS, testTls } from '../helpers/tls-fixtures.js';

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** Connects to a TLS server with popfwd's options; resolves 'ok' or the error code. */
const handshake = async (
  serverTls: { key: Buffer; cert: Buffer },
  ca?: Buffer,
): Promise<string> => {
  const server = createServer(serverTls, (socket) => socket.end());
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, ...clientTlsOptions('localhost', ca) });
    socket.once('secureConnect', () => {
      socket.destroy();
      resolve('ok');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
};

describe('clientTlsOptions', () => {
  it('trusts a server certified by the extra CA, with verification on', async () => {
    const { ca, cert, key } = testTls();
    expect(await handshake({ key, cert }, ca)).toBe('ok');
  });

  it('refuses the same server without the extra CA', async () => {
    const { cert, key } = testTls();
    expect(await handshake({ key, cert })).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('builds one secure context per CA and reuses it', () => {
    const ca = readFileSync(TLS_PATHS.ca);
    const first = clientTlsOptions('pop.example.test', ca).secureContext;

    expect(first).toBeDefined();
    expect(clientTlsOptions('smtp.example.test', Buffer.from(ca)).secureContext).toBe(first);
    expect(clientTlsOptions('pop.example.test').secureContext).toBeUndefined();
  });

  it('sends SNI for a host name, never for an IP address', () => {
    expect(clientTlsOptions('pop.example.test')).toMatchObject({
      servername: 'pop.example.test',
      minVersion: 'TLSv1.2',
      rejectUnauthorized: true,
    });
    expect(clientTlsOptions('127.0.0.1')).not.toHaveProperty('servername');
  });
});
