import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { RunProgress } from '../../../lambda/engine/run-options.js';
import { runCli } from '../../helpers/cli/cli.js';
import { freePort } from '../../helpers/free-port.js';
import { type Engine, mails, PASSWORD, rulesYaml, useEngine } from '../engine/engine-fixture.js';

const CLEAR = '\r\x1b[2K';
const env = { POPFWD_PASSWORD: PASSWORD };
const forwardAll = rulesYaml(
  '[ { name: all, then: [ { forward: { to: [me@phone.example] } } ] } ]',
);

/** The phases in the order they took the line; sends run beside the fetch and are left out. */
const phases = (events: readonly RunProgress[]): string[] =>
  events
    .map((event) => event.phase)
    .filter((phase, index, all) => phase !== 'send' && phase !== all[index - 1])
    .filter((phase, index, all) => phase !== all[index - 1]);

const configFile = async (
  mailbox: Engine,
  change: (document: Record<string, Record<string, unknown>>) => void = () => {},
): Promise<string> => {
  const document = mailbox.document({
    rules: forwardAll,
    limits: { maxMessagesPerRun: 3 },
  }) as Record<string, Record<string, unknown>>;
  change(document);
  const file = join(mailbox.dir, 'popfwd.yaml');
  await writeFile(file, stringify(document));
  return file;
};

describe('progress events of a run', () => {
  const engine = useEngine();

  it('reports connect, login, list, a fetch counted against the limit, the sends, and done', async () => {
    // Prepare: 5 new messages, a limit of 3, a forward for each
    const messages = mails(5);
    const mailbox = await engine({ smtp: true, mailbox: messages });
    const events: RunProgress[] = [];

    // Act
    const summary = await mailbox.run(
      { rules: forwardAll, limits: { maxMessagesPerRun: 3 } },
      { onProgress: (event) => events.push(event) },
    );

    // Assess
    expect(summary).toMatchObject({ fetched: 3, forwarded: 3 });
    expect(phases(events)).toEqual(['connect', 'login', 'list', 'fetch', 'finish', 'done']);
    expect(events[0]).toEqual({
      phase: 'connect',
      host: mailbox.server.host,
      port: mailbox.server.port,
    });
    const fetches = events.filter((event) => event.phase === 'fetch');
    const planned = messages.slice(0, 3).reduce((sum, message) => sum + message.data.length, 0);
    expect(fetches[0]).toEqual({
      phase: 'fetch',
      done: 0,
      total: 3,
      bytes: 0,
      totalBytes: planned,
      waiting: 5,
    });
    expect(fetches.at(-1)).toMatchObject({ done: 3, total: 3, waiting: 5, bytes: planned });
    const sends = events.filter((event) => event.phase === 'send');
    expect(sends.at(-1)).toEqual({ phase: 'send', done: 3, total: 3 });
    for (const send of sends)
      if (send.phase === 'send') expect(send.done).toBeLessThanOrEqual(send.total);
  });

  it('counts against the byte limit too: the first message always, then what fits', async () => {
    // Prepare: room for two messages' LIST sizes, not three
    const messages = mails(4);
    const mailbox = await engine({ mailbox: messages });
    const two = (messages[0]?.data.length ?? 0) + (messages[1]?.data.length ?? 0);
    const events: RunProgress[] = [];

    // Act
    const summary = await mailbox.run(
      { limits: { maxBytesPerRun: two + 1 } },
      { onProgress: (event) => events.push(event) },
    );

    // Assess: the denominator is what the run fetched
    expect(summary.fetched).toBe(2);
    const fetches = events.filter((event) => event.phase === 'fetch');
    expect(fetches[0]).toMatchObject({ total: 2, totalBytes: two, waiting: 4 });
    expect(fetches.at(-1)).toMatchObject({ done: 2, total: 2 });
  });
});

describe('popfwd run progress on a terminal', () => {
  const engine = useEngine();

  it('draws connecting, logging in, listing, fetching of the limit, sending, then clears', async () => {
    // Prepare
    const mailbox = await engine({ smtp: true, mailbox: mails(5) });
    const file = await configFile(mailbox);

    // Act
    const result = await runCli(['run', '--config', file], mailbox.dir, { env, tty: true });

    // Assess
    expect(result.code).toBe(0);
    expect(result.stderr.endsWith(CLEAR)).toBe(true);
    const frames = result.stderr.split(CLEAR).filter((frame) => frame !== '');
    const host = `${mailbox.server.host}:${mailbox.server.port}`;
    expect(frames.slice(0, 3)).toEqual([`connecting to ${host}…`, 'logging in…', 'listing…']);
    const fetching = frames.filter((frame) => frame.startsWith('fetching '));
    for (const frame of fetching)
      expect(frame).toMatch(/^fetching [0-3]\/3 of 5 new \(.+\); the rest next run$/);
    expect(fetching.at(-1)).toMatch(/^fetching 3\/3 of 5 new /);
    expect(frames.at(-1)).toBe('sending 3/3');
    for (const frame of frames) expect(frame.length).toBeLessThan(100);
    expect(result.stdout).toContain('forwarded 3');
  });

  it('clears the line for a warning and draws it again after', async () => {
    // Prepare: the SMTP port is closed, so the run warns while the line is up
    const mailbox = await engine({ mailbox: mails(2) });
    const closed = await freePort();
    const file = await configFile(mailbox, (document) => {
      document.mailbox = {
        ...document.mailbox,
        smtp: { host: 'localhost', port: closed, security: 'plain' },
      };
    });

    // Act
    const result = await runCli(['run', '--config', file], mailbox.dir, { env, tty: true });

    // Assess: the warning starts on a cleared line, and the line comes back after it
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(
      /\r\x1b\[2K\d\d:\d\d:\d\d warn {2}the SMTP server is unreachable[^\r]*\n\r\x1b\[2K(fetching|sending|finishing)/,
    );
    // Sending stopped at the first refusal: the other message's send is not shown as coming
    const frames = result.stderr.split(CLEAR).filter((frame) => frame !== '');
    expect(frames.at(-1)).toBe('sending 1/1');
  });

  it('prints only the log lines when stderr is not a terminal', async () => {
    // Prepare
    const mailbox = await engine({ smtp: true, mailbox: mails(5) });
    const file = await configFile(mailbox);

    // Act
    const result = await runCli(['run', '--config', file], mailbox.dir, { env });

    // Assess
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('\r');
    expect(result.stderr).not.toContain('\x1b');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line).toMatch(/^\d\d:\d\d:\d\d (debug|info |warn |error) /);
  });
});
