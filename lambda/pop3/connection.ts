import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { type Clock, systemClock } from '../clock.js';
import { PopfwdError } from '../errors.js';
import { type Log, silentLog } from '../log.js';
import { type Capabilities, UNKNOWN_CAPABILITIES } from './capabilities.js';
import type { WireCommand } from './command.js';
import { ReplyParser } from './framing.js';
import { PIPELINE_DEFAULTS, type Pop3Timeouts } from './limits.js';
import type { Pop3ClientOptions } from './options.js';
import { ReplyQueue, type Tracked } from './reply-queue.js';
import { wrapSocketError } from './transport.js';

export const Pop3State = {
  AUTHORIZATION: 'AUTHORIZATION',
  TRANSACTION: 'TRANSACTION',
  UPDATE: 'UPDATE',
  CLOSED: 'CLOSED',
} as const;
export type Pop3State = (typeof Pop3State)[keyof typeof Pop3State];

/** RFC 6856: `on` after the server accepted UTF8; `refused` when it offered UTF8 and refused it. */
export type Utf8Mode = 'on' | 'refused' | 'not-offered';

/**
 * The socket of one POP3 session and what the commands (commands/*.ts) share: the RFC 1939 state,
 * what the server offers, the reply queue, and the clocks that bound every wait — the idle timer
 * while a reply is awaited, the closing stretch and the deadline. Any failure is final: every
 * waiting command fails with it and the socket is dropped, which commits no deletion.
 */
export class Connection {
  #socket: Socket | TLSSocket;
  readonly parser: ReplyParser;
  readonly options: Pop3ClientOptions;
  readonly timeouts: Pop3Timeouts;
  readonly pipeline: typeof PIPELINE_DEFAULTS;
  readonly clock: Clock;
  readonly log: Log;
  state: Pop3State = Pop3State.AUTHORIZATION;
  capabilities: Capabilities = UNKNOWN_CAPABILITIES;
  /** Whether commands are pipelined now; decided by CAPA after the login. */
  pipelining = false;
  /**
   * Dovecot never dot-stuffs a message's first line (pop3 `stream_send_escaped` starts with no
   * previous LF) and always ends a body with CRLF, so its first line is read literally.
   */
  unstuffedFirstLine = false;
  utf8: Utf8Mode = 'not-offered';
  /** The silence tolerated while a reply is awaited: the greeting's, then the session's. */
  idleMs: number;
  readonly #replies = new ReplyQueue();
  #failure: PopfwdError | null = null;
  #paused = false;
  #idleTimer: NodeJS.Timeout | null = null;
  #closingTimer: NodeJS.Timeout | null = null;
  #deadlineTimer: NodeJS.Timeout | null = null;
  #pastDeadline = false;

  constructor(socket: Socket | TLSSocket, options: Pop3ClientOptions, timeouts: Pop3Timeouts) {
    this.parser = new ReplyParser(undefined, options.redactor);
    this.#socket = socket;
    this.options = options;
    this.timeouts = timeouts;
    this.pipeline = { ...PIPELINE_DEFAULTS, ...options.pipeline };
    this.clock = options.clock ?? systemClock;
    this.log = (options.log ?? silentLog).child({ pop3: `${options.host}:${options.port}` });
    this.idleMs = timeouts.greetingMs;
    this.#attach(socket);
    if (options.deadline !== undefined) {
      const delay = Math.max(0, options.deadline - this.clock.now());
      // A short session keeps most of its time for work: the closing stretch is at most a quarter.
      const closing = Math.min(timeouts.closeGraceMs, delay / 4);
      this.#closingTimer = setTimeout(() => this.#onClosing(), delay - closing);
      this.#deadlineTimer = setTimeout(() => this.#onDeadline(), delay);
    }
  }

  /** Why the session ended, once it has. */
  get failure(): PopfwdError | null {
    return this.#failure;
  }

  /** Throws unless the session is alive and in `state`; `what` names the command refused. */
  require(state: Pop3State, what: string): void {
    if (this.#failure) throw this.#failure;
    if (this.state !== state) {
      throw new PopfwdError('ESTATE', `${what} is not allowed in the ${this.state} state`, {
        context: { state: this.state },
      });
    }
  }

  /** Queues `command`; `handler` receives its reply. Fails it at once on a dead session. */
  send(command: WireCommand, handler: Tracked): void {
    if (this.#failure) {
      handler.fail(this.#failure);
    } else if (this.#pastDeadline && command.verb !== 'QUIT') {
      handler.fail(this.#deadlineError(command.verb));
    } else {
      this.#replies.add(command, handler);
      this.#pump();
    }
  }

  /** Awaits a reply no command asked for: the greeting. */
  expect(handler: Tracked): void {
    this.#replies.track(handler);
    this.parser.expect(handler);
    this.#armIdle();
  }

  /** The reply at the head of the line is complete: the next commands may go out. */
  done(): void {
    this.#replies.complete();
    this.#pump();
  }

  /** Writes queued commands: one at a time, or up to the window when pipelining. */
  #pump(): void {
    let corked = false;
    for (
      let next = this.#replies.next(this.pipelining, this.pipeline.maxInFlight);
      next;
      next = this.#replies.next(this.pipelining, this.pipeline.maxInFlight)
    ) {
      this.parser.expect(next.handler);
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

  /** Stops listening to the current socket before STLS replaces it; returns it for the upgrade. */
  detachSocket(): Socket | TLSSocket {
    this.#detach(this.#socket);
    return this.#socket;
  }

  /** The socket the session goes on with (after STLS). */
  attachSocket(socket: TLSSocket): void {
    this.#socket = socket;
    this.#attach(socket);
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
      this.parser.push(chunk);
    } catch (error) {
      this.fail(
        error instanceof PopfwdError
          ? error
          : new PopfwdError('EPROTOCOL', (error as Error).message, { cause: error }),
      );
      return;
    }
    this.#armIdle();
  };

  readonly #onError = (error: Error): void => {
    this.fail(wrapSocketError(error, { ...this.options, connectTimeoutMs: 0 }, 'session'));
  };

  readonly #onClose = (): void => {
    this.fail(
      new PopfwdError('ECONNECTION', `the server ${this.options.host} closed the connection`),
    );
  };

  /** Backpressure: a message stream is full, so the server's bytes wait in the network. */
  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#socket.pause();
    this.#armIdle();
  }

  resume(): void {
    if (!this.#paused || this.#failure) return;
    this.#paused = false;
    this.#socket.resume();
    this.#armIdle();
  }

  /** Runs the idle timer only while we wait on the server, not while our consumer is slow. */
  #armIdle(): void {
    if (this.#paused || this.#replies.outstanding === 0 || this.#failure) {
      if (this.#idleTimer) clearTimeout(this.#idleTimer);
      this.#idleTimer = null;
      return;
    }
    if (this.#idleTimer) {
      this.#idleTimer.refresh();
      return;
    }
    this.#idleTimer = setTimeout(() => {
      const waiting = this.#replies.head?.verb ?? 'a reply';
      // A server that ends lines with LF only can look silent while it waits for us.
      const hint = this.parser.sawBareLf
        ? '; the server ends its lines with LF only, not CRLF as RFC 1939 requires'
        : '';
      this.fail(
        new PopfwdError(
          'ETIMEDOUT',
          `the server sent nothing for ${this.idleMs} ms (waiting for ${waiting})${hint}`,
          { context: { command: waiting } },
        ),
      );
    }, this.idleMs);
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
    this.#replies.failWaiting(
      (command) => command.verb === 'QUIT',
      (verb) => this.#deadlineError(verb),
    );
  }

  /** The deadline: a reply still arriving (however slowly) is abandoned with the connection. */
  #onDeadline(): void {
    this.#deadlineTimer = null;
    const waiting = this.#replies.head?.verb;
    this.fail(
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
  close(reason: PopfwdError): void {
    if (this.#failure) return;
    this.#failure = reason;
    this.state = Pop3State.CLOSED;
    this.#clearTimers();
    this.#detach(this.#socket);
    this.#socket.on('error', () => {});
    this.#socket.end();
    this.#socket.destroySoon?.();
  }

  /** The session is unusable: every waiting command fails with `error`, the socket is dropped. */
  fail(error: PopfwdError): void {
    if (this.#failure) return;
    this.#failure = error;
    this.state = Pop3State.CLOSED;
    this.#clearTimers();
    this.#detach(this.#socket);
    this.#socket.on('error', () => {});
    this.#socket.destroy();
    for (const handler of this.#replies.takeAll()) handler.fail(error);
    if (error.code !== 'ECONNECTION' || error.retryable)
      this.log.debug('session failed', { code: error.code, error: error.message });
  }
}
