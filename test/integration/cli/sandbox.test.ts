import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../../lambda/cli/io.js';
import { main } from '../../../lambda/cli/main.js';

const capture = async (cwd: string, argv: string[]) => {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const io: CliIO = { stdout, stderr, env: {}, cwd, signal: new AbortController().signal };
  const code = await main(argv, io);
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
};

describe('popfwd run without a config (the sandbox behind npm start)', () => {
  it('archives the sample mailbox, captures the sends, and explains what happened', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'popfwd-sandbox-'));

    const first = await capture(cwd, ['run']);

    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/fetched 20 · archived 20 · already archived 0/);
    expect(first.stdout).toMatch(/forwarded 1 · replied \d+ · skipped \d+ · failed 0/);
    expect(first.stdout).toContain('Next: your own mailbox');
    const raw = await readdir(join(cwd, 'popfwd-sandbox/archive/alice@example.test/raw'));
    expect(raw.filter((name) => name.endsWith('.eml'))).toHaveLength(20);
    const outbox = await readdir(join(cwd, 'popfwd-sandbox/outbox'));
    const forward = (
      await Promise.all(
        outbox.map((name) => readFile(join(cwd, 'popfwd-sandbox/outbox', name), 'utf8')),
      )
    ).find((mail) => /^Subject: Fwd: /m.test(mail));
    expect(forward).toMatch(/^X-Popfwd-Loop: alice@example.test$/m);
    expect(forward).toMatch(/Content-Type: message\/rfc822/);
  });

  it('fetches and sends nothing the second time: everything happens exactly once', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'popfwd-sandbox-'));
    await capture(cwd, ['run']);

    const second = await capture(cwd, ['run', '--json']);

    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({
      fetched: 0,
      archived: 0,
      forwarded: 0,
      replied: 0,
      failed: 0,
    });
  });
});
