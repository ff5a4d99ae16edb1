/** Process handling for throwaway Dovecot instances: start, readiness, stop. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';

const STOP_TIMEOUT_MS = 10_000;

/**
 * Runs `dovecot -c conf`, which forks the master into the background. Its stderr goes to a file:
 * the daemon inherits our descriptors, so waiting for a pipe to close would wait for Dovecot's end.
 */
export const startMaster = async (confPath: string, stderrPath: string): Promise<void> => {
  const stderr = await open(stderrPath, 'w');
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('dovecot', ['-c', confPath], { stdio: ['ignore', 'ignore', stderr.fd] });
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`dovecot exited with ${code}`);
  } finally {
    await stderr.close();
  }
};

export const running = new Set<number>();
process.once('exit', () => {
  // A test process that dies before stop() must not leave Dovecot masters behind.
  for (const pid of running) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
});

/** Resolves once the server's greeting arrives on the plain port. */
export const waitForGreeting = async (
  host: string,
  port: number,
  deadline: number,
): Promise<void> => {
  for (;;) {
    const greeted = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      socket.setTimeout(2_000, () => socket.destroy());
      socket.once('data', (chunk) => {
        socket.destroy();
        resolve(chunk.toString('latin1').startsWith('+OK'));
      });
      socket.once('close', () => resolve(false));
      socket.once('error', () => undefined);
    });
    if (greeted) return;
    if (Date.now() > deadline) throw new Error(`dovecot on ${host}:${port} sent no greeting`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/**
 * Whether the process still runs. The master is re-parented to PID 1 when `dovecot` daemonizes;
 * after it exits it may stay a zombie until PID 1 reaps it, which counts as gone.
 */
const isAlive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

export const stopPid = async (pid: number): Promise<void> => {
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

/** The daemonized master writes its pid file a moment after `dovecot` has returned. */
export const readMasterPid = async (runDir: string, deadline: number): Promise<number> => {
  for (;;) {
    const text = await readFile(join(runDir, 'master.pid'), 'utf8').catch(() => '');
    const pid = Number(text.trim());
    if (Number.isInteger(pid) && pid > 0) return pid;
    if (Date.now() > deadline) throw new Error('dovecot wrote no master.pid');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

export const readLog = (path: string): Promise<string> => readFile(path, 'utf8').catch(() => '');
