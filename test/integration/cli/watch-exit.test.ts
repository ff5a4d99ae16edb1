import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createWatchCommand } from '../../../lambda/cli/commands/watch.js';
import { captureIO } from '../../helpers/cli/cli.js';
import { fixedClock } from '../../helpers/fixed-clock.js';
import { freePort } from '../../helpers/free-port.js';
import { fault } from '../../helpers/pop3/pop3-faults.js';
import { type Engine, mails, PASSWORD, rulesYaml, useEngine } from '../engine/engine-fixture.js';

const MINUTE = 60_000;

/** The fields of the fixture's config document that these tests change. */
interface ConfigDocument {
  mailbox: { pop3: Record<string, unknown>; smtp?: unknown };
  rules?: unknown[];
}

/**
 * `popfwd watch` with a fake clock: each pause between polls returns at once and moves the clock
 * on by its length. `stopAfter` pauses, the test presses Ctrl-C.
 */
const watch = async (
  mailbox: Engine,
  args: readonly string[],
  options: {
    env?: NodeJS.ProcessEnv;
    stopAfter?: number;
    change?: (document: ConfigDocument) => void;
  } = {},
) => {
  const file = join(mailbox.dir, 'popfwd.yaml');
  const document = mailbox.document() as unknown as ConfigDocument;
  options.change?.(document);
  await writeFile(file, stringify(document));
  const clock = fixedClock(0);
  const waits: number[] = [];
  const controller = new AbortController();
  const sleep = async (ms: number) => {
    waits.push(ms);
    clock.advance(ms);
    if (waits.length >= (options.stopAfter ?? Number.POSITIVE_INFINITY)) controller.abort();
  };
  const { io, stdout, stderr } = captureIO(mailbox.dir, {
    env: options.env ?? { POPFWD_PASSWORD: PASSWORD },
    signal: controller.signal,
  });
  const code = await createWatchCommand({ sleep }).run(['--config', file, ...args], io);
  return { code, waits, elapsed: clock.now(), stdout: stdout(), stderr: stderr() };
};

describe('popfwd watch: permanent errors stop it, temporary ones slow it down', () => {
  const engine = useEngine();

  it('exits 2 at the first poll when the password variable is unset', async () => {
    const mailbox = await engine({ mailbox: mails(1) });

    const result = await watch(mailbox, ['--every', '5m'], { env: {}, stopAfter: 3 });

    expect(result.code).toBe(2);
    expect(result.waits).toEqual([]);
    expect(result.stderr).toContain('POPFWD_PASSWORD');
    expect(result.stderr).toContain(
      'stopped: this error comes back on every poll until it is fixed',
    );
    expect(mailbox.server.connections).toBe(0);
  });

  it('exits 3 at the first poll when the server refuses the password', async () => {
    const mailbox = await engine({ mailbox: mails(1) });

    const result = await watch(mailbox, ['--every', '5m'], {
      env: { POPFWD_PASSWORD: 'revoked-Passw0rd' },
      stopAfter: 3,
    });

    expect(result.code).toBe(3);
    expect(result.waits).toEqual([]);
    expect(mailbox.server.connections).toBe(1);
  });

  it('doubles the pause after each temporary failure and returns to --every after a good poll', async () => {
    // Prepare: the server is in maintenance for the first three logins
    const mailbox = await engine({
      mailbox: mails(2),
      faults: {
        onCommand: (command) =>
          command.name === 'AUTH' && command.session <= 3
            ? fault.reply('-ERR [SYS/TEMP] maintenance')
            : undefined,
      },
    });

    // Act
    const result = await watch(mailbox, ['--every', '5m', '--json'], { stopAfter: 5 });

    // Assess
    expect(result.code).toBe(130);
    expect(result.waits.map((ms) => ms / MINUTE)).toEqual([5, 10, 20, 5, 5]);
    expect(result.elapsed).toBe(45 * MINUTE);
    expect(mailbox.server.connections).toBe(5);
    const summaries = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      // A failed poll is a JSON line with its error; the summaries are the others
      .filter((line) => !('error' in line));
    expect(summaries).toMatchObject([{ archived: 2 }, { archived: 0 }]);
    expect(result.stderr).toContain('3 failed poll(s) in a row; the next in 20 min');
  });

  it('waits at most an hour between polls while the server stays down', async () => {
    const mailbox = await engine({ mailbox: mails(1) });
    const closed = await freePort();

    const result = await watch(mailbox, ['--every', '10m'], {
      stopAfter: 7,
      change: (document) => {
        document.mailbox.pop3.port = closed;
      },
    });

    expect(result.code).toBe(130);
    expect(result.waits.map((ms) => ms / MINUTE)).toEqual([10, 20, 40, 60, 60, 60, 60]);
    expect(result.stderr.match(/run failed: .*\[ECONNECTION: /g)).toHaveLength(7);
  });

  it('keeps the normal pace when the run finishes with sends waiting (5)', async () => {
    const mailbox = await engine({ mailbox: mails(1) });
    const closed = await freePort();

    const result = await watch(mailbox, ['--every', '5m', '--json'], {
      stopAfter: 3,
      change: (document) => {
        document.mailbox.smtp = { host: 'localhost', port: closed, security: 'plain' };
        document.rules = rulesYaml(
          '[ { name: all, then: [ { forward: { to: [bob@example.net] } } ] } ]',
        );
      },
    });

    expect(result.code).toBe(130);
    expect(result.waits.map((ms) => ms / MINUTE)).toEqual([5, 5, 5]);
    expect(
      result.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).pendingActions),
    ).toEqual([1, 1, 1]);
  });
});
