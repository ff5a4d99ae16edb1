/**
 * One `popfwd run --json` against an interop server, in-process (the current source, no build),
 * through a wire recorder; then `popfwd archive list --json` and the archived bytes.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runCli } from '../cli/cli.js';
import type { Login, ServerAddress } from './pop3-reader.js';
import { readSession, type SessionReport } from './transcript.js';
import { startWireRecorder } from './wire-recorder.js';

const PASSWORD_ENV = 'POPFWD_INTEROP_PASSWORD';

export interface ArchivedMessage {
  readonly uidl: string;
  readonly data: Buffer;
}

export interface PopfwdRun {
  readonly exitCode: number;
  /** The --json summary (null when the run failed). */
  readonly summary: Record<string, unknown> | null;
  readonly stderr: string;
  /** What RETR delivered to popfwd in each session, as recorded on the wire. */
  readonly sessions: readonly SessionReport[];
  readonly archive: readonly ArchivedMessage[];
}

const address = (login: string): string =>
  login.includes('@') ? login : `${login}@interop.popfwd.test`;

export const runPopfwd = async (
  server: ServerAddress & { readonly login: Login },
  storeDir: string,
  retention: 'keep' | 'delete',
): Promise<PopfwdRun> => {
  await mkdir(storeDir, { recursive: true });
  const recorder = await startWireRecorder(server);
  const configPath = join(storeDir, 'popfwd.yaml');
  await writeFile(
    configPath,
    stringify({
      mailbox: {
        address: address(server.login.user),
        pop3: { host: recorder.host, port: recorder.port, security: 'plain' },
        auth: { method: 'password', user: server.login.user, password: { env: PASSWORD_ENV } },
        retention,
      },
      store: { dir: join(storeDir, 'data') },
    }),
  );
  const env = { [PASSWORD_ENV]: server.login.password };
  try {
    const run = await runCli(['run', '--config', configPath, '--json'], storeDir, { env });
    const list = await runCli(['archive', 'list', '--config', configPath, '--json'], storeDir, {
      env,
    });
    const archive: ArchivedMessage[] = [];
    for (const line of list.stdout.split('\n').filter(Boolean)) {
      const { uidl, key } = JSON.parse(line) as { uidl: string; key: string };
      archive.push({ uidl, data: await readFile(join(storeDir, 'data', key)) });
    }
    const summaryLine = run.code === 0 ? run.stdout.trim().split('\n').pop() : undefined;
    return {
      exitCode: run.code,
      summary: summaryLine ? (JSON.parse(summaryLine) as Record<string, unknown>) : null,
      stderr: run.stderr,
      sessions: recorder.sessions().map(readSession),
      archive,
    };
  } finally {
    await recorder.close();
  }
};
