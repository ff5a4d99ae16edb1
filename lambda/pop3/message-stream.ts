import { Readable } from 'node:stream';

/**
 * The bytes of one RETR/TOP reply: dot-unstuffed, final CRLF kept. Backpressure reaches the
 * socket: when the consumer is slow, the client stops reading from the server. `complete`
 * settles when the reply has been read off the wire, whether or not anyone consumed it.
 */
export class Pop3MessageStream extends Readable {
  /** The message number. */
  readonly n: number;
  /** Size from the `+OK <n> octets` line; a hint only (RFC 1939 sizes count stored bytes). */
  announcedSize: number | null = null;
  readonly complete: Promise<void>;
  #settle!: (error?: Error) => void;

  constructor(
    n: number,
    private readonly onRead: () => void,
    private readonly onDestroyed: () => void,
  ) {
    super({ highWaterMark: 64 * 1024 });
    this.n = n;
    this.complete = new Promise<void>((resolve, reject) => {
      this.#settle = (error) => (error ? reject(error) : resolve());
    });
    // Nobody may await `complete`; a connection failure must not become an unhandled rejection.
    this.complete.catch(() => {});
    // Nor an uncaught exception: a pipelined RETR that fails (-ERR, a dropped session) before its
    // stream is handed out has no consumer yet. Whoever reads it later still gets the error
    // (`errored`, pipeline, `complete`).
    this.on('error', () => {});
  }

  override _read(): void {
    this.onRead();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.onDestroyed();
    callback(error);
  }

  /** The reply was read to its end (or refused with -ERR). */
  finish(error?: Error): void {
    this.#settle(error);
  }
}
