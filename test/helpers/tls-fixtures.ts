/** Paths and contents of the test TLS material (test/fixtures/tls/README.md). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/tls/${name}`, import.meta.url));

export const TLS_PATHS = {
  ca: fixture('ca.pem'),
  cert: fixture('server.pem'),
  key: fixture('server-key.pem'),
  untrustedCert: fixture('untrusted.pem'),
  untrustedKey: fixture('untrusted-key.pem'),
} as const;

/** CA to trust, and a server key pair it signed (localhost, 127.0.0.1). */
export const testTls = (): { ca: Buffer; cert: Buffer; key: Buffer } => ({
  ca: readFileSync(TLS_PATHS.ca),
  cert: readFileSync(TLS_PATHS.cert),
  key: readFileSync(TLS_PATHS.key),
});

/** A self-signed pair no test client trusts. */
export const untrustedTls = (): { cert: Buffer; key: Buffer } => ({
  cert: readFileSync(TLS_PATHS.untrustedCert),
  key: readFileSync(TLS_PATHS.untrustedKey),
});
