/**
 * A scripted raw client for testing the sandbox POP3 server: write exact bytes, read replies line
 * by line from an accumulated buffer (so chunking never matters), inspect the chunks as they
 * arrived. Not a POP3 client: tests decide what to send and when.
 */
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls, type TLSSocket } from 'node:tls';

export interface RawClientOptions {
  /** Implicit TLS trusting this CA. */
  readonly tlsCa?: Buffer;
}

export class RawPop3Client {
  /** Every `data` chunk in arrival order (for chunk-boundary assertions). */
  readonly chunks: Buffer[] = [];
  private buffered = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | null = null;

  private constructor(private socket: Socket) {
    this.attach(socket);
  }

  static async connect(
    server: { host: string; port: number },
    options: RawClientOptions = {},
  ): Promise<RawPop3Client> {
    const socket = options.tlsCa
      ? connectTls({ host: server.host, port: server.port, ca: options.tlsCa })
      : connectTcp({ host: server.host, port: server.port });
    await new Promise<void>((resolve, reject) => {
      socket.once(options.tlsCa ? 'secureConnect' : 'connect', resolve);
      socket.once('error', reject);
    });
    return new RawPop3Client(socket);
  }

  get secure(): boolean {
    return (this.socket as TLSSocket).encrypted === true;
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends one command line (CRLF added). */
  send(line: string): void {
    this.socket.write(`${line}\r\n`);
  }

  /** The next line without its CRLF, as latin1 text. */
  async line(): Promise<string> {
    return (await this.lineBytes()).toString('latin1');
  }

  /** Sends a command and returns the status line. */
  async command(line: string): Promise<string> {
    this.send(line);
    return this.line();
  }

  /** The lines of a multi-line body up to the terminator, un-stuffed, as text. */
  async lines(): Promise<string[]> {
    return (await this.body()).toString('latin1').split('\r\n').slice(0, -1);
  }

  /** A multi-line body up to the terminator: un-stuffed, every line with its CRLF. */
  async body(): Promise<Buffer> {
    const lines: Buffer[] = [];
    for (;;) {
      const line = await this.lineBytes();
      if (line.length === 1 && line[0] === 0x2e) return Buffer.concat(lines);
      lines.push(line[0] === 0x2e ? line.subarray(1) : line, Buffer.from('\r\n'));
    }
  }

  /** Everything until the server closes the connection. */
  async rest(): Promise<Buffer> {
    while (!this.ended) await this.waitForData();
    const rest = this.buffered;
    this.buffered = Buffer.alloc(0);
    return rest;
  }

  /** Resolves when the server has closed the connection. */
  async closed(): Promise<void> {
    while (!this.ended) await this.waitForData();
  }

  /**
   * Starts TLS on the current connection (after `+OK` to STLS). Returns the plaintext bytes that
   * were buffered and unread at that moment, which a correct client discards.
   */
  async startTls(ca: Buffer): Promise<Buffer> {
    const leftover = this.buffered;
    this.buffered = Buffer.alloc(0);
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('end');
    this.socket.removeAllListeners('close');
    const secure = connectTls({ socket: this.socket, ca, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.socket = secure;
    this.attach(secure);
    return leftover;
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private attach(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.notify();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.ended = true;
      this.notify();
    });
  }

  private async lineBytes(): Promise<Buffer> {
    for (;;) {
      const crlf = this.buffered.indexOf('\r\n');
      if (crlf !== -1) {
        const line = this.buffered.subarray(0, crlf);
        this.buffered = this.buffered.subarray(crlf + 2);
        return line;
      }
      if (this.ended) throw new Error('connection closed before a complete line');
      await this.waitForData();
    }
  }

  private waitForData(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
