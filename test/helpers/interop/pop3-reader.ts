/**
 * An independent POP3 reader for the interop matrix: shares no code with popfwd's client, so what
 * it reads is what the server serves. Strict framing (lines end with CRLF, a multi-line reply ends
 * with a line that is exactly "."), one command at a time, a time limit on every reply.
 */
import { connect, type Socket } from 'node:net';

const REPLY_TIMEOUT_MS = 30_000;
const MAX_LINE = 1024 * 1024;

export interface ServerAddress {
  readonly host: string;
  readonly port: number;
}

export interface Login {
  readonly user: string;
  readonly password: string;
}

export interface ServedMessage {
  readonly n: number;
  readonly uidl: string;
  /** The size LIST announced. */
  readonly listed: number;
  /** What RETR delivered, dot-unstuffed, without the terminator. */
  readonly data: Buffer;
}

export interface MailboxRead {
  readonly greeting: string;
  /** CAPA lines before login; empty when CAPA is refused. */
  readonly capa: readonly string[];
  /** The server's reply to UTF8, when it was sent. */
  readonly utf8Reply?: string;
  readonly messages: readonly ServedMessage[];
}

export class Pop3Reader {
  private buffered: Buffer = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
      this.notify();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.ended = true;
      this.notify();
    });
  }

  static async open(address: ServerAddress): Promise<{ reader: Pop3Reader; greeting: string }> {
    const socket = connect(address);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const reader = new Pop3Reader(socket);
    const greeting = await reader.line();
    if (!greeting.startsWith('+OK')) throw new Error(`greeting: ${greeting}`);
    return { reader, greeting };
  }

  /** Sends a command and returns its status line; throws on -ERR unless `allowErr`. */
  async command(line: string, allowErr = false): Promise<string> {
    this.socket.write(`${line}\r\n`);
    const status = await this.line();
    const shown = line.startsWith('PASS ') ? 'PASS ***' : line;
    if (!status.startsWith('+OK') && !allowErr) throw new Error(`${shown}: ${status}`);
    return status;
  }

  /** A multi-line reply's lines, dot-unstuffed, each with its CRLF, joined. */
  async multiline(): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (;;) {
      const line = await this.lineBytes();
      if (line.length === 1 && line[0] === DOT) return Buffer.concat(parts);
      parts.push(line[0] === DOT ? line.subarray(1) : line, CRLF);
    }
  }

  async login({ user, password }: Login): Promise<void> {
    await this.command(`USER ${user}`);
    await this.command(`PASS ${password}`);
  }

  async quit(): Promise<void> {
    await this.command('QUIT', true).catch(() => '');
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  async line(): Promise<string> {
    return (await this.lineBytes()).toString('latin1');
  }

  private async lineBytes(): Promise<Buffer> {
    for (;;) {
      const at = this.buffered.indexOf(CRLF);
      if (at !== -1) {
        const line = this.buffered.subarray(0, at);
        this.buffered = this.buffered.subarray(at + 2);
        return line;
      }
      if (this.buffered.length > MAX_LINE) throw new Error(`a line longer than ${MAX_LINE} bytes`);
      if (this.ended) throw new Error('the server closed the connection mid-reply');
      await this.waitForData();
    }
  }

  private waitForData(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.wake = null;
        reject(new Error(`no reply within ${REPLY_TIMEOUT_MS} ms`));
      }, REPLY_TIMEOUT_MS);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

const listing = (body: Buffer): Map<number, string> =>
  new Map(
    body
      .toString('latin1')
      .split('\r\n')
      .filter((line) => line !== '')
      .map((line) => {
        const [n, value] = line.split(' ');
        return [Number(n), value ?? ''] as const;
      }),
  );

export interface ReadOptions {
  /** Send UTF8 (RFC 6856) after login. @default false */
  readonly utf8?: boolean;
}

/** Logs in, lists, RETRs every message one by one, QUITs without deleting anything. */
export const readMailbox = async (
  address: ServerAddress,
  login: Login,
  options: ReadOptions = {},
): Promise<MailboxRead> => {
  const { reader, greeting } = await Pop3Reader.open(address);
  try {
    const capaStatus = await reader.command('CAPA', true);
    const capa = capaStatus.startsWith('+OK')
      ? (await reader.multiline()).toString('latin1').split('\r\n').filter(Boolean)
      : [];
    await reader.login(login);
    const utf8Reply = options.utf8 ? await reader.command('UTF8', true) : undefined;
    await reader.command('UIDL');
    const uidls = listing(await reader.multiline());
    await reader.command('LIST');
    const sizes = listing(await reader.multiline());
    const messages: ServedMessage[] = [];
    for (const [n, uidl] of uidls) {
      await reader.command(`RETR ${n}`);
      messages.push({ n, uidl, listed: Number(sizes.get(n)), data: await reader.multiline() });
    }
    await reader.quit();
    return { greeting, capa, messages, ...(utf8Reply === undefined ? {} : { utf8Reply }) };
  } catch (error) {
    reader.destroy();
    throw error;
  }
};

/** The message count STAT reports (a fresh session). */
export const countMessages = async (address: ServerAddress, login: Login): Promise<number> => {
  const { reader } = await Pop3Reader.open(address);
  try {
    await reader.login(login);
    const stat = await reader.command('STAT');
    await reader.quit();
    return Number(stat.split(' ')[1]);
  } catch (error) {
    reader.destroy();
    throw error;
  }
};

const DOT = 0x2e;
const CRLF = Buffer.from('\r\n');
