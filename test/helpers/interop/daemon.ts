/** Long-running server processes of the matrix: start, wait for the greeting, log, stop. */
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';

const LOG_LIMIT = 256 * 1024;
const STOP_TIMEOUT_MS = 5_000;

export interface Daemon {
  readonly pid: number;
  log(): string;
  /** Whether it has exited (with what). */
  exited(): string | null;
  stop(): Promise<void>;
}

const alive = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of alive) child.kill('SIGKILL');
});

export const startDaemon = (
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Daemon => {
  let log = '';
  let exit: string | null = null;
  const child = spawn(command, [...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  alive.add(child);
  const append = (chunk: Buffer): void => {
    log = (log + chunk.toString('latin1')).slice(-LOG_LIMIT);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  child.once('error', (error) => {
    exit = error.message;
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = `exited with ${signal ?? code}`;
      alive.delete(child);
      resolve();
    }),
  );
  return {
    pid: child.pid ?? -1,
    log: () => log,
    exited: () => exit,
    stop: async () => {
      if (exit !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
};

/** Resolves once a `+OK` greeting arrives; rejects when `daemon` exits or time runs out. */
export const waitForGreeting = async (
  host: string,
  port: number,
  daemon: Pick<Daemon, 'exited' | 'log'> | undefined,
  timeoutMs = 15_000,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const greeted = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      socket.setTimeout(2_000, () => socket.destroy());
      socket.once('data', (chunk: Buffer) => {
        socket.destroy();
        resolve(chunk.toString('latin1').startsWith('+OK'));
      });
      socket.once('close', () => resolve(false));
      socket.once('error', () => undefined);
    });
    if (greeted) return;
    const exit = daemon?.exited();
    if (exit) throw new Error(`the server ${exit} before greeting:\n${daemon?.log()}`);
    if (Date.now() > deadline) {
      throw new Error(
        `no greeting on ${host}:${port} within ${timeoutMs} ms\n${daemon?.log() ?? ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};
