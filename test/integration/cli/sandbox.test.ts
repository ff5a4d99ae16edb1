import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli/cli.js';

const scratch = () => mkdtemp(join(tmpdir(), 'popfwd-sandbox-'));

describe('popfwd sandbox (what npm start runs)', () => {
  it('archives the sample mailbox, captures the sends, and explains what happened', async () => {
    const cwd = await scratch();

    const first = await runCli(['sandbox'], cwd);

    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/fetched 20 · archived 20 · already archived 0/);
    expect(first.stdout).toMatch(/forwarded 1 · replied \d+ · skipped \d+ · failed 0/);
    expect(first.stdout).toContain('Next: your own mailbox');
    expect(first.stderr).toContain('an archive in popfwd-sandbox\n');
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
    const cwd = await scratch();
    await runCli(['sandbox'], cwd);

    const second = await runCli(['sandbox', '--json'], cwd);

    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({
      fetched: 0,
      archived: 0,
      forwarded: 0,
      replied: 0,
      failed: 0,
    });
  });

  it('writes where --dir says, and every path it prints is one it wrote', async () => {
    const cwd = await scratch();

    const result = await runCli(['sandbox', '--dir', 'demo/box'], cwd);

    expect(result.code).toBe(0);
    expect(existsSync(join(cwd, 'popfwd-sandbox'))).toBe(false);
    const printed = [...`${result.stdout}${result.stderr}`.matchAll(/(demo\/box[^\s)]*)/g)].map(
      (match) => (match[1] as string).replace(/[—,.]+$/, ''),
    );
    expect(printed).toEqual(
      expect.arrayContaining([
        'demo/box',
        'demo/box/archive',
        'demo/box/popfwd.sandbox.yaml',
        'demo/box/outbox/001.eml',
      ]),
    );
    for (const path of printed) expect(existsSync(join(cwd, path)), path).toBe(true);
  });

  it('prints nothing with -q, and the run still happens', async () => {
    const cwd = await scratch();

    const result = await runCli(['sandbox', '-q'], cwd);

    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const raw = await readdir(join(cwd, 'popfwd-sandbox/archive/alice@example.test/raw'));
    expect(raw.filter((name) => name.endsWith('.eml'))).toHaveLength(20);
  });

  it('suggests commands that run from where it is: npx popfwd in a clone', async () => {
    const cwd = await scratch();

    const result = await runCli(['sandbox'], cwd, { env: { XDG_CONFIG_HOME: '/xdg' } });

    expect(result.stdout).toContain(
      'npx popfwd archive list --config popfwd-sandbox/popfwd.sandbox.yaml',
    );
    expect(result.stdout).toContain('to /xdg/popfwd/config.yaml, where popfwd looks for it');
    const examples = [...result.stdout.matchAll(/(\S+\/examples\/\w+\.yaml)/g)].map(
      (match) => match[1] as string,
    );
    expect(examples).toHaveLength(2);
    for (const example of examples) expect(existsSync(example), example).toBe(true);
  });
});
