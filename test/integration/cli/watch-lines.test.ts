/**
 * What `popfwd watch` prints, with a fake clock: a timestamp on every line, one line per empty
 * poll, and `--json` lines that carry their `time`.
 */
import { writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createWatchCommand } from '../../../lambda/cli/commands/watch.js';
import { localTimestamp } from '../../../lambda/cli/output/timestamp.js';
import { captureIO } from '../../helpers/cli/cli.js';
import { fixedClock } from '../../helpers/fixed-clock.js';
import { type Engine, mails, PASSWORD, useEngine } from '../engine/engine-fixture.js';

const MINUTE = 60_000;
const T0 = Date.parse('2026-12-06T05:00:00Z');
const STAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d /;

/** `popfwd watch` for `polls` polls; each pause moves the fake clock on by its length. */
const watch = async (
  mailbox: Engine,
  args: readonly string[],
  options: { polls: number; env?: NodeJS.ProcessEnv; betweenPolls?: (poll: number) => void },
) => {
  const file = join(mailbox.dir, 'popfwd.yaml');
  await writeFile(file, stringify(mailbox.document()));
  const clock = fixedClock(T0);
  const controller = new AbortController();
  let pauses = 0;
  const sleep = async (ms: number) => {
    pauses += 1;
    clock.advance(ms);
    options.betweenPolls?.(pauses);
    if (pauses >= options.polls) controller.abort();
  };
  const { io, stdout, stderr } = captureIO(mailbox.dir, {
    env: options.env ?? { POPFWD_PASSWORD: PASSWORD },
    signal: controller.signal,
  });
  const now = () => new Date(clock.now());
  const code = await createWatchCommand({ sleep, now }).run(['--config', file, ...args], io);
  const lines = (text: string) => text.split('\n').filter((line) => line !== '');
  return { code, stdout: lines(stdout()), stderr: lines(stderr()) };
};

const at = (minutes: number) => localTimestamp(new Date(T0 + minutes * MINUTE));

describe('popfwd watch: lines with times', () => {
  const engine = useEngine();

  it('one timestamped line per empty poll, and timestamps on its own lines', async () => {
    const mailbox = await engine({ mailbox: [] });

    const result = await watch(mailbox, ['--every', '5m'], { polls: 3 });

    expect(result.code).toBe(130);
    expect(result.stdout).toHaveLength(3);
    expect(result.stdout.map((line) => line.replace(/\(\d+(\.\d+)? \w+\)$/, '(…)'))).toEqual([
      `${at(0)} alice@example.test: nothing new (…)`,
      `${at(5)} alice@example.test: nothing new (…)`,
      `${at(10)} alice@example.test: nothing new (…)`,
    ]);
    expect(result.stderr).toEqual([
      `${at(0)} watching alice@example.test every 5m (Ctrl-C to stop)`,
      `${at(15)} stopped`,
    ]);
  });

  it('a poll with mail: its counts on one line; -v adds the run log, each line stamped', async () => {
    const mailbox = await engine({ mailbox: mails(2) });

    const quiet = await watch(mailbox, ['--every', '5m'], {
      polls: 2,
      betweenPolls: (poll) => {
        if (poll === 1) mailbox.server.mailbox.add(...mails(1, 'later'));
      },
    });
    const verbose = await watch(mailbox, ['--every', '5m', '-v'], { polls: 1 });

    expect(quiet.stdout[0]).toMatch(
      new RegExp(
        `^${at(0).replace(/\+/g, '\\+')} alice@example\\.test: fetched 2 · archived 2 \\(`,
      ),
    );
    expect(quiet.stdout[1]).toContain(`${at(5)} alice@example.test: fetched 1 · archived 1 (`);
    expect(verbose.stderr.length).toBeGreaterThan(2);
    for (const line of [...quiet.stdout, ...quiet.stderr, ...verbose.stderr]) {
      expect(line).toMatch(STAMP);
    }
  });

  it('--json: each poll a JSON line with its time; a failed poll too', async () => {
    const mailbox = await engine({ mailbox: mails(1) });

    const ok = await watch(mailbox, ['--every', '5m', '--json'], { polls: 2 });
    const failed = await watch(mailbox, ['--every', '5m', '--json'], { polls: 2, env: {} });

    const polls = ok.stdout.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(polls).toMatchObject([
      { time: at(0), fetched: 1, archived: 1 },
      { time: at(5), fetched: 0 },
    ]);
    expect(failed.code).toBe(2);
    expect(failed.stdout.map((line) => JSON.parse(line))).toEqual([
      {
        time: at(0),
        exitCode: 2,
        error: { code: 'ESECRET', message: expect.stringContaining('env:POPFWD_PASSWORD') },
      },
    ]);
    for (const line of failed.stderr) expect(line).toMatch(STAMP);
  });

  it('an invalid edit: every line of its report stamped, the last good config kept', async () => {
    const mailbox = await engine({ mailbox: [] });
    const file = join(mailbox.dir, 'popfwd.yaml');

    const result = await watch(mailbox, ['--every', '5m'], {
      polls: 2,
      betweenPolls: (poll) => {
        if (poll === 1) writeFileSync(file, 'mailbox:\n  adress: x\n  pop3: { securty: tls }\n');
      },
    });

    expect(result.stdout).toHaveLength(2);
    const report = result.stderr.filter((line) => !/watching|stopped$/.test(line));
    expect(report.length).toBeGreaterThan(2);
    for (const line of report) expect(line.startsWith(`${at(5)} `)).toBe(true);
    expect(report.join('\n')).toContain('is invalid, keeping the last good one');
  });
});
