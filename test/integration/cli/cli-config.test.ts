import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli } from '../../helpers/cli/cli.js';
import { type Engine, mails, PASSWORD, rulesYaml, useEngine } from '../engine/engine-fixture.js';

type Fields = Record<string, unknown>;

/** The parts of the fixture's config document the cases below change. */
interface Document extends Fields {
  mailbox: Fields & { pop3: Fields; auth: Fields; smtp?: Fields };
  limits: Fields;
  rules?: unknown[];
  vacation?: Fields;
}

/** One wrong field: how to break a working config, and the path the error must name. */
interface BadField {
  readonly path: string;
  readonly breakIt: (document: Document) => void;
}

const BAD_FIELDS: readonly BadField[] = [
  { path: 'mailbxo', breakIt: (d) => Object.assign(d, { mailbxo: {} }) },
  { path: 'mailbox.address', breakIt: (d) => Object.assign(d.mailbox, { address: 'alice' }) },
  { path: 'mailbox.pop3.host', breakIt: (d) => Object.assign(d.mailbox.pop3, { host: 'pop 3' }) },
  { path: 'mailbox.pop3.port', breakIt: (d) => Object.assign(d.mailbox.pop3, { port: 70_000 }) },
  {
    path: 'mailbox.pop3.security',
    breakIt: (d) => Object.assign(d.mailbox.pop3, { security: 'ssl' }),
  },
  {
    path: 'mailbox.pop3.pipelining',
    breakIt: (d) => Object.assign(d.mailbox.pop3, { pipelining: 'always' }),
  },
  { path: 'mailbox.pop3.tls', breakIt: (d) => Object.assign(d.mailbox.pop3, { tls: true }) },
  {
    path: 'mailbox.smtp',
    breakIt: (d) => {
      delete d.mailbox.smtp;
      d.vacation = { enabled: true, body: 'Away.' };
    },
  },
  { path: 'mailbox.caFile', breakIt: (d) => Object.assign(d.mailbox, { caFile: '' }) },
  {
    path: 'mailbox.auth.method',
    breakIt: (d) => Object.assign(d.mailbox.auth, { method: 'kerberos' }),
  },
  {
    path: 'mailbox.auth.password',
    breakIt: (d) => Object.assign(d.mailbox.auth, { password: 'hunter2-inline-secret' }),
  },
  {
    path: 'mailbox.auth.password.env',
    breakIt: (d) => Object.assign(d.mailbox.auth, { password: { env: 'NOT A NAME' } }),
  },
  {
    path: 'mailbox.retention',
    breakIt: (d) => Object.assign(d.mailbox, { retention: 'sometimes' }),
  },
  {
    path: 'mailbox.retention.deleteAfterDays',
    breakIt: (d) => Object.assign(d.mailbox, { retention: { deleteAfterDays: -1 } }),
  },
  { path: 'mailbox.preset', breakIt: (d) => Object.assign(d.mailbox, { preset: 'gmail' }) },
  { path: 'store.dir', breakIt: (d) => Object.assign(d, { store: { dir: '' } }) },
  {
    path: 'store.s3.bucket',
    breakIt: (d) => Object.assign(d, { store: { s3: { bucket: 'Not_A_Bucket' } } }),
  },
  {
    path: 'limits.maxMessagesPerRun',
    breakIt: (d) => Object.assign(d.limits, { maxMessagesPerRun: 0 }),
  },
  {
    path: 'limits.maxBytesPerRun',
    breakIt: (d) => Object.assign(d.limits, { maxBytesPerRun: 'lots' }),
  },
  { path: 'limits.runTimeout', breakIt: (d) => Object.assign(d.limits, { runTimeout: 'soon' }) },
  {
    path: 'limits.maxSendsPerDay',
    breakIt: (d) => Object.assign(d.limits, { maxSendsPerDay: -1 }),
  },
  {
    path: 'rules[0] "forward all".then[0].forward.to[0]',
    breakIt: (d) => {
      d.rules = rulesYaml(`
        - name: forward all
          when: { from: "*" }
          then: [{ forward: { to: [not-an-address] } }]
      `);
    },
  },
  {
    path: 'rules[0] "to myself".then[0].forward.to',
    breakIt: (d) => {
      d.rules = rulesYaml(`
        - name: to myself
          then: [{ forward: { to: [alice@example.test] } }]
      `);
    },
  },
  {
    path: 'rules[0] "broken regex".when.subject.regex',
    breakIt: (d) => {
      d.rules = rulesYaml(`
        - name: broken regex
          when: { subject: { regex: "(unclosed" } }
          then: [{ tag: x }]
      `);
    },
  },
  { path: 'vacation.days', breakIt: (d) => Object.assign(d, { vacation: { body: 'x', days: 0 } }) },
  {
    path: 'vacation.until',
    breakIt: (d) => Object.assign(d, { vacation: { body: 'x', until: 'next summer' } }),
  },
];

const writeConfig = async (mailbox: Engine, name: string, document: Document): Promise<string> => {
  const file = join(mailbox.dir, name);
  await writeFile(file, stringify(document));
  return file;
};

describe('popfwd with a wrong config', () => {
  const engine = useEngine();

  it('names each wrong field, exits with 2 and never connects to the server', async () => {
    // Prepare
    const mailbox = await engine({ mailbox: mails(2) });
    const env = { POPFWD_PASSWORD: PASSWORD };

    // Act
    const results = [];
    for (const [index, bad] of BAD_FIELDS.entries()) {
      const document = structuredClone(mailbox.document()) as Document;
      bad.breakIt(document);
      const file = await writeConfig(mailbox, `bad-${index}.yaml`, document);
      for (const command of [['run'], ['watch'], ['config', 'check'], ['archive', 'list']]) {
        const result = await runCli([...command, '--config', file], mailbox.dir, { env });
        results.push({ path: bad.path, command: command.join(' '), ...result });
      }
    }

    // Assess
    const unclear = results.filter(
      (result) =>
        result.code !== 2 ||
        result.stdout !== '' ||
        !result.stderr.includes(`  - ${result.path}: `),
    );
    expect(
      unclear.map(({ command, path, code, stderr }) => ({ command, path, code, stderr })),
    ).toEqual([]);
    expect(results).toHaveLength(BAD_FIELDS.length * 4);
    expect(results.filter((result) => result.stderr.includes('hunter2'))).toEqual([]);
    expect(mailbox.server.connections).toBe(0);
  });

  it('names the line of a YAML syntax error, exits with 2 and never connects', async () => {
    // Prepare
    const mailbox = await engine({ mailbox: mails(1) });
    const file = join(mailbox.dir, 'broken.yaml');
    await writeFile(file, 'mailbox:\n  address: alice@example.test\n  pop3: { host: x\n');

    // Act
    const result = await runCli(['run', '--config', file], mailbox.dir);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/line \d+, column \d+/);
    expect(mailbox.server.connections).toBe(0);
  });

  it('exits with 2 and never connects when the config file is missing', async () => {
    // Prepare
    const mailbox = await engine({ mailbox: mails(1) });

    // Act
    const result = await runCli(['run', '--config', 'nowhere.yaml'], mailbox.dir);

    // Assess
    expect(result).toMatchObject({ code: 2, stderr: expect.stringMatching(/file not found/) });
    expect(mailbox.server.connections).toBe(0);
  });
});
