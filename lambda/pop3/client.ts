import type { Credentials } from '../auth/credentials.js';
import { systemClock } from '../clock.js';
import { PopfwdError } from '../errors.js';
import type { Log } from '../log.js';
import type { Capabilities } from './capabilities.js';
import type { WireCommand } from './command.js';
import type { SaslChannel } from './commands/auth.js';
import { refreshCapabilities } from './commands/capa.js';
import { dele, rset } from './commands/dele.js';
import { readGreeting } from './commands/greeting.js';
import { sizes } from './commands/list.js';
import { login } from './commands/login.js';
import { noop } from './commands/noop.js';
import { type QuitResult, quit } from './commands/quit.js';
import { retr, type SizeGuard, top } from './commands/retr.js';
import { type Retrieval, retrieve } from './commands/retrieve.js';
import { type Stat, stat } from './commands/stat.js';
import { startTls } from './commands/stls.js';
import { uidlListing } from './commands/uidl.js';
import { Connection, type Pop3State, type Utf8Mode } from './connection.js';
import { POP3_TIMEOUTS } from './limits.js';
import type { SizeListing, UidlEntry, UidlListing } from './listing.js';
import type { Pop3MessageStream } from './message-stream.js';
import type { Pop3ClientOptions } from './options.js';
import { type SaslReply, saslRequest } from './requests.js';
import { greetingOrTlsPort } from './tls-hints.js';
import { openSocket, type TransportOptions } from './transport.js';

export type { SaslChannel } from './commands/auth.js';
export type { QuitResult } from './commands/quit.js';
export type { SizeGuard } from './commands/retr.js';
export type { Stat } from './commands/stat.js';
export { Pop3State, type Utf8Mode } from './connection.js';
export type { RejectedLine, SizeListing, UidlEntry, UidlListing } from './listing.js';
export type { Pop3ClientOptions } from './options.js';
export type { SaslReply } from './requests.js';

const transportOptions = (
  options: Pop3ClientOptions,
  connectTimeoutMs: number,
): TransportOptions => ({
  host: options.host,
  port: options.port,
  security: options.security,
  connectTimeoutMs,
  ...(options.ca ? { ca: options.ca } : {}),
});

/**
 * A POP3 session (RFC 1939) with CAPA (RFC 2449), STLS (RFC 2595) and SASL (RFC 5034). Every
 * command checks the session state; its reply handler is registered before the command is
 * written. With PIPELINING, RETRs go out ahead of their replies and are demultiplexed in order
 * into per-message streams; otherwise one command at a time.
 *
 * This class is the public face only: each command is a function in commands/ (one file per
 * command or family), the socket, state and timers are connection.ts, the order of replies is
 * reply-queue.ts.
 */
export class Pop3Client implements SaslChannel {
  readonly #connection: Connection;

  private constructor(connection: Connection) {
    this.#connection = connection;
  }

  /** Connects, reads the greeting and CAPA, and upgrades with STLS when configured. */
  static async connect(options: Pop3ClientOptions): Promise<Pop3Client> {
    const timeouts = { ...POP3_TIMEOUTS, ...options.timeouts };
    const clock = options.clock ?? systemClock;
    const remaining =
      options.deadline === undefined ? Number.POSITIVE_INFINITY : options.deadline - clock.now();
    if (remaining <= 0)
      throw new PopfwdError('ETIMEDOUT', 'the run deadline passed before connecting');
    const transport = transportOptions(options, Math.min(timeouts.connectMs, remaining));
    const socket = await openSocket(transport);
    const connection = new Connection(socket, options, timeouts);
    const client = new Pop3Client(connection);
    try {
      await greetingOrTlsPort(readGreeting(connection), transport);
      await refreshCapabilities(connection);
      if (options.security === 'starttls') {
        await startTls(connection, transport);
        await refreshCapabilities(connection);
      }
      return client;
    } catch (error) {
      client.destroy();
      throw error;
    }
  }

  get log(): Log {
    return this.#connection.log;
  }

  get state(): Pop3State {
    return this.#connection.state;
  }

  get capabilities(): Capabilities {
    return this.#connection.capabilities;
  }

  /** Whether commands are pipelined in this session. */
  get pipelining(): boolean {
    return this.#connection.pipelining;
  }

  /** Whether the session is in RFC 6856 UTF-8 mode. */
  get utf8(): Utf8Mode {
    return this.#connection.utf8;
  }

  /**
   * Logs in (AUTH XOAUTH2 for OAuth2; AUTH PLAIN or USER/PASS for a password), re-reads CAPA,
   * enters UTF-8 mode when offered, and confirms the login with STAT — Microsoft may accept a
   * mismatched token and fail later.
   */
  login(credentials: Credentials): Promise<Stat> {
    return login(this.#connection, credentials);
  }

  stat(): Promise<Stat> {
    return stat(this.#connection);
  }

  /**
   * Message number → size in octets (as stored by the server; a hint, not an exact length), and
   * the lines that could not be read (those messages simply have no size hint).
   */
  sizes(): Promise<SizeListing> {
    return sizes(this.#connection);
  }

  /** Message number → size in octets; unreadable lines left out. */
  async list(): Promise<Map<number, number>> {
    return new Map((await this.sizes()).sizes);
  }

  /** Unique ids, in message order; unreadable lines left out. */
  async uidl(): Promise<UidlEntry[]> {
    return [...(await this.uidlListing()).entries];
  }

  /**
   * Unique ids in message order, and the lines that could not be read: a bad line rejects only
   * its own message. A server without UIDL is an ECAPABILITY error.
   */
  uidlListing(): Promise<UidlListing> {
    return uidlListing(this.#connection);
  }

  /** The whole message as a stream of its exact bytes; `guard` may stop an oversized one. */
  retr(n: number, guard?: SizeGuard): Pop3MessageStream {
    return retr(this.#connection, n, guard);
  }

  /** The header and the first `lines` body lines (RFC 1939 TOP). */
  top(n: number, lines: number): Pop3MessageStream {
    return top(this.#connection, n, lines);
  }

  /**
   * RETRs `messages` in order, keeping up to the pipeline window in flight. Give each stream to a
   * consumer (pipe or read it) or destroy it before asking for the next; the next is handed out
   * once the previous reply is read off the wire, while its consumer may still be finishing.
   * `shouldIssue` is asked before each new RETR is sent; once it says no, nothing more is
   * requested and what is in flight is still handed out.
   */
  retrieve(
    messages: readonly Retrieval[],
    shouldIssue?: (message: Retrieval) => boolean,
    guard?: SizeGuard,
  ): AsyncGenerator<Pop3MessageStream, void, undefined> {
    return retrieve(this.#connection, messages, shouldIssue, guard);
  }

  dele(n: number): Promise<void> {
    return dele(this.#connection, n);
  }

  rset(): Promise<void> {
    return rset(this.#connection);
  }

  noop(): Promise<void> {
    return noop(this.#connection);
  }

  /**
   * Ends the session. In TRANSACTION, +OK means the server entered UPDATE and every DELE took
   * effect; -ERR or no reply means deletions may not have happened — treat them as not done.
   */
  quit(): Promise<QuitResult> {
    return quit(this.#connection);
  }

  /** Drops the connection without QUIT: nothing marked for deletion is deleted. */
  destroy(reason = 'the client closed the connection'): void {
    this.#connection.fail(new PopfwdError('ECONNECTION', reason, { retryable: false }));
  }

  /** SASL step: one command, answered by +OK, -ERR or a "+ " continuation. */
  exchange(command: WireCommand): Promise<SaslReply> {
    return saslRequest(this.#connection, command);
  }
}
