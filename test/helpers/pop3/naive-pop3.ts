/**
 * A deliberately simple POP3 reader, independent of lambda/pop3/, to check that the production
 * client archives exactly the bytes a server delivers. One command at a time: a reply is complete
 * when the received data ends with CRLF (status) or CRLF "." CRLF (multi-line), which is correct
 * only without pipelining. Un-stuffing is done line by line; the final CRLF of a message is kept.
 */
import { readFileSync } from 'node:fs';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { TLS_PATHS } from '../tls-fixtures.js';

export interface NaiveReadOptions {
  readonly host: string;
  readonly port: number;
  /** Implicit TLS, trusting the test CA (or `ca`). @default false */
  readonly tls?: boolean;
  readonly ca?: Buffer;
  readonly user: string;
  readonly password: string;
  /** Fails the read when the server is silent this long. @default 10000 */
  readonly timeoutMs?: number;
}

const MULTILINE_END = Buffer.from('\r\n.\r\n');
const LINE_END = Buffer.from('\r\n');

/** Reads replies off one socket, one command at a time. */
class NaiveConnection {
  private chunks: Buffer[] = [];
  private tail = Buffer.alloc(0);
  private waiting: { end: Buffer; resolve: (reply: Buffer) => void } | null = null;
  private failure: Error | null = null;
  private onFailure: ((error: Error) => void) | null = null;

  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  /** Sends a command (if any) and resolves with the whole reply, status line included. */
  request(command: string | null, multiline: boolean): Promise<Buffer> {
    const reply = new Promise<Buffer>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.onFailure = reject;
      this.waiting = { end: multiline ? MULTILINE_END : LINE_END, resolve };
      this.check();
    });
    if (command !== null) this.socket.write(`${command}\r\n`);
    return reply;
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.tail = Buffer.concat([this.tail, chunk]).subarray(-MULTILINE_END.length);
    this.check();
  }

  private check(): void {
    const waiting = this.waiting;
    if (!waiting) return;
    // A -ERR to a multi-line command is one line; anything else ends as the command dictates.
    const end = this.chunks[0]?.[0] === 0x2d ? LINE_END : waiting.end;
    if (!this.tail.subarray(-end.length).equals(end)) return;
    const reply = Buffer.concat(this.chunks);
    this.chunks = [];
    this.tail = Buffer.alloc(0);
    this.waiting = null;
    this.onFailure = null;
    waiting.resolve(reply);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.onFailure?.(this.failure);
  }
}

const statusOk = (reply: Buffer, what: string): void => {
  if (!reply.subarray(0, 3).equals(Buffer.from('+OK'))) {
    throw new Error(`${what} failed: ${reply.subarray(0, 200).toString('latin1').trim()}`);
  }
};

/** Body of a multi-line reply: status line and terminator dropped, lines un-stuffed. */
export const naiveBody = (reply: Buffer): Buffer => {
  const start = reply.indexOf(LINE_END) + 2;
  const body = reply.subarray(start, reply.length - 3);
  const lines: Buffer[] = [];
  let lineStart = 0;
  while (lineStart < body.length) {
    const lf = body.indexOf(0x0a, lineStart);
    const end = lf === -1 ? body.length : lf + 1;
    const line = body.subarray(lineStart, end);
    lines.push(line[0] === 0x2e ? line.subarray(1) : line);
    lineStart = end;
  }
  return Buffer.concat(lines);
};

const connectTo = (options: NaiveReadOptions): Socket =>
  options.tls
    ? connectTls({
        host: options.host,
        port: options.port,
        ca: options.ca ?? readFileSync(TLS_PATHS.ca),
      })
    : connectTcp({ host: options.host, port: options.port });

/** Opens a session, logs in with USER/PASS and hands it to `work`; QUIT is sent only if it succeeds. */
const withSession = async <T>(
  options: NaiveReadOptions,
  work: (pop: NaiveConnection) => Promise<T>,
): Promise<T> => {
  const socket = connectTo(options);
  socket.setTimeout(options.timeoutMs ?? 10_000, () =>
    socket.destroy(new Error('naive POP3 reader: server silent')),
  );
  const pop = new NaiveConnection(socket);
  try {
    statusOk(await pop.request(null, false), 'greeting');
    statusOk(await pop.request(`USER ${options.user}`, false), 'USER');
    statusOk(await pop.request(`PASS ${options.password}`, false), 'PASS');
    const result = await work(pop);
    await pop.request('QUIT', false);
    return result;
  } finally {
    pop.close();
  }
};

const uidlListing = async (pop: NaiveConnection): Promise<[string, string][]> => {
  const listing = await pop.request('UIDL', true);
  statusOk(listing, 'UIDL');
  return naiveBody(listing)
    .toString('latin1')
    .split('\r\n')
    .filter((line) => line !== '')
    .map((line) => line.split(' ') as [string, string]);
};

/** Logs in with USER/PASS and RETRs every message; returns UIDL → message bytes. Deletes nothing. */
export const naiveRetrieveAll = (options: NaiveReadOptions): Promise<Map<string, Buffer>> =>
  withSession(options, async (pop) => {
    const messages = new Map<string, Buffer>();
    for (const [number, uidl] of await uidlListing(pop)) {
      const reply = await pop.request(`RETR ${number}`, true);
      statusOk(reply, `RETR ${number}`);
      messages.set(uidl, naiveBody(reply));
    }
    return messages;
  });

/** The UIDLs on the server right now, in order. Reads and deletes nothing. */
export const naiveListUidls = (options: NaiveReadOptions): Promise<string[]> =>
  withSession(options, async (pop) => (await uidlListing(pop)).map(([, uidl]) => uidl));
