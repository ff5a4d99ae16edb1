import { type Socket, connect as tcpConnect } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import type { Security } from '../config/config-schema.js';
import { PopfwdError } from '../errors.js';
import { clientTlsOptions } from '../tls-options.js';
import { printable } from './server-text.js';
import {
  describeCertificateError,
  isCertificateError,
  isNotTlsError,
  plainPortError,
} from './tls-hints.js';

export interface TransportOptions {
  readonly host: string;
  readonly port: number;
  readonly security: Security;
  /** Extra trusted CA certificates (PEM); the system's roots stay trusted. */
  readonly ca?: string | Buffer;
  readonly connectTimeoutMs: number;
}

const TLS_CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const where = (options: TransportOptions) => `${options.host}:${options.port}`;

/** Socket errors become ECONNECTION or ETLS, with the server named and the cause kept. */
export const wrapSocketError = (
  error: unknown,
  options: TransportOptions,
  during: 'connect' | 'tls' | 'session',
) => {
  const code = (error as NodeJS.ErrnoException)?.code ?? '';
  // A certificate's names come from the server: shown escaped like any server text.
  const reason = printable((error as Error)?.message ?? String(error), 300);
  const context = { host: options.host, port: options.port, errno: code };
  // Socket-level failures (refused, reset, DNS) carry a syscall even during a TLS handshake.
  const socketLevel = typeof (error as { syscall?: unknown })?.syscall === 'string';
  const tlsLevel =
    TLS_CERT_CODES.has(code) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS');
  if (during === 'tls' && options.security === 'tls' && isNotTlsError(error)) {
    return plainPortError(options, error);
  }
  if (tlsLevel || (during === 'tls' && !socketLevel)) {
    const detail = TLS_CERT_CODES.has(code)
      ? 'certificate verification failed'
      : 'TLS negotiation failed';
    return new PopfwdError('ETLS', `${detail} with ${where(options)}: ${reason}`, {
      cause: error,
      context,
    });
  }
  const syscall = (error as { syscall?: unknown })?.syscall;
  const connecting = during === 'connect' || syscall === 'connect' || syscall === 'getaddrinfo';
  const verb = connecting ? 'cannot connect to' : 'connection to';
  const tail = connecting ? '' : ' was lost';
  return new PopfwdError('ECONNECTION', `${verb} ${where(options)}${tail}: ${reason}`, {
    cause: error,
    context,
  });
};

const tlsOptions = (options: TransportOptions) => clientTlsOptions(options.host, options.ca);

/** Waits for `ready` on a fresh socket, failing on error or after the connect timeout. */
const whenReady = <S extends Socket>(
  socket: S,
  ready: 'connect' | 'secureConnect',
  options: TransportOptions,
  during: 'connect' | 'tls',
): Promise<S> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new PopfwdError(
          'ETIMEDOUT',
          `no ${during === 'tls' ? 'TLS handshake' : 'connection'} with ${where(options)} within ${options.connectTimeoutMs} ms`,
          {
            context: { host: options.host, port: options.port },
          },
        ),
      );
    }, options.connectTimeoutMs);
    const onError = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (isCertificateError(error)) {
        // Names the certificate, which a second handshake reads (never rejects).
        void describeCertificateError(error, options).then(reject);
        return;
      }
      reject(wrapSocketError(error, options, during));
    };
    socket.once('error', onError);
    socket.once(ready, () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
  });

/** TCP, or implicit TLS (port 995), ready to read the greeting. */
export const openSocket = async (options: TransportOptions): Promise<Socket | TLSSocket> => {
  if (options.security === 'tls') {
    const socket = tlsConnect({ host: options.host, port: options.port, ...tlsOptions(options) });
    return whenReady(socket, 'secureConnect', options, 'tls');
  }
  const socket = tcpConnect({ host: options.host, port: options.port });
  return whenReady(socket, 'connect', options, 'connect');
};

/** STLS (RFC 2595): wraps the plain socket; certificate checks as for implicit TLS. */
export const upgradeToTls = (socket: Socket, options: TransportOptions): Promise<TLSSocket> =>
  whenReady(tlsConnect({ socket, ...tlsOptions(options) }), 'secureConnect', options, 'tls');
