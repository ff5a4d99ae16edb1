import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli } from '../../helpers/cli/cli.js';
import { freePort } from '../../helpers/free-port.js';
import { fault } from '../../helpers/pop3/pop3-faults.js';
import {
  type ConfigOverrides,
  type Engine,
  mails,
  PASSWORD,
  rulesYaml,
  useEngine,
} from '../engine/engine-fixture.js';

const env = { POPFWD_PASSWORD: PASSWORD };

const FORWARD_ALL = rulesYaml(`
- name: everything to the phone
  then: [ { forward: { to: [alice.phone@example.net] } } ]
`);

/** The fields of the fixture's config document that these tests change. */
interface ConfigDocument {
  mailbox: { pop3: Record<string, unknown>; smtp?: unknown };
  rules?: unknown[];
}

/** The mailbox's config on disk, with changes a test makes to it. */
const configFile = async (
  mailbox: Engine,
  change: (document: ConfigDocument) => void = () => {},
  overrides: ConfigOverrides = {},
): Promise<string> => {
  const document = mailbox.document(overrides) as unknown as ConfigDocument;
  change(document);
  const file = join(mailbox.dir, 'popfwd.yaml');
  await writeFile(file, stringify(document));
  return file;
};

describe('popfwd run: the exit code of each situation', () => {
  const engine = useEngine();

  it('0 when everything is archived and sent', async () => {
    const mailbox = await engine({ mailbox: mails(2), smtp: true });
    const file = await configFile(mailbox, () => {}, { rules: FORWARD_ALL });

    const result = await runCli(['run', '--config', file, '--json'], mailbox.dir, { env });

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      archived: 2,
      forwarded: 2,
      pendingActions: 0,
    });
  });

  it('5 while the SMTP server is down and the sends wait, run after run', async () => {
    // Prepare: forwards for every message, the SMTP server's port closed
    const mailbox = await engine({ mailbox: mails(3) });
    const closed = await freePort();
    const file = await configFile(
      mailbox,
      (document) => {
        document.mailbox.smtp = { host: 'localhost', port: closed, security: 'plain' };
      },
      { rules: FORWARD_ALL },
    );

    // Act
    const first = await runCli(['run', '--config', file, '--json'], mailbox.dir, { env });
    const again = await runCli(['run', '--config', file], mailbox.dir, { env });

    // Assess
    expect(first.code).toBe(5);
    expect(JSON.parse(first.stdout)).toMatchObject({
      archived: 3,
      forwarded: 0,
      pendingActions: 3,
    });
    expect(first.stderr).toContain('the SMTP server is unreachable; sends wait for the next run');
    expect(again.code).toBe(5);
    expect(again.stdout).toContain('sends waiting 3');
  });

  it('130 when interrupted, with what was done saved for the next run', async () => {
    // Prepare: Ctrl-C arrives while the second message is read (one RETR at a time)
    const controller = new AbortController();
    const mailbox = await engine({
      mailbox: mails(5),
      faults: {
        onCommand: (command) => {
          if (command.name === 'RETR' && command.args[0] === '2') controller.abort();
          return undefined;
        },
      },
    });
    const file = await configFile(mailbox, () => {}, { pipelining: 'off' });

    // Act
    const interrupted = await runCli(['run', '--config', file, '--json'], mailbox.dir, {
      env,
      signal: controller.signal,
    });
    const next = await runCli(['run', '--config', file, '--json'], mailbox.dir, { env });

    // Assess
    expect(interrupted.code).toBe(130);
    const summary = JSON.parse(interrupted.stdout) as { archived: number; stoppedBy: string };
    expect(summary).toMatchObject({ stoppedBy: 'aborted', archived: 2 });
    expect(next.code).toBe(0);
    expect(JSON.parse(next.stdout)).toMatchObject({ archived: 5 - summary.archived });
  });

  it('2 when the password variable is unset, before connecting', async () => {
    const mailbox = await engine({ mailbox: mails(1) });
    const file = await configFile(mailbox);

    const result = await runCli(['run', '--config', file], mailbox.dir, { env: {} });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('POPFWD_PASSWORD');
    expect(mailbox.server.connections).toBe(0);
  });

  it('3 when the server refuses the password, with what to do', async () => {
    const mailbox = await engine({ mailbox: mails(1) });
    const file = await configFile(mailbox);

    const result = await runCli(['run', '--config', file], mailbox.dir, {
      env: { POPFWD_PASSWORD: 'not-the-Passw0rd' },
    });

    expect(result.code).toBe(3);
    expect(result.stderr).toContain('[EAUTH: the server rejected the credentials]');
    expect(result.stderr).toContain('sign-in refused: run `popfwd auth login`');
    expect(result.stderr).not.toContain('not-the-Passw0rd');
    expect(mailbox.server.mailbox.messages).toHaveLength(1);
  });

  it('4 when the server refuses a login for a fault of its own ([SYS/TEMP])', async () => {
    const mailbox = await engine({
      mailbox: mails(1),
      faults: {
        onCommand: (command) =>
          command.name === 'AUTH' ? fault.reply('-ERR [SYS/TEMP] try again later') : undefined,
      },
    });
    const file = await configFile(mailbox);

    const result = await runCli(['run', '--config', file], mailbox.dir, { env });

    expect(result.code).toBe(4);
    expect(result.stderr).toContain('[ESYSTEMP: ');
  });

  it('4 when the connection is refused, with "try later"', async () => {
    const mailbox = await engine({ mailbox: mails(1) });
    const closed = await freePort();
    const file = await configFile(mailbox, (document) => {
      document.mailbox.pop3.port = closed;
    });

    const result = await runCli(['run', '--config', file], mailbox.dir, { env });

    expect(result.code).toBe(4);
    expect(result.stderr).toContain('[ECONNECTION: ');
    expect(result.stderr).toContain(
      'server or network unavailable, or the mailbox busy: try later',
    );
  });

  it('4 when another client holds the mailbox ([IN-USE])', async () => {
    const mailbox = await engine({
      mailbox: mails(1),
      faults: {
        onCommand: (command) =>
          command.name === 'AUTH' ? fault.reply('-ERR [IN-USE] the phone is reading') : undefined,
      },
    });
    const file = await configFile(mailbox);

    const result = await runCli(['run', '--config', file, '--json'], mailbox.dir, { env });

    expect(result.code).toBe(4);
    expect(JSON.parse(result.stdout).busy).toMatch(/another client holds the mailbox/);
  });

  it('2 for a usage mistake, before reading any config', async () => {
    const result = await runCli(['run', '--deadline', 'soon'], '/nonexistent');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--deadline expects a duration');
  });
});
