/**
 * The sandbox POP3 server: RFC 1939 with CAPA / RESP-CODES / PIPELINING (RFC 2449), STLS
 * (RFC 2595) and SASL PLAIN / XOAUTH2 (RFC 5034), in-process. It serves the built-in sandbox of
 * `popfwd run` and is the scriptable fake the POP3 client is tested against (faults: see
 * pop3-fault-hooks.ts). Never imported by the Lambda handler.
 */
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { createSecureContext } from 'node:tls';
import { Pop3Connection } from './pop3-connection.js';
import { Pop3Mailbox } from './pop3-mailbox.js';
import {
  DEFAULT_CAPABILITIES,
  DEFAULT_LIMITS,
  type Pop3ServerOptions,
  usersAuthenticator,
} from './pop3-server-options.js';
import { Pop3Session, type SessionContext } from './pop3-session.js';
import type { Pop3TranscriptEntry } from './pop3-transcript.js';

export type { Pop3State } from './pop3-capabilities.js';
export type {
  Pop3CommandHook,
  Pop3CommandInfo,
  Pop3Fault,
  Pop3Faults,
  Pop3OutputShaping,
  ReplySplitter,
} from './pop3-fault-hooks.js';
export { Pop3Mailbox, type Pop3Message } from './pop3-mailbox.js';
export type {
  Pop3Authenticator,
  Pop3Capabilities,
  Pop3Credentials,
  Pop3Limits,
  Pop3ServerOptions,
  Pop3User,
  TlsMaterial,
} from './pop3-server-options.js';
export type { Pop3TranscriptEntry } from './pop3-transcript.js';

/** How long a finished session waits for the client to close before dropping it. */
const CLOSE_GRACE_MS = 1_000;

export interface Pop3Server {
  readonly host: string;
  readonly port: number;
  /** `tls`: implicit TLS listener; `starttls`: plain listener offering STLS. */
  readonly security: 'tls' | 'starttls' | 'plain';
  readonly mailbox: Pop3Mailbox;
  /** Every line received, in order, PASS and SASL payloads masked. */
  readonly transcript: readonly Pop3TranscriptEntry[];
  /** Connections accepted so far. */
  readonly connections: number;
  /** The lines received in one session, or in all sessions. */
  commands(session?: number): string[];
  /** Resolves when no session is open: the server has finished with every client. */
  idle(): Promise<void>;
  /** Stops listening, drops every open connection (no UPDATE) and waits for the sessions. */
  close(): Promise<void>;
}

export const startPop3Server = async (options: Pop3ServerOptions = {}): Promise<Pop3Server> => {
  if (options.tls && options.starttls) {
    throw new Error('pop3 server: choose implicit tls or starttls, not both');
  }
  const host = options.host ?? '127.0.0.1';
  const mailbox =
    options.mailbox instanceof Pop3Mailbox ? options.mailbox : new Pop3Mailbox(options.mailbox);
  const capabilities = { ...DEFAULT_CAPABILITIES, ...options.capabilities };
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const authenticate = options.authenticate ?? usersAuthenticator(options.users ?? []);
  const faults = options.faults ?? {};
  const implicit = options.tls ? createSecureContext(options.tls) : null;
  const starttls = options.starttls ? createSecureContext(options.starttls) : null;

  const transcript: Pop3TranscriptEntry[] = [];
  const sessions = new Map<Socket, Promise<void>>();
  let connections = 0;

  const serve = async (socket: Socket, id: number): Promise<void> => {
    const connection = new Pop3Connection(socket, faults.output);
    if (implicit) {
      try {
        await connection.startTls(implicit);
      } catch {
        connection.destroy();
        return;
      }
    }
    const context: SessionContext = {
      id,
      mailbox,
      capabilities,
      limits,
      authenticate,
      faults,
      starttls,
      record: (line) => transcript.push({ session: id, line }),
    };
    await new Pop3Session(connection, context).run();
    await connection.close(CLOSE_GRACE_MS);
  };

  const server = createServer((socket) => {
    connections += 1;
    const session = serve(socket, connections)
      .catch(() => {
        socket.destroy();
      })
      .finally(() => sessions.delete(socket));
    sessions.set(socket, session);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: options.port ?? 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const idle = async (): Promise<void> => {
    while (sessions.size > 0) await Promise.all(sessions.values());
  };

  return {
    host,
    port,
    security: implicit ? 'tls' : starttls ? 'starttls' : 'plain',
    mailbox,
    transcript,
    get connections() {
      return connections;
    },
    commands: (session) =>
      transcript
        .filter((entry) => session === undefined || entry.session === session)
        .map((entry) => entry.line),
    idle,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sessions.keys()) socket.destroy();
      await idle();
      await closed;
    },
  };
};
