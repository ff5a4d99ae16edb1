import { PopfwdError } from '../errors.js';
import { printable } from './server-text.js';
import { probeTls, type TlsProbe } from './tls-probe.js';
import type { TransportOptions } from './transport.js';

/**
 * TLS failures in words that name the fix in the config. OpenSSL's own text ("wrong version
 * number") stays in the error's cause, shown with --verbose.
 */

/** OpenSSL's errors when the bytes that came back are not TLS records (a plain greeting). */
const NOT_TLS_CODES = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_UNKNOWN_PROTOCOL',
  'ERR_SSL_RECORD_LAYER_FAILURE',
]);
const UNTRUSTED_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
]);
const DATE_CODES = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const NAME_CODE = 'ERR_TLS_CERT_ALTNAME_INVALID';

/** Silence before the greeting after which a plain client asks whether the port speaks TLS. */
export const TLS_PROBE_AFTER_MS = 2_500;
const PROBE_TIMEOUT_MS = 3_000;

const where = (options: TransportOptions) => `${options.host}:${options.port}`;
const codeOf = (error: unknown): string => (error as NodeJS.ErrnoException)?.code ?? '';

export const isNotTlsError = (error: unknown): boolean => NOT_TLS_CODES.has(codeOf(error));
export const isCertificateError = (error: unknown): boolean => {
  const code = codeOf(error);
  return UNTRUSTED_CODES.has(code) || DATE_CODES.has(code) || code === NAME_CODE;
};

const tlsError = (message: string, options: TransportOptions, cause?: unknown) =>
  new PopfwdError('ETLS', message, {
    ...(cause === undefined ? {} : { cause }),
    context: { host: options.host, port: options.port, errno: codeOf(cause) },
  });

/** Implicit TLS met a plain-text server: its greeting arrived where a TLS record belonged. */
export const plainPortError = (options: TransportOptions, cause: unknown): PopfwdError =>
  tlsError(
    `port ${options.port} speaks plain POP3, not TLS (${options.host} answered in plain text): use security: starttls, or security: tls with the server's TLS port (usually 995)`,
    options,
    cause,
  );

/** A plain client met a port that waits for a TLS handshake and so never greets. */
export const tlsPortError = (options: TransportOptions): PopfwdError =>
  tlsError(
    `port ${options.port} expects TLS (${options.host} sent no greeting but answers a TLS handshake): use security: tls`,
    options,
  );

const certificateNamed = (probe: TlsProbe | null): string =>
  probe?.subject ? `; subject ${probe.subject}, issued by ${probe.issuer || 'unknown'}` : '';

/** A certificate that failed verification, with what to change; `probe` may name it. */
export const certificateError = (
  cause: unknown,
  options: TransportOptions,
  probe: TlsProbe | null,
): PopfwdError => {
  const code = codeOf(cause);
  const named = certificateNamed(probe);
  const reason = printable((cause as Error)?.message ?? String(cause), 300);
  if (code === NAME_CODE) {
    return tlsError(
      `the certificate of ${where(options)} is not issued for "${options.host}" (${reason}${named}): set mailbox.pop3.host to a name the certificate lists`,
      options,
      cause,
    );
  }
  if (DATE_CODES.has(code)) {
    const state = code === 'CERT_HAS_EXPIRED' ? 'has expired' : 'is not valid yet';
    return tlsError(
      `the certificate of ${where(options)} ${state}${named ? ` (${named.slice(2)})` : ''}: the server must renew it, or this machine's clock is wrong`,
      options,
      cause,
    );
  }
  // SELF_SIGNED_CERT_IN_CHAIN: a private CA (its self-signed root) sent along with the certificate.
  const kind =
    code === 'DEPTH_ZERO_SELF_SIGNED_CERT'
      ? 'self-signed'
      : 'signed by a certificate authority this machine does not trust';
  return tlsError(
    `the certificate of ${where(options)} is not trusted: it is ${kind}${named}. If it is your server's own certificate, add mailbox.caFile: the PEM file of the CA that signed it (for a self-signed one, the certificate itself)`,
    options,
    cause,
  );
};

/** The certificate error, naming the certificate when a second handshake can read it. */
export const describeCertificateError = async (
  cause: unknown,
  options: TransportOptions,
): Promise<PopfwdError> => {
  // Implicit TLS only: after STLS the certificate sits behind a POP3 exchange.
  const probe =
    options.security === 'tls'
      ? await probeTls(options.host, options.port, PROBE_TIMEOUT_MS)
      : null;
  return certificateError(cause, options, probe);
};

/**
 * The greeting, or ETLS when it is late and the port turns out to speak TLS (plain to port 995
 * would otherwise wait out the whole greeting timeout and report only a timeout).
 */
export const greetingOrTlsPort = (
  greeting: Promise<void>,
  options: TransportOptions,
  probeAfterMs = TLS_PROBE_AFTER_MS,
): Promise<void> => {
  if (options.security === 'tls') return greeting;
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      action();
    };
    const timer = setTimeout(() => {
      void probeTls(options.host, options.port, PROBE_TIMEOUT_MS).then((probe) => {
        if (probe.speaksTls) settle(() => reject(tlsPortError(options)));
      });
    }, probeAfterMs);
    greeting.then(
      () => settle(resolve),
      (error: unknown) => settle(() => reject(error)),
    );
  });
};
