import { connect as tlsConnect } from 'node:tls';
import { printable } from './server-text.js';

/** What a throw-away TLS handshake learned about a port. */
export interface TlsProbe {
  /** The port completed a TLS handshake (whatever its certificate). */
  readonly speaksTls: boolean;
  /** The certificate's subject and issuer, escaped like any server text; '' when unknown. */
  readonly subject: string;
  readonly issuer: string;
}

const NOTHING: TlsProbe = { speaksTls: false, subject: '', issuer: '' };

const distinguishedName = (name: unknown): string => {
  if (typeof name !== 'object' || name === null) return '';
  const parts = Object.entries(name as Record<string, unknown>).map(
    ([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : String(value)}`,
  );
  return printable(parts.join(', '), 200);
};

/**
 * Opens a second connection only to learn whether the port speaks TLS and which certificate it
 * shows, for an error message: used after a failure, never for the session. Verification is off
 * here because nothing is sent over it — it is destroyed as soon as the handshake ends.
 */
export const probeTls = (host: string, port: number, timeoutMs: number): Promise<TlsProbe> =>
  new Promise((resolve) => {
    const socket = tlsConnect({ host, port, rejectUnauthorized: false, minVersion: 'TLSv1.2' });
    const finish = (probe: TlsProbe) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(probe);
    };
    const timer = setTimeout(() => finish(NOTHING), timeoutMs);
    socket.once('error', () => finish(NOTHING));
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerCertificate();
      finish({
        speaksTls: true,
        subject: distinguishedName(certificate?.subject),
        issuer: distinguishedName(certificate?.issuer),
      });
    });
  });
