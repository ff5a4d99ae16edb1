import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import type { Pop3CommandInfo } from '../../../lambda/cli/sandbox/pop3-server.js';
import { systemClock } from '../../../lambda/clock.js';
import type { DryRunReport } from '../../../lambda/engine/dry-run.js';
import { createS3Client } from '../../../lambda/stores/s3/s3-client.js';
import { createS3Store } from '../../../lambda/stores/s3/s3-store.js';
import { runCli } from '../../helpers/cli/cli.js';
import { fault } from '../../helpers/pop3/pop3-faults.js';
import { snapshotDir } from '../../helpers/stores/dir-snapshot.js';
import { FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY } from '../../helpers/stores/s3-fake.js';
import { type S3HttpFake, startS3HttpFake } from '../../helpers/stores/s3-http-fake.js';
import {
  type Engine,
  layout,
  mail,
  mails,
  PASSWORD,
  rulesYaml,
  useEngine,
} from '../engine/engine-fixture.js';

const env = { POPFWD_PASSWORD: PASSWORD };
const rules = rulesYaml(`
- name: keep the boss
  when: { subject: boss* }
  then: [keepOnServer]
- name: all to the phone
  when: { from: '*' }
  then: [{ forward: { to: [me@phone.example], as: attachment } }]
`);

const live = () => ({ clock: systemClock, deadline: Date.now() + 10 * 60_000 });

const configFile = async (mailbox: Engine, store?: unknown): Promise<string> => {
  const file = join(mailbox.dir, 'popfwd.yaml');
  const document = mailbox.document({ rules, retention: 'delete' });
  await writeFile(file, stringify({ ...document, ...(store ? { store } : {}) }));
  return file;
};

/** The server's side: its messages, and every command that could change them. */
const serverState = (mailbox: Engine) => ({
  messages: mailbox.server.mailbox.messages.map((message) => ({
    uidl: message.uidl,
    data: message.data.toString('latin1'),
  })),
  deles: mailbox.server.commands().filter((line) => /^(DELE|RSET)/i.test(line)),
  sent: mailbox.smtp?.messages.length ?? 0,
});

/** Two messages archived (kept) by a real run; then two new ones arrive, one from the boss. */
const prepared = async (engine: ReturnType<typeof useEngine>, store?: object) => {
  const mailbox = await engine({ mailbox: mails(2, 'old'), smtp: true });
  await mailbox.run({ rules: [], retention: 'keep' }, { ...live(), ...store });
  mailbox.server.mailbox.add(mail('new1'), mail('new2', { subject: 'boss: the plan' }));
  return mailbox;
};

describe('popfwd run --dry-run', () => {
  const engine = useEngine();

  it('prints what a run would archive, send and delete, and changes nothing on the server or in the store', async () => {
    // Prepare
    const mailbox = await prepared(engine);
    const file = await configFile(mailbox);
    const storeBefore = await snapshotDir(mailbox.dir);
    const serverBefore = serverState(mailbox);

    // Act
    const json = await runCli(['run', '--dry-run', '--json', '--config', file], mailbox.dir, {
      env,
    });
    const text = await runCli(['run', '--dry-run', '--config', file], mailbox.dir, { env });
    await mailbox.server.idle();

    // Assess
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as DryRunReport;
    expect(report).toMatchObject({ listed: 4, later: 0, waitingSends: 0, seenLost: false });
    expect(report.archive.map((message) => [message.uidl, message.subject])).toEqual([
      ['new1', 'message new1'],
      ['new2', 'boss: the plan'],
    ]);
    expect(
      report.archive.map((message) => message.plan?.actions.map((action) => action.kind)),
    ).toEqual([['forward'], ['forward']]);
    expect([...report.delete].sort()).toEqual(['new1', 'old0001', 'old0002']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('dry run — nothing was changed');
    expect(text.stdout).toMatch(
      /archive new2 \(.*\) from carol@partner\.example: boss: the plan\n {4}would forward to me@phone\.example as attachment/,
    );
    expect(text.stdout).toContain('would delete from the server: old0001, old0002, new1');
    expect(await snapshotDir(mailbox.dir)).toEqual(storeBefore);
    expect(serverState(mailbox)).toEqual(serverBefore);
    expect(mailbox.server.commands().filter((line) => line.startsWith('RETR'))).toHaveLength(2 + 4);
  });

  it('then a real run does what the dry run said', async () => {
    // Prepare
    const mailbox = await prepared(engine);
    const file = await configFile(mailbox);
    const dry = await runCli(['run', '--dry-run', '--json', '--config', file], mailbox.dir, {
      env,
    });
    const report = JSON.parse(dry.stdout) as DryRunReport;

    // Act
    const run = await runCli(['run', '--json', '--config', file], mailbox.dir, { env });

    // Assess
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ archived: 2, forwarded: 2, deleted: 3 });
    expect(mailbox.server.mailbox.messages.map((message) => message.uidl)).toEqual(['new2']);
    expect(report.delete).toHaveLength(3);
  });

  it('warns that some messages may already be archived when the seen index is gone', async () => {
    // Prepare
    const mailbox = await prepared(engine);
    const file = await configFile(mailbox);
    await rm(join(mailbox.dir, layout.seenKey));
    const storeBefore = await snapshotDir(mailbox.dir);

    // Act
    const result = await runCli(['run', '--dry-run', '--config', file], mailbox.dir, { env });

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('uidls.json) is missing');
    expect(result.stdout).toContain('a run would archive 4');
    expect(await snapshotDir(mailbox.dir)).toEqual(storeBefore);
  });

  it('leaves a message over limits.maxMessageSize unread and says so', async () => {
    // Prepare
    const mailbox = await engine({ mailbox: [mail('big', { body: `${'x'.repeat(4000)}\r\n` })] });
    const file = join(mailbox.dir, 'popfwd.yaml');
    await writeFile(file, stringify(mailbox.document({ limits: { maxMessageSize: '1KiB' } })));
    const storeBefore = await snapshotDir(mailbox.dir);

    // Act
    const result = await runCli(['run', '--dry-run', '--json', '--config', file], mailbox.dir, {
      env,
    });

    // Assess
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as DryRunReport;
    expect(report.archive).toEqual([
      expect.objectContaining({
        uidl: 'big',
        plan: null,
        problem: expect.stringContaining('maxMessageSize'),
      }),
    ]);
    expect(mailbox.server.commands().filter((line) => line.startsWith('RETR'))).toEqual([]);
    expect(await snapshotDir(mailbox.dir)).toEqual(storeBefore);
  });
});

describe('popfwd run --dry-run against a hostile server', () => {
  const engine = useEngine();

  it('stops reading a message that grows past limits.maxMessageSize though LIST said it was small, and deletes nothing', async () => {
    // Prepare: RETR 1 answers with 64 KiB of body behind a small LIST size
    const onCommand = (command: Pop3CommandInfo) =>
      command.name === 'RETR' && command.args[0] === '1'
        ? fault.reply(
            `+OK\r\nSubject: huge\r\n\r\n${'y'.repeat(78).concat('\r\n').repeat(820)}.\r\n`,
          )
        : undefined;
    const mailbox = await engine({ mailbox: mails(2), faults: { onCommand } });
    const file = join(mailbox.dir, 'popfwd.yaml');
    await writeFile(
      file,
      stringify(mailbox.document({ retention: 'delete', limits: { maxMessageSize: '16KiB' } })),
    );
    const storeBefore = await snapshotDir(mailbox.dir);
    const serverBefore = serverState(mailbox);

    // Act
    const result = await runCli(['run', '--dry-run', '--config', file], mailbox.dir, { env });
    await mailbox.server.idle();

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('maxMessageSize');
    expect(result.stdout).toBe('');
    expect(await snapshotDir(mailbox.dir)).toEqual(storeBefore);
    expect(serverState(mailbox)).toEqual(serverBefore);
    expect(mailbox.server.commands()).not.toContain('QUIT');
  });
});

describe('popfwd run --dry-run on S3', () => {
  const engine = useEngine();
  let s3: S3HttpFake | undefined;
  afterEach(async () => {
    vi.unstubAllEnvs();
    await s3?.close();
    s3 = undefined;
  });

  it('sends only GET requests to the store and leaves its objects as they were', async () => {
    // Prepare
    s3 = await startS3HttpFake({ bucket: 'popfwd-dry-run' });
    const s3Config = {
      bucket: s3.bucket,
      prefix: 'mail/',
      region: 'eu-west-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
    };
    vi.stubEnv('AWS_ACCESS_KEY_ID', FAKE_ACCESS_KEY_ID);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', FAKE_SECRET_ACCESS_KEY);
    const client = createS3Client({ ...s3Config, checksums: 'when_supported' } as never, {
      credentials: { accessKeyId: FAKE_ACCESS_KEY_ID, secretAccessKey: FAKE_SECRET_ACCESS_KEY },
    });
    const store = createS3Store({ client, bucket: s3.bucket, prefix: 'mail/' });
    const mailbox = await prepared(engine, { store });
    const file = await configFile(mailbox, { s3: s3Config });
    const objects = new Map(s3.objects);
    const requestsBefore = s3.requests.length;
    const serverBefore = serverState(mailbox);

    // Act
    const result = await runCli(['run', '--dry-run', '--json', '--config', file], mailbox.dir, {
      env,
    });
    await mailbox.server.idle();

    // Assess
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as DryRunReport;
    expect(report.archive.map((message) => message.uidl)).toEqual(['new1', 'new2']);
    const methods = s3.requests.slice(requestsBefore).map((request) => request.method);
    expect(methods.length).toBeGreaterThan(0);
    expect(new Set(methods)).toEqual(new Set(['GET']));
    expect(s3.objects).toEqual(objects);
    expect(serverState(mailbox)).toEqual(serverBefore);
  });
});
