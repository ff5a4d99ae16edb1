import type { Socket } from 'node:net';
import { PopfwdError } from '../../errors.js';
import { buildCommand } from '../command.js';
import type { Connection } from '../connection.js';
import { printable } from '../server-text.js';
import { type TransportOptions, upgradeToTls } from '../transport.js';

/**
 * STLS (RFC 2595): upgrades the plain connection before anything secret is sent. A server that
 * does not offer it is refused rather than logged in to in plaintext.
 */
export const startTls = async (
  connection: Connection,
  transport: TransportOptions,
): Promise<void> => {
  if (connection.capabilities.known && !connection.capabilities.stls) {
    throw new PopfwdError('ETLS', 'the server does not offer STLS; refusing to log in without TLS');
  }
  const plain = await new Promise<Socket>((resolve, reject) => {
    connection.send(buildCommand('STLS'), {
      kind: 'single',
      verb: 'STLS',
      pipelinable: false,
      onStatus: (status) => {
        connection.done();
        if (!status.ok) {
          reject(
            new PopfwdError('ETLS', `the server refused STLS: -ERR ${printable(status.text)}`),
          );
          return;
        }
        // Anything after "+OK" arrived in plaintext and could be forged: never read it.
        connection.parser.discardBuffered();
        resolve(connection.detachSocket());
      },
      fail: reject,
    });
  });
  // The handshake counts against the session deadline like every reply.
  const { deadline } = connection.options;
  const left =
    deadline === undefined
      ? transport.connectTimeoutMs
      : Math.max(1, deadline - connection.clock.now());
  const secure = await upgradeToTls(plain, {
    ...transport,
    connectTimeoutMs: Math.min(connection.timeouts.connectMs, left),
  });
  connection.attachSocket(secure);
  connection.log.debug('STLS upgrade done', { protocol: secure.getProtocol() });
};
