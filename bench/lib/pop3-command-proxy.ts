/**
 * A POP3-aware proxy that makes a local Dovecot behave like a distant, slow-to-answer server such
 * as Outlook.com: it terminates implicit TLS (as port 995 does), holds every client line for
 * `delayMs` before passing it to the server over plain TCP on loopback, and can show the client a
 * different capability list. It also counts the lines each client sends and how many of them went
 * out before the previous reply had finished (pipelined): the round trips a client pays for.
 *
 * Why per command and not per TCP chunk (bench/lib/latency-proxy.ts): a latency proxy delays
 * every chunk in both directions, so it adds its round trip to the TCP and TLS handshakes too,
 * and a client that pipelines pays it once per window of commands. Here the delay is the time
 * between a command and the start of its reply, whatever the network — what a server that takes
 * 30 ms to answer each command costs. The handshakes and the bulk bytes of a reply are not
 * delayed.
 *
 * Bounded: a client line longer than MAX_LINE, or more than MAX_HELD bytes of lines waiting,
 * ends the session; replies flow with backpressure in both directions.
 */
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createServer, type TLSSocket } from 'node:tls';
import {
  type CapabilityFilter,
  type Expectation,
  expectationFor,
  ReplyFramer,
} from './pop3-reply-framer.js';

/** SASL responses carry OAuth tokens of a few KB; commands are under 255 bytes (RFC 2449). */
const MAX_LINE = 64 * 1024;
const MAX_HELD = 1024 * 1024;

export interface CommandProxyOptions {
  /** The real server's plain POP3 listener (loopback). */
  readonly upstream: { readonly host: string; readonly port: number };
  /** Certificate and key the proxy presents to clients (implicit TLS). */
  readonly tls: { readonly key: Buffer; readonly cert: Buffer };
  /** How long each client line waits before it reaches the server. */
  readonly delayMs: number;
  /** Capabilities the client is shown; null shows the server's list as it is. */
  readonly capabilities: CapabilityFilter | null;
}

/** What one client session did, counted at the proxy. */
export interface SessionCounts {
  /** Lines the client sent: commands and SASL responses. */
  readonly lines: number;
  /** Lines sent before the reply to the previous line had been read in full. */
  readonly pipelined: number;
  /** Lines per keyword (`RETR`, `SASL` for a SASL response). */
  readonly byVerb: Readonly<Record<string, number>>;
  /** Mean time a line was actually held (the timer's lateness included), ms. */
  readonly meanHoldMs: number;
  /** True when the reply framing gave up; the counts are then incomplete. */
  readonly framingLost: boolean;
}

export interface CommandProxy {
  readonly port: number;
  /** Waits until no session is open, then returns the finished sessions and forgets them. */
  takeSessions(timeoutMs?: number): Promise<SessionCounts[]>;
  close(): Promise<void>;
}

/** Capabilities Outlook.com offers on port 995 (`TOP / UIDL / SASL PLAIN XOAUTH2 / USER`). */
export const OUTLOOK_CAPABILITIES: CapabilityFilter = (line) =>
  ['TOP', 'UIDL', 'SASL', 'USER'].includes(line.split(' ')[0]?.toUpperCase() ?? '');

type Held = { readonly line: Buffer; readonly arrived: number };

/** One client session: the client's TLS socket and a plain connection to the server. */
class Session {
  readonly #client: TLSSocket;
  readonly #server: Socket;
  readonly #delayMs: number;
  readonly #framer: ReplyFramer;
  readonly #queue: Held[] = [];
  readonly #byVerb: Record<string, number> = {};
  #partial: Buffer[] = [];
  #partialBytes = 0;
  #heldBytes = 0;
  #timer: NodeJS.Timeout | null = null;
  #clientEnded = false;
  #inSasl = false;
  #lines = 0;
  #pipelined = 0;
  #holdTotal = 0;
  readonly closed: Promise<SessionCounts>;

  constructor(client: TLSSocket, options: CommandProxyOptions) {
    this.#client = client;
    this.#delayMs = options.delayMs;
    this.#framer = new ReplyFramer((_, status) => {
      this.#inSasl = status === 'continue';
    }, options.capabilities);
    this.#server = connect({ host: options.upstream.host, port: options.upstream.port });
    for (const socket of [client, this.#server]) {
      socket.setNoDelay(true);
      socket.on('error', () => this.destroy());
    }
    this.closed = Promise.all([
      new Promise((resolve) => client.once('close', resolve)),
      new Promise((resolve) => this.#server.once('close', resolve)),
    ]).then(() => this.#counts());
    client.on('data', (chunk: Buffer) => this.#fromClient(chunk));
    client.once('end', () => {
      this.#clientEnded = true;
      // A pending timer ends the server side once the held lines are out.
      if (this.#timer === null) this.#release();
    });
    this.#server.on('data', (chunk: Buffer) => this.#fromServer(chunk));
    this.#server.once('end', () => client.end());
  }

  #fromClient(chunk: Buffer): void {
    let from = 0;
    for (let lf = chunk.indexOf(0x0a); lf !== -1; lf = chunk.indexOf(0x0a, from)) {
      this.#partial.push(chunk.subarray(from, lf + 1));
      this.#arrive(Buffer.concat(this.#partial));
      this.#partial = [];
      this.#partialBytes = 0;
      from = lf + 1;
    }
    if (from < chunk.length) {
      this.#partial.push(chunk.subarray(from));
      this.#partialBytes += chunk.length - from;
      if (this.#partialBytes > MAX_LINE) this.destroy();
    }
  }

  #arrive(line: Buffer): void {
    // Anything still unanswered (held here, or at the server) means the client did not wait.
    if (this.#framer.pending > 0) this.#pipelined += 1;
    const expectation: Expectation = expectationFor(line, this.#inSasl);
    this.#inSasl = false;
    this.#framer.expect(expectation);
    this.#lines += 1;
    this.#byVerb[expectation.verb] = (this.#byVerb[expectation.verb] ?? 0) + 1;
    this.#queue.push({ line, arrived: performance.now() });
    this.#heldBytes += line.length;
    if (this.#heldBytes > MAX_HELD) this.destroy();
    else if (this.#timer === null) this.#release();
  }

  /** Passes on every line whose time has come, then sleeps until the next one's. */
  #release(): void {
    this.#timer = null;
    while (this.#queue.length > 0) {
      const head = this.#queue[0] as Held;
      const wait = head.arrived + this.#delayMs - performance.now();
      if (wait > 0) {
        this.#timer = setTimeout(() => this.#release(), wait);
        return;
      }
      this.#queue.shift();
      this.#heldBytes -= head.line.length;
      this.#holdTotal += performance.now() - head.arrived;
      this.#server.write(head.line);
    }
    if (this.#clientEnded) this.#server.end();
  }

  #fromServer(chunk: Buffer): void {
    let writable = true;
    for (const piece of this.#framer.push(chunk)) writable = this.#client.write(piece) && writable;
    if (!writable && !this.#server.isPaused()) {
      this.#server.pause();
      this.#client.once('drain', () => this.#server.resume());
    }
  }

  /** Drops both connections at once (a bound crossed, an error, or the proxy closing). */
  destroy(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#client.destroy();
    this.#server.destroy();
  }

  #counts(): SessionCounts {
    if (this.#timer) clearTimeout(this.#timer);
    return {
      lines: this.#lines,
      pipelined: this.#pipelined,
      byVerb: { ...this.#byVerb },
      meanHoldMs: this.#lines === 0 ? 0 : this.#holdTotal / this.#lines,
      framingLost: this.#framer.lost,
    };
  }
}

export const startCommandProxy = async (options: CommandProxyOptions): Promise<CommandProxy> => {
  const open = new Set<Session>();
  let finished: SessionCounts[] = [];
  const server = createServer({ key: options.tls.key, cert: options.tls.cert }, (client) => {
    const session = new Session(client, options);
    open.add(session);
    void session.closed.then((counts) => {
      open.delete(session);
      finished.push(counts);
    });
  });
  // A failed handshake (a client that gave up) is the client's problem, not the benchmark's.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  return {
    port: address.port,
    async takeSessions(timeoutMs = 10_000) {
      const until = performance.now() + timeoutMs;
      while (open.size > 0) {
        if (performance.now() > until) throw new Error(`${open.size} proxy session(s) still open`);
        await Promise.race([
          Promise.all([...open].map((session) => session.closed)),
          new Promise((resolve) => setTimeout(resolve, 100)),
        ]);
      }
      const taken = finished;
      finished = [];
      return taken;
    },
    close: () =>
      new Promise((resolve) => {
        for (const session of open) session.destroy();
        server.close(() => resolve());
      }),
  };
};
