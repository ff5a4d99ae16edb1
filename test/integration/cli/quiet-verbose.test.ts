import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli } from '../../helpers/cli/cli.js';
import { freePort } from '../../helpers/free-port.js';
import { type Engine, mails, PASSWORD, rulesYaml, useEngine } from '../engine/engine-fixture.js';

const env = { POPFWD_PASSWORD: PASSWORD };

/** The fields of the fixture's config document that these tests change. */
interface ConfigDocument {
  mailbox: { pop3: Record<string, unknown>; smtp?: unknown };
  rules?: unknown[];
}

const configFile = async (mailbox: Engine, change: (doc: ConfigDocument) => void = () => {}) => {
  const document = mailbox.document() as unknown as ConfigDocument;
  change(document);
  const file = join(mailbox.dir, 'popfwd.yaml');
  await writeFile(file, stringify(document));
  return file;
};

describe('popfwd run -q and -v', () => {
  const engine = useEngine();

  it('-q prints nothing for a run that went well, even on a terminal', async () => {
    const mailbox = await engine({ mailbox: mails(3) });
    const file = await configFile(mailbox);

    const result = await runCli(['run', '-q', '--config', file], mailbox.dir, { env, tty: true });

    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(Object.keys(await mailbox.seen())).toHaveLength(3);
  });

  it('-q still prints warnings, and what --json asks for', async () => {
    // Prepare: a forward that cannot go out (the SMTP port is closed)
    const mailbox = await engine({ mailbox: mails(1) });
    const closed = await freePort();
    const file = await configFile(mailbox, (document) => {
      document.mailbox.smtp = { host: 'localhost', port: closed, security: 'plain' };
      document.rules = rulesYaml(
        '[ { name: all, then: [ { forward: { to: [bob@example.net] } } ] } ]',
      );
    });

    // Act
    const result = await runCli(['run', '--quiet', '--json', '--config', file], mailbox.dir, {
      env,
    });

    // Assess
    expect(result.code).toBe(5);
    expect(JSON.parse(result.stdout)).toMatchObject({ archived: 1, pendingActions: 1 });
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^\d\d:\d\d:\d\d (warn|error) /);
  });

  it('-v adds debug lines, before or after the command', async () => {
    const mailbox = await engine({ mailbox: mails(1) });
    const file = await configFile(mailbox);

    const after = await runCli(['run', '-v', '--config', file], mailbox.dir, { env });
    const before = await runCli(['-v', 'run', '--config', file], mailbox.dir, { env });
    const plain = await runCli(['run', '--config', file], mailbox.dir, { env });

    expect(after.code).toBe(0);
    expect(after.stderr).toMatch(/^\d\d:\d\d:\d\d debug /m);
    expect(before.stderr).toMatch(/^\d\d:\d\d:\d\d debug /m);
    expect(plain.stderr).not.toMatch(/ debug /);
  });

  it('-v names the causes of an error', async () => {
    const mailbox = await engine({ mailbox: mails(1) });
    const closed = await freePort();
    const file = await configFile(mailbox, (document) => {
      document.mailbox.pop3.port = closed;
    });

    const verbose = await runCli(['run', '--config', file, '--verbose'], mailbox.dir, { env });
    const plain = await runCli(['run', '--config', file], mailbox.dir, { env });

    expect(verbose.code).toBe(4);
    expect(verbose.stderr).toMatch(/^ {2}caused by: .*ECONNREFUSED/m);
    expect(plain.stderr).not.toContain('caused by');
  });
});
