/** SASL payload decoding for the sandbox POP3 server (RFC 4616 PLAIN, Google/Microsoft XOAUTH2). */
import type { Pop3Credentials } from './pop3-server-options.js';

/** Strict base64 (RFC 4648 alphabet, padded); null for anything else. `=` is an empty response. */
export const decodeSaslResponse = (line: string): Buffer | null => {
  if (line === '=') return Buffer.alloc(0);
  if (line.length === 0 || line.length % 4 !== 0) return null;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(line)) return null;
  return Buffer.from(line, 'base64');
};

/** `authzid NUL authcid NUL password`; the authzid must be empty or the same user. */
export const parsePlain = (payload: Buffer): Pop3Credentials | null => {
  const fields = payload.toString('utf8').split('\0');
  if (fields.length !== 3) return null;
  const [authzid = '', user = '', password = ''] = fields;
  if (user === '' || (authzid !== '' && authzid !== user)) return null;
  return { mechanism: 'PLAIN', user, password };
};

/** `user=<address> ^A auth=Bearer <token> ^A ^A`. */
export const parseXoauth2 = (payload: Buffer): Pop3Credentials | null => {
  const text = payload.toString('utf8');
  if (!text.endsWith('\x01\x01')) return null;
  const fields = text.slice(0, -2).split('\x01');
  const user = fields.find((field) => field.startsWith('user='))?.slice('user='.length);
  const auth = fields.find((field) => field.startsWith('auth='))?.slice('auth='.length);
  const bearer = /^Bearer (\S+)$/i.exec(auth ?? '');
  if (!user || !bearer?.[1]) return null;
  return { mechanism: 'XOAUTH2', user, accessToken: bearer[1] };
};

/** The JSON Outlook sends as the last challenge of a failed XOAUTH2 login, base64-encoded. */
export const xoauth2FailureChallenge = (): string =>
  Buffer.from(
    JSON.stringify({
      status: '401',
      schemes: 'bearer',
      scope: 'https://outlook.office.com/POP.AccessAsUser.All',
    }),
  ).toString('base64');
