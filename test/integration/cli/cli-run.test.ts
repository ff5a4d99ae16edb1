import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli } from '../../helpers/cli/cli.js';
import { type Engine, mails, OWNER, PASSWORD, useEngine } from '../engine/engine-fixture.js';

const CLEAR_LINE = '\r\x1b[2K';
const env = { POPFWD_PASSWORD: PASSWORD };

const configFile = async (mailbox: Engine): Promise<string> => {
  const file = join(mailbox.dir, 'popfwd.yaml');
  await writeFile(file, stringify(mailbox.document({ retention: 'delete' })));
  return file;
};

describe('popfwd run --config', () => {
  const engine = useEngine();

  it('--json prints the summary object', async () => {
    // Prepare
    const mailbox = await engine({ mailbox: mails(3) });
    const file = await configFile(mailbox);

    // Act
    const result = await runCli(['run', '--config', file, '--json'], mailbox.dir, { env });

    // Assess
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const summary = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(summary).toEqual(
      expect.objectContaining({
        fetched: 3,
        archived: 3,
        alreadyArchived: 0,
        deleted: 3,
        forwarded: 0,
        replied: 0,
        skipped: 0,
        failed: 0,
        durationMs: expect.any(Number),
      }),
    );
    expect(mailbox.server.mailbox.messages).toEqual([]);
  });

  it('prints a readable summary, with log lines on stderr, when not on a terminal', async () => {
    // Prepare
    const mailbox = await engine({ mailbox: mails(2) });
    const file = await configFile(mailbox);

    // Act
    const result = await runCli(['run', '--config', file], mailbox.dir, { env });

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${OWNER}: done in `));
    expect(result.stdout).toContain('fetched 2 · archived 2');
    expect(result.stderr).toMatch(/info {2}logged in/);
    expect(result.stderr).not.toContain(CLEAR_LINE);
  });

  it('draws a progress bar on a terminal and clears it before the summary', async () => {
    // Prepare
    const mailbox = await engine({ mailbox: mails(30) });
    const file = await configFile(mailbox);

    // Act
    const result = await runCli(['run', '--config', file], mailbox.dir, { env, tty: true });

    // Assess
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`${CLEAR_LINE}connecting to `);
    expect(result.stderr).toMatch(/\r\x1b\[2Kfetching 30\/30 \(/);
    expect(result.stderr.endsWith(CLEAR_LINE)).toBe(true);
    expect(result.stderr).not.toMatch(/info {2}/);
    expect(result.stdout).toContain('fetched 30 · archived 30');
  });

  it('exits with 3 and says why when the server refuses the password', async () => {
    // Prepare: the password the config points at is wrong
    const mailbox = await engine({ mailbox: mails(1) });
    const file = await configFile(mailbox);

    // Act
    const result = await runCli(['run', '--config', file], mailbox.dir, {
      env: { POPFWD_PASSWORD: 'wr0ng-Pa55word' },
    });

    // Assess
    expect(result).toMatchObject({ code: 3, stdout: '' });
    expect(result.stderr).toMatch(/\[EAUTH: /);
    expect(result.stderr).toContain('run `popfwd auth login` (OAuth2) or check the password');
    expect(result.stderr).not.toContain('wr0ng-Pa55word');
    expect(mailbox.server.mailbox.messages).toHaveLength(1);
  });
});
