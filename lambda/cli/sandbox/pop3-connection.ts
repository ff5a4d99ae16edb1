/**
 * One client connection of the sandbox POP3 server: lines in (buffered, so pipelined batches
 * work), shaped writes out, the TLS upgrade. The TCP socket is kept so a reset stays possible
 * under TLS.
 */
import type { Socket } from 'node:net';
import { type SecureContext, TLSSocket } from 'node:tls';
import type { Pop3OutputShaping } from './pop3-fault-hooks.js';
import { LINE_TOO_LONG, LineBuffer } from './pop3-line-buffer.js';

/** Stop reading from the socket while this much unprocessed input is buffered. */
const INPUT_HIGH_WATER = 64 * 1024;

export type ReadResult = Buffer | 'closed' | 'too-long';

/** Limits how many more bytes of one command's replies may be written before a reset. */
export interface WriteBudget {
  remaining: number;
}

/** Writes a reply `bytes` at a time, `everyMs` apart (a server that drips its answers). */
export interface WritePace {
  readonly everyMs: number;
  readonly bytes: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const splitEvery =
  (size: number) =>
  (reply: Buffer): Buffer[] =>
    Array.from({ length: Math.ceil(reply.length / size) }, (_, index) =>
      reply.subarray(index * size, (index + 1) * size),
    );

export class Pop3Connection {
  private socket: Socket;
  private readonly input = new LineBuffer();
  private wake: (() => void) | null = null;
  private closedFlag = false;
  private secureFlag = false;
  private discarding = false;

  constructor(
    private readonly tcp: Socket,
    private readonly shaping: Pop3OutputShaping = {},
  ) {
    this.socket = tcp;
    tcp.setNoDelay(true);
    tcp.on('close', this.onClose);
    tcp.on('error', () => this.onClose());
    this.listen(tcp);
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  get secure(): boolean {
    return this.secureFlag;
  }

  /** The next line (without CRLF), or why there is none. */
  async readLine(maxBytes: number): Promise<ReadResult> {
    for (;;) {
      const line = this.input.shift(maxBytes);
      if (line === LINE_TOO_LONG) return 'too-long';
      if (line !== null) {
        if (this.input.size < INPUT_HIGH_WATER) this.socket.resume();
        return line;
      }
      if (this.closedFlag) return 'closed';
      this.socket.resume();
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  /**
   * Writes one reply through the output shaping; with a budget, writes at most that many bytes
   * and then resets the connection. Resolves false when the connection is gone.
   */
  async write(
    reply: Buffer,
    command: string,
    budget?: WriteBudget,
    pace?: WritePace,
  ): Promise<boolean> {
    let bytes = reply;
    let cut = false;
    if (budget) {
      if (bytes.length >= budget.remaining) {
        bytes = bytes.subarray(0, budget.remaining);
        cut = true;
      }
      budget.remaining -= bytes.length;
    }
    const split = pace ? splitEvery(pace.bytes) : this.shaping.split;
    const chunks = split ? split(bytes, command) : [bytes];
    const pause = pace?.everyMs ?? this.shaping.delayMs ?? (this.shaping.split ? 1 : 0);
    for (const chunk of chunks) {
      if (this.closedFlag) return false;
      if (chunk.length > 0) await this.writeChunk(chunk);
      if (pause > 0) await sleep(pause);
    }
    if (cut) this.reset();
    return !this.closedFlag;
  }

  /**
   * Server side of the TLS handshake. Plaintext the client sent before it is discarded (RFC 2595
   * §4: no command injection across the upgrade).
   */
  async startTls(context: SecureContext): Promise<void> {
    this.unlisten(this.socket);
    this.input.clear();
    const secure = new TLSSocket(this.tcp, { isServer: true, secureContext: context });
    secure.on('error', () => this.onClose());
    secure.on('close', this.onClose);
    await new Promise<void>((resolve, reject) => {
      secure.once('secure', resolve);
      secure.once('error', reject);
      secure.once('close', () => reject(new Error('closed during the TLS handshake')));
    });
    this.socket = secure;
    this.secureFlag = true;
    this.listen(secure);
  }

  /** Reads and drops everything until the peer closes (a server that stopped answering). */
  async discardUntilClosed(): Promise<void> {
    this.discarding = true;
    this.input.clear();
    this.socket.resume();
    while (!this.closedFlag) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  /** Calls `onIdle` once after `ms` without input. */
  setIdleTimeout(ms: number, onIdle: () => void): void {
    this.tcp.setTimeout(ms, onIdle);
  }

  /** Graceful close (FIN after pending writes). */
  end(): void {
    this.socket.end();
  }

  /** Ends gracefully and waits for the peer to go; destroys the connection after `graceMs`. */
  async close(graceMs: number): Promise<void> {
    this.end();
    const timer = setTimeout(() => this.destroy(), graceMs);
    while (!this.closedFlag) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    clearTimeout(timer);
  }

  /** Abortive close: TCP RST. */
  reset(): void {
    this.closedFlag = true;
    if (this.socket !== this.tcp) this.socket.destroy();
    if (!this.tcp.destroyed) this.tcp.resetAndDestroy();
    this.notify();
  }

  /** Close without RST: FIN now, pending data dropped. */
  destroy(): void {
    this.closedFlag = true;
    this.socket.destroy();
    this.tcp.destroy();
    this.notify();
  }

  private writeChunk(chunk: Buffer): Promise<void> {
    return new Promise((resolve) => {
      this.socket.write(chunk, () => resolve());
    });
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.discarding) return;
    this.input.push(chunk);
    if (this.input.size >= INPUT_HIGH_WATER) this.socket.pause();
    this.notify();
  };

  private readonly onClose = (): void => {
    this.closedFlag = true;
    this.notify();
  };

  private listen(socket: Socket): void {
    socket.on('data', this.onData);
    socket.on('end', this.onClose);
  }

  private unlisten(socket: Socket): void {
    socket.off('data', this.onData);
    socket.off('end', this.onClose);
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
