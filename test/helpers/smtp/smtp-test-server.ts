import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  SMTPServer,
  type SMTPServerAuthentication,
  type SMTPServerOptions,
  type SMTPServerSession,
} from 'smtp-server';

/**
 * A real smtp-server on 127.0.0.1, port 0, that keeps every message it accepts: the envelope as
 * received (MAIL FROM parameters included) and the DATA bytes as delivered (dot-unstuffed).
 * TLS uses test/fixtures/tls (server.pem for localhost and 127.0.0.1, signed by ca.pem).
 */

const tlsDir = fileURLToPath(new URL('../../fixtures/tls/', import.meta.url));
export const TEST_CA = readFileSync(`${tlsDir}ca.pem`);
const SERVER_CERT = readFileSync(`${tlsDir}server.pem`);
const SERVER_KEY = readFileSync(`${tlsDir}server-key.pem`);
const UNTRUSTED_CERT = readFileSync(`${tlsDir}untrusted.pem`);
const UNTRUSTED_KEY = readFileSync(`${tlsDir}untrusted-key.pem`);

export interface CapturedMail {
  readonly from: string;
  /** MAIL FROM parameters, upper-case keys (BODY, SIZE, RET, ENVID …). */
  readonly mailFromArgs: Readonly<Record<string, string | boolean>>;
  readonly to: readonly string[];
  /** RCPT TO parameters per recipient, upper-case keys (NOTIFY, ORCPT …). */
  readonly rcptArgs: readonly Readonly<Record<string, string | boolean>>[];
  readonly raw: Buffer;
  readonly user: string | undefined;
  readonly secure: boolean;
}

export interface AuthAttempt {
  readonly method: string;
  readonly username: string;
  readonly accessToken?: string;
  readonly password?: string;
}

export interface SmtpTestServerOptions {
  /** `starttls` (default, like port 587), `tls` (implicit, like 465) or `plain`. */
  readonly mode?: 'starttls' | 'tls' | 'plain';
  /** Present the self-signed certificate no client trusts. */
  readonly untrusted?: boolean;
  /** user → password for PLAIN and LOGIN. */
  readonly passwords?: Readonly<Record<string, string>>;
  /** Decides an XOAUTH2 attempt; the default accepts none. */
  readonly xoauth2?: (attempt: AuthAttempt) => 'ok' | 'challenge' | Error;
  /** An error to answer DATA with instead of accepting the message. */
  readonly dataReply?: (mail: CapturedMail) => Error | undefined;
  /** Extra smtp-server options (hooks, hide8BITMIME, size …), applied last. */
  readonly server?: Partial<SMTPServerOptions>;
  /** The loopback address to listen on. @default '127.0.0.1' */
  readonly host?: string;
}

export interface SmtpTestServer {
  readonly port: number;
  readonly messages: CapturedMail[];
  readonly auths: AuthAttempt[];
  close(): Promise<void>;
}

/** An Error smtp-server answers with this SMTP reply code. */
export const smtpReply = (responseCode: number, message: string): Error =>
  Object.assign(new Error(message), { responseCode });

const passwordAuth = (
  passwords: Readonly<Record<string, string>>,
  auth: SMTPServerAuthentication,
): Error | undefined =>
  auth.username !== undefined && passwords[auth.username] === auth.password
    ? undefined
    : smtpReply(535, '5.7.8 Authentication credentials invalid');

const collect = async (stream: NodeJS.ReadableStream): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const upperKeys = (args: unknown): Record<string, string | boolean> =>
  Object.fromEntries(
    Object.entries((args ?? {}) as Record<string, string | boolean>).map(([key, value]) => [
      key.toUpperCase(),
      value,
    ]),
  );

const captured = (session: SMTPServerSession, raw: Buffer): CapturedMail => {
  const mailFrom = session.envelope.mailFrom;
  return {
    from: mailFrom === false ? '' : mailFrom.address,
    mailFromArgs: mailFrom === false ? {} : upperKeys(mailFrom.args),
    to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
    rcptArgs: session.envelope.rcptTo.map((rcpt) => upperKeys(rcpt.args)),
    raw,
    user: typeof session.user === 'string' ? session.user : undefined,
    secure: session.secure,
  };
};

export const startSmtpTestServer = async (
  options: SmtpTestServerOptions = {},
): Promise<SmtpTestServer> => {
  const messages: CapturedMail[] = [];
  const auths: AuthAttempt[] = [];
  const mode = options.mode ?? 'starttls';
  const server = new SMTPServer({
    secure: mode === 'tls',
    ...(mode === 'plain'
      ? { disabledCommands: ['STARTTLS'], allowInsecureAuth: true }
      : {
          cert: options.untrusted ? UNTRUSTED_CERT : SERVER_CERT,
          key: options.untrusted ? UNTRUSTED_KEY : SERVER_KEY,
        }),
    authMethods: ['PLAIN', 'LOGIN', 'XOAUTH2'],
    disableReverseLookup: true,
    logger: false,
    onAuth(auth, _session, callback) {
      const attempt: AuthAttempt = {
        method: auth.method,
        username: auth.username ?? '',
        ...(auth.accessToken === undefined ? {} : { accessToken: auth.accessToken }),
        ...(typeof auth.password === 'string' ? { password: auth.password } : {}),
      };
      auths.push(attempt);
      if (auth.method === 'XOAUTH2') {
        const verdict =
          options.xoauth2?.(attempt) ?? smtpReply(535, '5.7.3 Authentication unsuccessful');
        if (verdict === 'ok') return callback(null, { user: attempt.username });
        if (verdict === 'challenge') {
          return callback(null, { data: { status: '401', schemes: 'bearer', scope: 'smtp' } });
        }
        return callback(verdict);
      }
      const error = passwordAuth(options.passwords ?? {}, auth);
      return error ? callback(error) : callback(null, { user: attempt.username });
    },
    onData(stream, session, callback) {
      collect(stream).then(
        (raw) => {
          const mail = captured(session, raw);
          const reply = options.dataReply?.(mail);
          if (reply) return callback(reply);
          messages.push(mail);
          return callback(null, `queued as ${messages.length}`);
        },
        (error: Error) => callback(error),
      );
    },
    ...options.server,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host ?? '127.0.0.1', () => resolve());
  });
  server.on('error', () => {});
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    messages,
    auths,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
