import { isIP } from 'node:net';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';

const contexts = new Map<string, SecureContext>();

/**
 * TLS options for popfwd's connections to mail servers: certificates verified, TLS 1.2 or newer,
 * SNI for host names (never for an IP address, RFC 6066 §3). An extra CA (`mailbox.caFile`) joins
 * the system roots — a `ca` option alone would replace them — in a secure context built once per
 * process: parsing the roots costs about 100 ms per connection otherwise.
 */
export const clientTlsOptions = (host: string, ca?: string | Buffer) => {
  const pem = ca?.toString();
  let secureContext = pem === undefined ? undefined : contexts.get(pem);
  if (pem && !secureContext) {
    secureContext = createSecureContext({ ca: [...rootCertificates, pem], minVersion: 'TLSv1.2' });
    contexts.set(pem, secureContext);
  }
  return {
    minVersion: 'TLSv1.2' as const,
    rejectUnauthorized: true,
    ...(isIP(host) ? {} : { servername: host }),
    ...(secureContext ? { secureContext } : {}),
  };
};
