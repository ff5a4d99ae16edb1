/**
 * A tiny RFC 7662 token introspection endpoint for Dovecot's oauth2 passdb
 * (`introspection_mode = post`): Dovecot POSTs `token=<access token>` and reads
 * `{"active": true, "username": ...}` back. Unknown tokens are `{"active": false}`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface IntrospectionServer {
  readonly url: string;
  /** Access tokens Dovecot asked about, in order. */
  readonly tokens: readonly string[];
  close(): Promise<void>;
}

/** `users` maps an access token to the login name it belongs to. */
export const startIntrospectionServer = async (
  users: Readonly<Record<string, string>>,
): Promise<IntrospectionServer> => {
  const tokens: string[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const token = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('token') ?? '';
      tokens.push(token);
      const username = Object.hasOwn(users, token) ? users[token] : undefined;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(username ? { active: true, username } : { active: false }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/introspect`,
    tokens,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};
