import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Pop3CommandInfo } from '../../../lambda/cli/sandbox/pop3-server.js';
import { systemClock } from '../../../lambda/clock.js';
import type { PopfwdError } from '../../../lambda/errors.js';
import { runCli } from '../../helpers/cli/cli.js';
import { fault } from '../../helpers/pop3/pop3-faults.js';
import { type Engine, mails, PASSWORD, useEngine } from '../engine/engine-fixture.js';

/**
 * Issue 11, item 8 (POP3). `--deadline 20s` against a server that drips one byte a second ended
 * at 22–23 s: every byte reset the idle timer, and in-flight replies got a grace after the
 * deadline. The session deadline now bounds a slow greeting, listing or RETR itself: the run is
 * over by the deadline (plus the time to hang up and save), and nothing is deleted.
 */

/** Hanging up and saving the state after the deadline; generous for a loaded CI machine. */
const SLACK_MS = 1_500;

const elapsed = async (work: () => Promise<unknown>): Promise<number> => {
  const started = Date.now();
  await work();
  return Date.now() - started;
};

const failingRun = async (mailbox: Engine, budgetMs: number): Promise<PopfwdError> => {
  let failure: PopfwdError | undefined;
  await mailbox
    .run({ retention: 'delete' }, { clock: systemClock, deadline: Date.now() + budgetMs })
    .catch((error: unknown) => {
      failure = error as PopfwdError;
    });
  if (!failure) throw new Error('expected the run to fail');
  return failure;
};

describe('a server that drips one byte a second', () => {
  const engine = useEngine();

  it('in its greeting: the run ends by the deadline', async () => {
    // Prepare
    const mailbox = await engine({ mailbox: mails(2), faults: { greeting: fault.drip(1_000) } });
    let error: PopfwdError | undefined;

    // Act
    const took = await elapsed(async () => {
      error = await failingRun(mailbox, 2_000);
    });

    // Assess
    // The run's cutoff comes a tenth of the budget (at least 0.5 s) before the deadline.
    expect(took).toBeGreaterThanOrEqual(1_400);
    expect(took).toBeLessThan(2_000 + SLACK_MS);
    expect(error?.code).toBe('ETIMEDOUT');
    expect(error?.message).toMatch(/deadline passed while the server was still answering greeting/);
    expect(mailbox.server.mailbox.messages).toHaveLength(2);
  });

  it('in its UIDL listing: the run ends by the deadline', async () => {
    // Prepare
    const onCommand = (command: Pop3CommandInfo) =>
      command.name === 'UIDL' ? fault.drip(1_000) : undefined;
    const mailbox = await engine({ mailbox: mails(2), faults: { onCommand } });
    let summary: Awaited<ReturnType<Engine['run']>> | undefined;

    // Act
    const took = await elapsed(async () => {
      summary = await mailbox.run(
        { retention: 'delete' },
        { clock: systemClock, deadline: Date.now() + 2_000 },
      );
    });

    // Assess: the cutoff drops the session; the run ends as one stopped by its deadline
    expect(took).toBeLessThan(2_000 + SLACK_MS);
    expect(summary).toMatchObject({ stoppedBy: 'deadline', archived: 0, deleted: 0 });
    expect(mailbox.server.commands()).not.toContain('QUIT');
    expect(mailbox.server.mailbox.messages).toHaveLength(2);
  });

  it('in a RETR: `popfwd run --deadline 4s` ends by the deadline and deletes nothing', async () => {
    // Prepare: message 2 of 3 drips; the other two arrive at once
    const onCommand = (command: Pop3CommandInfo) =>
      command.name === 'RETR' && command.args[0] === '2' ? fault.drip(1_000) : undefined;
    const mailbox = await engine({ mailbox: mails(3), faults: { onCommand } });
    const file = join(mailbox.dir, 'popfwd.yaml');
    await writeFile(file, stringify(mailbox.document({ retention: 'delete' })));
    let result: Awaited<ReturnType<typeof runCli>> | undefined;

    // Act
    const took = await elapsed(async () => {
      result = await runCli(['run', '--config', file, '--deadline', '4s'], mailbox.dir, {
        env: { POPFWD_PASSWORD: PASSWORD },
      });
    });
    await mailbox.server.idle();

    // Assess
    expect(took).toBeLessThan(4_000 + SLACK_MS);
    // Stopped by its deadline with nothing waiting: a normal end (exit 0); the rest comes next run.
    expect(result?.code).toBe(0);
    expect(result?.stderr).toMatch(/deadline passed while the POP3 server was still answering/);
    expect(mailbox.server.commands().filter((line) => /^(DELE|QUIT)/.test(line))).toEqual([]);
    expect(mailbox.server.mailbox.messages).toHaveLength(3);
    expect(Object.keys(await mailbox.seen())).toContain('m0001');
  });
});
