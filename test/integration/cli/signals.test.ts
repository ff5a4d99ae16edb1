import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { fault } from '../../helpers/pop3/pop3-faults.js';
import { bundlePopfwd, type PopfwdBundle } from '../../helpers/proof/popfwd-bundle.js';
import { mails, PASSWORD, useEngine } from '../engine/engine-fixture.js';

/** Runs popfwd in a child process and sends it `signal` once it has archived a message. */
const interrupt = (
  entry: string,
  args: readonly string[],
  signal: NodeJS.Signals,
): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry, ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', POPFWD_PASSWORD: PASSWORD },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let sent = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (!sent && / info +archived /.test(stderr)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });

describe('popfwd run stopped by a signal', () => {
  const engine = useEngine();
  let popfwd: PopfwdBundle;

  beforeAll(async () => {
    popfwd = await bundlePopfwd();
  });

  afterAll(async () => {
    await popfwd?.dispose();
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'exits 130 on %s after saving what it archived',
    async (signal) => {
      // Prepare: twenty messages read slowly, one at a time
      const mailbox = await engine({
        mailbox: mails(20),
        faults: {
          onCommand: (command) => (command.name === 'RETR' ? fault.delay(100) : undefined),
        },
      });
      const file = join(mailbox.dir, 'popfwd.yaml');
      await writeFile(file, stringify(mailbox.document({ pipelining: 'off' })));

      // Act
      const result = await interrupt(popfwd.path, ['run', '--config', file, '--json'], signal);

      // Assess
      expect(result.code, result.stderr).toBe(130);
      const summary = JSON.parse(result.stdout) as { archived: number; stoppedBy: string };
      expect(summary.stoppedBy).toBe('aborted');
      expect(summary.archived).toBeGreaterThan(0);
      expect(summary.archived).toBeLessThan(20);
      expect(Object.keys(await mailbox.seen())).toHaveLength(summary.archived);
    },
  );
});
