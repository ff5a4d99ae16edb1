/**
 * inetd in a few lines: a loopback listener that starts a fresh server process for each
 * connection, with the socket as its stdin and stdout (what popa3d, solid-pop3d and Courier's
 * pop3login expect).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';

const LOG_LIMIT = 256 * 1024;

export interface InetdOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

export interface Inetd {
  readonly host: string;
  readonly port: number;
  /** stderr of the processes so far (bounded). */
  log(): string;
  stop(): Promise<void>;
}

export const startInetd = async (options: InetdOptions): Promise<Inetd> => {
  let log = '';
  const children = new Set<ChildProcess>();
  const append = (text: string): void => {
    log = (log + text).slice(-LOG_LIMIT);
  };
  // pauseOnConnect: this process must not read a byte that belongs to the server process.
  const server: Server = createServer({ pauseOnConnect: true }, (socket: Socket) => {
    const child = spawn(options.command, [...options.args], {
      stdio: [socket, socket, 'pipe'],
      env: { ...process.env, ...options.env },
    });
    children.add(child);
    child.stderr?.on('data', (chunk: Buffer) => append(chunk.toString('latin1')));
    child.once('error', (error) => {
      append(`${error.message}\n`);
      socket.destroy();
    });
    child.once('exit', () => {
      children.delete(child);
      socket.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('inetd has no port');
  return {
    host: '127.0.0.1',
    port: address.port,
    log: () => log,
    stop: async () => {
      for (const child of children) child.kill('SIGTERM');
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
