/** SASL payloads (RFC 4616 PLAIN, Google/Microsoft XOAUTH2), base64 for the wire. */

export const plainPayload = (user: string, password: string): string =>
  Buffer.from(`\0${user}\0${password}`, 'utf8').toString('base64');

/** `user=<addr>^Aauth=Bearer <token>^A^A`, exactly as Microsoft documents it. */
export const xoauth2Payload = (user: string, accessToken: string): string =>
  Buffer.from(`user=${user}\x01auth=Bearer ${accessToken}\x01\x01`, 'utf8').toString('base64');

/** The JSON an XOAUTH2 server sends in its failure challenge, if it decodes. */
export const decodeXoauth2Challenge = (base64: string): Record<string, unknown> | null => {
  try {
    const value: unknown = JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};
