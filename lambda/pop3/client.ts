import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Credentials } from '../auth/credentials.js';
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import type { Security } from '../config/config-schema.js';
import { crashPoint } from '../crash-points.js';
import { type ErrorCode, hasCode, PopfwdError } from '../errors.js';
import { type Log, silentLog } from '../log.js';
import { type Capabilities, parseCapabilities, UNKNOWN_CAPABILITIES } from './capabilities.js';
import { buildCommand, type WireCommand } from './command.js';
import { errorForReply } from './errors.js';
import {
  LF_ONLY_MESSAGE,
  type ReplyHandler,
  ReplyParser,
  type ReplyRedactor,
  type StatusLine,
} from './framing.js';
import { PIPELINE_DEFAULTS, POP3_TIMEOUTS, type Pop3Timeouts } from './limits.js';
import {
  parseListLines,
  parseUidlLines,
  type RawLine,
  type SizeListing,
  type UidlEntry,
  type UidlListing,
} from './listing.js';
import { authenticate } from './login.js';
import { Pop3MessageStream } from './message-stream.js';
import { printable } from './server-text.js';
import { greetingOrTlsPort } from './tls-hints.js';
import { openSocket, type TransportOptions, upgradeToTls, wrapSocketError } from './transport.js';

export const Pop3State = {
  AUTHORIZATION: 'AUTHORIZATION',
  TRANSACTION: 'TRANSACTION',
  UPDATE: 'UPDATE',
  CLOSED: 'CLOSED',
} as const;
export type Pop3State = (typeof Pop3State)[keyof typeof Pop3State];

export interface Pop3ClientOptions {
  readonly host: string;
  readonly port: number;
  readonly security: Security;
  /** Extra trusted CA (PEM); system roots stay trusted. */
  readonly ca?: string | Buffer;
  /** 'auto' pipelines when the server advertises PIPELINING. */
  readonly pipelining?: 'auto' | 'off';
  readonly timeouts?: Partial<Pop3Timeouts>;
  /**
   * Epoch ms by which the session is over, however slowly the server sends. In the last
   * `closeGraceMs` before it only QUIT is written; at it, whatever is still in flight is abandoned
   * and the connection dropped (which commits no deletion).
   */
  readonly deadline?: number;
  readonly pipeline?: Partial<typeof PIPELINE_DEFAULTS>;
  readonly log?: Log;
  readonly clock?: Clock;
  /** Masks the run's secrets in -ERR text and SASL challenges as they are read. */
  readonly redactor?: ReplyRedactor;
}

export interface Stat {
  readonly count: number;
  readonly size: number;
}

export type { RejectedLine, SizeListing, UidlEntry, UidlListing } from './listing.js';

/**
 * Asked as each chunk of a RETR/TOP reply arrives, with the reply's bytes so far. An error stops
 * the reply: the rest of it cannot be skipped safely, so the connection is dropped.
 */
export type SizeGuard = (n: number, received: number) => PopfwdError | null;

/** RFC 6856: `on` after the server accepted UTF8; `refused` when it offered UTF8 and refused it. */
export type Utf8Mode = 'on' | 'refused' | 'not-offered';

export interface QuitResult {
  /** True when the server confirmed QUIT in TRANSACTION: every DELE took effect. */
  readonly committed: boolean;
  readonly message: string;
}

/** A reply handler the client tracks from registration to completion. */
interface Tracked extends ReplyHandler {
  readonly verb: string;
  readonly pipelinable: boolean;
  fail(error: Error): void;
}

export type SaslReply = { readonly type: 'ok' | 'err' | 'continue'; readonly text: string };

/** What the SASL login code needs from a session (login.ts). */
export interface SaslChannel {
  readonly capabilities: Capabilities;
  exchange(command: WireCommand): Promise<SaslReply>;
  readonly log: Log;
}

const positiveInteger = (value: number, what: string) => {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new PopfwdError('EARGUMENT', `${what} must be a positive integer`, {
      context: { value },
    });
  }
};

const parseNumbers = (text: string, verb: string): [number, number] => {
  const match = /^(\d+)\s+(\d+)/.exec(text);
  if (!match)
    throw new PopfwdError('EPROTOCOL', `unparseable ${verb} reply "${printable(text, 60)}"`, {
      context: { command: verb },
    });
  return [Number(match[1]), Number(match[2])];
};

/**
 * A POP3 session (RFC 1939) with CAPA (RFC 2449), STLS (RFC 2595) and SASL (RFC 5034). Every
 * command checks the session state; its reply handler is registered before the command is
 * written. With PIPELINING, RETRs go out ahead of their replies and are demultiplexed in order
 * into per-message streams; otherwise one command at a time.
 */
export class Pop3Client implements SaslChannel {
  #socket: Socket | TLSSocket;
  readonly #parser: ReplyParser;
  readonly #options: Pop3ClientOptions;
  readonly #timeouts: Pop3Timeouts;
  readonly #pipeline: typeof PIPELINE_DEFAULTS;
  readonly #clock: Clock;
  readonly log: Log;
  #state: Pop3State = Pop3State.AUTHORIZATION;
  #capabilities: Capabilities = UNKNOWN_CAPABILITIES;
  #pipelining = false;
  /**
   * Dovecot never dot-stuffs a message's first line (pop3 `stream_send_escaped` starts with no
   * previous LF) and always ends a body with CRLF, so its first line is read literally.
   */
  #unstuffedFirstLine = false;
  readonly #queue: Array<{ command: WireCommand; handler: Tracked }> = [];
  readonly #inFlight: Tracked[] = [];
  #failure: PopfwdError | null = null;
  #paused = false;
  #idleMs: number;
  #idleTimer: NodeJS.Timeout | null = null;
  #closingTimer: NodeJS.Timeout | null = null;
  #deadlineTimer: NodeJS.Timeout | null = null;
  #pastDeadline = false;
  #utf8: Utf8Mode = 'not-offered';

  private constructor(
    socket: Socket | TLSSocket,
    options: Pop3ClientOptions,
    timeouts: Pop3Timeouts,
  ) {
    this.#parser = new ReplyParser(undefined, options.redactor);
    this.#socket = socket;
    this.#options = options;
    this.#timeouts = timeouts;
    this.#pipeline = { ...PIPELINE_DEFAULTS, ...options.pipeline };
    this.#clock = options.clock ?? systemClock;
    this.log = (options.log ?? silentLog).child({ pop3: `${options.host}:${options.port}` });
    this.#idleMs = timeouts.greetingMs;
    this.#attach(socket);
    if (options.deadline !== undefined) {
      const delay = Math.max(0, options.deadline - this.#clock.now());
      // A short session keeps most of its time for work: the closing stretch is at most a quarter.
      const closing = Math.min(timeouts.closeGraceMs, delay / 4);
      this.#closingTimer = setTimeout(() => this.#onClosing(), delay - closing);
      this.#deadlineTimer = setTimeout(() => this.#onDeadline(), delay);
    }
  }

  /** Connects, reads the greeting and CAPA, and upgrades with STLS when configured. */
  static async connect(options: Pop3ClientOptions): Promise<Pop3Client> {
    const timeouts = { ...POP3_TIMEOUTS, ...options.timeouts };
    const clock = options.clock ?? systemClock;
    const remaining =
      options.deadline === undefined ? Number.POSITIVE_INFINITY : options.deadline - clock.now();
    if (remaining <= 0)
      throw new PopfwdError('ETIMEDOUT', 'the run deadline passed before connecting');
    const transport = Pop3Client.#transport(options, Math.min(timeouts.connectMs, remaining));
    const socket = await openSocket(transport);
    const client = new Pop3Client(socket, options, timeouts);
    try {
      await greetingOrTlsPort(client.#greeting(), transport);
      await client.#refreshCapabilities();
      if (options.security === 'starttls') {
        await client.#startTls(transport);
        await client.#refreshCapabilities();
      }
      return client;
    } catch (error) {
      client.destroy();
      throw error;
    }
  }

  static #transport(options: Pop3ClientOptions, connectTimeoutMs: number): TransportOptions {
    return {
      host: options.host,
      port: options.port,
      security: options.security,
      connectTimeoutMs,
      ...(options.ca ? { ca: options.ca } : {}),
    };
  }

  get state(): Pop3State {
    return this.#state;
  }

  get capabilities(): Capabilities {
    return this.#capabilities;
  }

  /** Whether commands are pipelined in this session. */
  get pipelining(): boolean {
    return this.#pipelining;
  }

  /** Whether the session is in RFC 6856 UTF-8 mode. */
  get utf8(): Utf8Mode {
    return this.#utf8;
  }

  /**
   * Logs in (AUTH XOAUTH2 for OAuth2; AUTH PLAIN or USER/PASS for a password), re-reads CAPA,
   * enters UTF-8 mode when offered, and confirms the login with STAT — Microsoft may accept a
   * mismatched token and fail later.
   */
  async login(credentials: Credentials): Promise<Stat> {
    this.#require(Pop3State.AUTHORIZATION, 'login');
    const offeredBefore = this.#capabilities.utf8;
    await authenticate(this, credentials);
    this.#state = Pop3State.TRANSACTION;
    this.#idleMs = this.#timeouts.idleMs;
    // CAPA and STAT go out together when the server offered PIPELINING before the login; the
    // CAPA after the login decides for the rest of the session.
    this.#pipelining = this.#capabilities.pipelining && this.#options.pipelining !== 'off';
    const capabilities = this.#refreshCapabilities(true);
    const stat = this.stat();
    stat.catch(() => {});
    await capabilities;
    this.#pipelining = this.#capabilities.pipelining && this.#options.pipelining !== 'off';
    if (this.#capabilities.utf8 || (offeredBefore && !this.#capabilities.known)) {
      await this.#enableUtf8();
    }
    try {
      return await stat;
    } catch (error) {
      if (!hasCode(error, 'ECOMMAND')) throw error;
      throw new PopfwdError(
        'ELOGIN',
        `the server accepted the login but refused STAT: ${error.message}`,
        { cause: error },
      );
    }
  }

  /**
   * RFC 6856 UTF8, after the login (Courier accepts it only then). Without it Courier hands out a
   * generated notice instead of any message with 8-bit header bytes; a refusal is reported so
   * the caller can keep such a session from deleting what it read.
   */
  async #enableUtf8(): Promise<void> {
    try {
      await this.#simple(buildCommand('UTF8'), 'ECOMMAND');
      this.#utf8 = 'on';
    } catch (error) {
      if (!hasCode(error, 'ECOMMAND')) throw error;
      this.#utf8 = 'refused';
      this.log.warn('the server offers UTF8 (RFC 6856) but refused it', { error: error.message });
    }
  }

  async stat(): Promise<Stat> {
    this.#require(Pop3State.TRANSACTION, 'STAT');
    const [count, size] = parseNumbers(
      await this.#simple(buildCommand('STAT'), 'ECOMMAND', true),
      'STAT',
    );
    return { count, size };
  }

  /**
   * Message number → size in octets (as stored by the server; a hint, not an exact length), and
   * the lines that could not be read (those messages simply have no size hint).
   */
  async sizes(): Promise<SizeListing> {
    this.#require(Pop3State.TRANSACTION, 'LIST');
    return parseListLines(await this.#listing(buildCommand('LIST'), 'ECOMMAND', true));
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
  async uidlListing(): Promise<UidlListing> {
    this.#require(Pop3State.TRANSACTION, 'UIDL');
    const missing = () =>
      new PopfwdError(
        'ECAPABILITY',
        'the server does not support UIDL; popfwd needs it to recognise messages it has already archived',
      );
    if (this.#capabilities.known && !this.#capabilities.uidl) throw missing();
    let lines: RawLine[];
    try {
      lines = await this.#listing(buildCommand('UIDL'), 'ECOMMAND', true);
    } catch (error) {
      throw hasCode(error, 'ECOMMAND') ? missing() : error;
    }
    return parseUidlLines(lines);
  }

  /** The whole message as a stream of its exact bytes; `guard` may stop an oversized one. */
  retr(n: number, guard?: SizeGuard): Pop3MessageStream {
    positiveInteger(n, 'message number');
    this.#require(Pop3State.TRANSACTION, 'RETR');
    return this.#fetch(buildCommand('RETR', [n]), n, guard);
  }

  /** The header and the first `lines` body lines (RFC 1939 TOP). */
  top(n: number, lines: number): Pop3MessageStream {
    positiveInteger(n, 'message number');
    if (!Number.isSafeInteger(lines) || lines < 0)
      throw new PopfwdError('EARGUMENT', 'TOP line count must be ≥ 0');
    this.#require(Pop3State.TRANSACTION, 'TOP');
    return this.#fetch(buildCommand('TOP', [n, lines]), n);
  }

  /**
   * RETRs `messages` in order, keeping up to the pipeline window in flight. Give each stream to a
   * consumer (pipe or read it) or destroy it before asking for the next; the next is handed out
   * once the previous reply is read off the wire, while its consumer may still be finishing. `shouldIssue` is asked before each new RETR is sent;
   * once it says no, nothing more is requested and what is in flight is still handed out.
   */
  async *retrieve(
    messages: readonly { readonly n: number; readonly size: number }[],
    shouldIssue: (message: { readonly n: number; readonly size: number }) => boolean = () => true,
    guard?: SizeGuard,
  ): AsyncGenerator<Pop3MessageStream, void, undefined> {
    const ahead: Array<{ stream: Pop3MessageStream; size: number }> = [];
    let next = 0;
    let bytesAhead = 0;
    const fill = () => {
      while (next < messages.length) {
        const message = messages[next] as { n: number; size: number };
        const room =
          ahead.length === 0 ||
          (this.#pipelining &&
            ahead.length < this.#pipeline.maxInFlight &&
            bytesAhead + message.size <= this.#pipeline.maxInFlightBytes);
        if (!room) return;
        if (!shouldIssue(message)) {
          next = messages.length;
          return;
        }
        ahead.push({ stream: this.retr(message.n, guard), size: message.size });
        bytesAhead += message.size;
        next += 1;
      }
    };
    try {
      fill();
      while (ahead.length > 0) {
        const item = ahead[0] as { stream: Pop3MessageStream; size: number };
        yield item.stream;
        // A stream nobody took is drained; one a consumer holds (maybe paused by backpressure) is
        // left to it: resuming that would read past the consumer's buffers.
        if (item.stream.readableFlowing === null && !item.stream.destroyed) item.stream.resume();
        await item.stream.complete;
        ahead.shift();
        bytesAhead -= item.size;
        fill();
      }
    } finally {
      // Abandoned early: drain what is in flight so the session stays usable for DELE and QUIT.
      for (const item of ahead) if (!item.stream.destroyed) item.stream.resume();
    }
  }

  async dele(n: number): Promise<void> {
    positiveInteger(n, 'message number');
    this.#require(Pop3State.TRANSACTION, 'DELE');
    await this.#simple(buildCommand('DELE', [n]), 'ECOMMAND', true);
  }

  async rset(): Promise<void> {
    this.#require(Pop3State.TRANSACTION, 'RSET');
    await this.#simple(buildCommand('RSET'), 'ECOMMAND');
  }

  async noop(): Promise<void> {
    this.#require(Pop3State.TRANSACTION, 'NOOP');
    await this.#simple(buildCommand('NOOP'), 'ECOMMAND');
  }

  /**
   * Ends the session. In TRANSACTION, +OK means the server entered UPDATE and every DELE took
   * effect; -ERR or no reply means deletions may not have happened — treat them as not done.
   */
  async quit(): Promise<QuitResult> {
    if (this.#failure || this.#state === Pop3State.CLOSED) {
      return {
        committed: false,
        message: `not sent: ${this.#failure?.message ?? 'the session is closed'}`,
      };
    }
    const inTransaction = this.#state === Pop3State.TRANSACTION;
    if (inTransaction) this.#state = Pop3State.UPDATE;
    try {
      const reply = this.#simple(buildCommand('QUIT'), 'ECOMMAND');
      // Once the write has left the process (after the uncork tick), for the kill-anywhere tests.
      setImmediate(() => crashPoint('during-quit'));
      const text = await reply;
      return { committed: inTransaction, message: printable(text) };
    } catch (error) {
      return { committed: false, message: (error as Error).message };
    } finally {
      this.#close(
        new PopfwdError('ECONNECTION', 'the session was closed with QUIT', { retryable: false }),
      );
    }
  }

  /** Drops the connection without QUIT: nothing marked for deletion is deleted. */
  destroy(reason = 'the client closed the connection'): void {
    this.#fail(new PopfwdError('ECONNECTION', reason, { retryable: false }));
  }

  /** SASL step: one command, answered by +OK, -ERR or a "+ " continuation. */
  exchange(command: WireCommand): Promise<SaslReply> {
    return new Promise((resolve, reject) => {
      this.#dispatch(command, {
        kind: 'sasl',
        verb: command.verb,
        pipelinable: false,
        onStatus: (status) => {
          this.#done();
          resolve({ type: status.ok ? 'ok' : 'err', text: status.text });
        },
        onContinuation: (text) => {
          this.#done();
          resolve({ type: 'continue', text });
        },
        fail: reject,
      });
    });
  }

  #greeting(): Promise<void> {
    return new Promise((resolve, reject) => {
      const handler: Tracked = {
        kind: 'single',
        verb: 'greeting',
        pipelinable: false,
        onStatus: (status) => {
          this.#done();
          this.log.debug(`S: ${status.ok ? '+OK' : '-ERR'} ${printable(status.text)}`);
          this.#unstuffedFirstLine = /\bDovecot\b/i.test(status.text);
          // A -ERR greeting means "busy, try later" (RFC 1939 §4) unless a code says otherwise.
          if (status.ok) resolve();
          else reject(errorForReply('greeting', status.text, 'ESYSTEMP'));
        },
        fail: reject,
      };
      this.#inFlight.push(handler);
      this.#parser.expect(handler);
      this.#armIdle();
    });
  }

  async #refreshCapabilities(pipelinable = false): Promise<void> {
    try {
      const lines = await this.#listing(buildCommand('CAPA'), 'ECOMMAND', pipelinable);
      this.#capabilities = parseCapabilities(lines.map((line) => line.bytes.toString('latin1')));
    } catch (error) {
      // A pre-RFC 2449 server answers CAPA with -ERR: it still speaks RFC 1939.
      if (!hasCode(error, 'ECOMMAND')) throw error;
      this.#capabilities = UNKNOWN_CAPABILITIES;
    }
    this.log.debug('capabilities', {
      capa: this.#capabilities.lines.map((line) => printable(line, 100)),
    });
  }

  async #startTls(transport: TransportOptions): Promise<void> {
    if (this.#capabilities.known && !this.#capabilities.stls) {
      throw new PopfwdError(
        'ETLS',
        'the server does not offer STLS; refusing to log in without TLS',
      );
    }
    const plain = this.#socket;
    await new Promise<void>((resolve, reject) => {
      this.#dispatch(buildCommand('STLS'), {
        kind: 'single',
        verb: 'STLS',
        pipelinable: false,
        onStatus: (status) => {
          this.#done();
          if (!status.ok) {
            reject(
              new PopfwdError('ETLS', `the server refused STLS: -ERR ${printable(status.text)}`),
            );
            return;
          }
          // Anything after "+OK" arrived in plaintext and could be forged: never read it.
          this.#parser.discardBuffered();
          this.#detach(plain);
          resolve();
        },
        fail: reject,
      });
    });
    // The handshake counts against the session deadline like every reply.
    const left =
      this.#options.deadline === undefined
        ? transport.connectTimeoutMs
        : Math.max(1, this.#options.deadline - this.#clock.now());
    const secure = await upgradeToTls(plain, {
      ...transport,
      connectTimeoutMs: Math.min(this.#timeouts.connectMs, left),
    });
    this.#socket = secure;
    this.#attach(secure);
    this.log.debug('STLS upgrade done', { protocol: secure.getProtocol() });
  }

  #fetch(command: WireCommand, n: number, guard?: SizeGuard): Pop3MessageStream {
    // Said before asking: its messages would fail anyway, and none of them is to blame.
    if (this.#parser.sawBareLf) throw new PopfwdError('EPROTOCOL', LF_ONLY_MESSAGE);
    const stream = new Pop3MessageStream(
      n,
      () => this.#resume(),
      () => this.#resume(),
    );
    let received = 0;
    this.#dispatch(command, {
      kind: 'multi',
      verb: command.verb,
      pipelinable: true,
      literalFirstLine: this.#unstuffedFirstLine,
      onStatus: (status: StatusLine) => {
        if (status.ok) {
          const octets = /^(\d+)/.exec(status.text);
          stream.announcedSize = octets ? Number(octets[1]) : null;
          return;
        }
        this.#done();
        const error = errorForReply(command.logLine, status.text, 'ECOMMAND');
        stream.destroy(error);
        stream.finish();
      },
      onData: (chunk) => {
        received += chunk.length;
        // Thrown out of the parser: the session fails before this chunk reaches anyone.
        const stop = guard?.(n, received);
        if (stop) throw stop;
        if (stream.destroyed) return; // the consumer gave up: read on to stay in step, discard
        if (!stream.push(chunk)) this.#pause();
      },
      onEnd: () => {
        this.#done();
        if (!stream.destroyed) stream.push(null);
        stream.finish();
      },
      fail: (error) => {
        stream.destroy(error);
        stream.finish(error);
      },
    });
    return stream;
  }

  #simple(command: WireCommand, fallback: ErrorCode, pipelinable = false): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#dispatch(command, {
        kind: 'single',
        verb: command.verb,
        pipelinable,
        onStatus: (status) => {
          this.#done();
          if (status.ok) resolve(status.text);
          else reject(errorForReply(command.logLine, status.text, fallback));
        },
        fail: reject,
      });
    });
  }

  #listing(command: WireCommand, fallback: ErrorCode, pipelinable = false): Promise<RawLine[]> {
    return new Promise((resolve, reject) => {
      const lines: RawLine[] = [];
      this.#dispatch(command, {
        kind: 'lines',
        verb: command.verb,
        pipelinable,
        onStatus: (status) => {
          if (status.ok) return;
          this.#done();
          reject(errorForReply(command.logLine, status.text, fallback));
        },
        onLine: (bytes, length) => lines.push({ bytes, length }),
        onEnd: () => {
          this.#done();
          resolve(lines);
        },
        fail: reject,
      });
    });
  }

  #require(state: Pop3State, what: string): void {
    if (this.#failure) throw this.#failure;
    if (this.#state !== state) {
      throw new PopfwdError('ESTATE', `${what} is not allowed in the ${this.#state} state`, {
        context: { state: this.#state },
      });
    }
  }

  #dispatch(command: WireCommand, handler: Tracked): void {
    if (this.#failure) {
      handler.fail(this.#failure);
    } else if (this.#pastDeadline && command.verb !== 'QUIT') {
      handler.fail(this.#deadlineError(command.verb));
    } else {
      this.#queue.push({ command, handler });
      this.#pump();
    }
  }

  /** Writes queued commands: one at a time, or up to the window when pipelining. */
  #pump(): void {
    let corked = false;
    while (this.#queue.length > 0) {
      const next = this.#queue[0] as { command: WireCommand; handler: Tracked };
      const pipelined =
        this.#pipelining &&
        next.handler.pipelinable &&
        this.#inFlight.length < this.#pipeline.maxInFlight &&
        this.#inFlight.every((handler) => handler.pipelinable);
      if (this.#inFlight.length > 0 && !pipelined) break;
      this.#queue.shift();
      this.#inFlight.push(next.handler);
      this.#parser.expect(next.handler);
      if (!corked) {
        this.#socket.cork();
        corked = true;
      }
      this.log.debug(`C: ${next.command.logLine}`);
      this.#socket.write(next.command.bytes);
    }
    if (corked) process.nextTick(() => this.#socket.uncork());
    this.#armIdle();
  }

  /** The reply at the head of the line is complete. */
  #done(): void {
    this.#inFlight.shift();
    this.#pump();
  }

  #attach(socket: Socket): void {
    socket.setNoDelay(true);
    socket.on('data', this.#onData);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
  }

  #detach(socket: Socket): void {
    socket.off('data', this.#onData);
    socket.off('error', this.#onError);
    socket.off('close', this.#onClose);
  }

  readonly #onData = (chunk: Buffer): void => {
    try {
      this.#parser.push(chunk);
    } catch (error) {
      this.#fail(
        error instanceof PopfwdError
          ? error
          : new PopfwdError('EPROTOCOL', (error as Error).message, { cause: error }),
      );
      return;
    }
    this.#armIdle();
  };

  readonly #onError = (error: Error): void => {
    this.#fail(wrapSocketError(error, { ...this.#options, connectTimeoutMs: 0 }, 'session'));
  };

  readonly #onClose = (): void => {
    this.#fail(
      new PopfwdError('ECONNECTION', `the server ${this.#options.host} closed the connection`),
    );
  };

  #pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#socket.pause();
    this.#armIdle();
  }

  #resume(): void {
    if (!this.#paused || this.#failure) return;
    this.#paused = false;
    this.#socket.resume();
    this.#armIdle();
  }

  /** Runs the idle timer only while we wait on the server, not while our consumer is slow. */
  #armIdle(): void {
    if (this.#paused || this.#inFlight.length === 0 || this.#failure) {
      if (this.#idleTimer) clearTimeout(this.#idleTimer);
      this.#idleTimer = null;
      return;
    }
    if (this.#idleTimer) {
      this.#idleTimer.refresh();
      return;
    }
    this.#idleTimer = setTimeout(() => {
      const waiting = this.#inFlight[0]?.verb ?? 'a reply';
      // A server that ends lines with LF only can look silent while it waits for us.
      const hint = this.#parser.sawBareLf
        ? '; the server ends its lines with LF only, not CRLF as RFC 1939 requires'
        : '';
      this.#fail(
        new PopfwdError(
          'ETIMEDOUT',
          `the server sent nothing for ${this.#idleMs} ms (waiting for ${waiting})${hint}`,
          { context: { command: waiting } },
        ),
      );
    }, this.#idleMs);
  }

  #deadlineError(verb: string): PopfwdError {
    return new PopfwdError('ETIMEDOUT', `the session deadline is near; ${verb} was not sent`, {
      context: { command: verb },
    });
  }

  /** The closing stretch: commands not yet written fail, only QUIT may still go out. */
  #onClosing(): void {
    this.#closingTimer = null;
    this.#pastDeadline = true;
    for (const { handler } of this.#queue.filter((entry) => entry.command.verb !== 'QUIT')) {
      this.#queue.splice(
        this.#queue.findIndex((entry) => entry.handler === handler),
        1,
      );
      handler.fail(this.#deadlineError(handler.verb));
    }
  }

  /** The deadline: a reply still arriving (however slowly) is abandoned with the connection. */
  #onDeadline(): void {
    this.#deadlineTimer = null;
    const waiting = this.#inFlight[0]?.verb;
    this.#fail(
      new PopfwdError(
        'ETIMEDOUT',
        waiting
          ? `the session deadline passed while the server was still answering ${waiting}`
          : 'the session deadline passed',
        { context: waiting ? { command: waiting } : {} },
      ),
    );
  }

  #clearTimers(): void {
    for (const timer of [this.#idleTimer, this.#closingTimer, this.#deadlineTimer])
      if (timer) clearTimeout(timer);
    this.#idleTimer = null;
    this.#closingTimer = null;
    this.#deadlineTimer = null;
  }

  /** Orderly end after QUIT. */
  #close(reason: PopfwdError): void {
    if (this.#failure) return;
    this.#failure = reason;
    this.#state = Pop3State.CLOSED;
    this.#clearTimers();
    this.#detach(this.#socket);
    this.#socket.on('error', () => {});
    this.#socket.end();
    this.#socket.destroySoon?.();
  }

  /** The session is unusable: every waiting command fails with `error`, the socket is dropped. */
  #fail(error: PopfwdError): void {
    if (this.#failure) return;
    this.#failure = error;
    this.#state = Pop3State.CLOSED;
    this.#clearTimers();
    this.#detach(this.#socket);
    this.#socket.on('error', () => {});
    this.#socket.destroy();
    const waiting = [
      ...this.#inFlight.splice(0),
      ...this.#queue.splice(0).map((entry) => entry.handler),
    ];
    for (const handler of waiting) handler.fail(error);
    if (error.code !== 'ECONNECTION' || error.retryable)
      this.log.debug('session failed', { code: error.code, error: error.message });
  }
}
