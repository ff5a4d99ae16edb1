import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { systemClock } from '../../../lambda/clock.js';
import type { StatusReport } from '../../../lambda/engine/status-report.js';
import { createS3Client } from '../../../lambda/stores/s3/s3-client.js';
import { createS3Store } from '../../../lambda/stores/s3/s3-store.js';
import { runCli } from '../../helpers/cli/cli.js';
import { smtpReply } from '../../helpers/smtp/smtp-test-server.js';
import { snapshotDir } from '../../helpers/stores/dir-snapshot.js';
import { FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY } from '../../helpers/stores/s3-fake.js';
import { type S3HttpFake, startS3HttpFake } from '../../helpers/stores/s3-http-fake.js';
import {
  type Engine,
  layout,
  mails,
  PASSWORD,
  rulesYaml,
  useEngine,
} from '../engine/engine-fixture.js';

const env = { POPFWD_PASSWORD: PASSWORD };
const rules = rulesYaml(`
- name: all to the phone
  when: { from: '*' }
  then: [{ forward: { to: [me@phone.example], as: attachment } }]
`);

const live = () => ({ clock: systemClock, deadline: Date.now() + 10 * 60_000 });

/** The SMTP server refuses the first `times` messages with `reply`, then accepts. */
const refusingFirst = (times: number, code: number, text: string) => {
  let refused = 0;
  return {
    dataReply: () => (refused++ < times ? smtpReply(code, text) : undefined),
  };
};

const configFile = async (mailbox: Engine): Promise<string> => {
  const file = join(mailbox.dir, 'popfwd.yaml');
  await writeFile(file, stringify(mailbox.document({ rules })));
  return file;
};

const cli = (args: string[], mailbox: Engine) => runCli(args, mailbox.dir, { env });

const status = async (file: string, mailbox: Engine): Promise<StatusReport> =>
  JSON.parse((await cli(['status', '--json', '--config', file], mailbox)).stdout) as StatusReport;

describe('popfwd resend', () => {
  const engine = useEngine();

  it('resends a failed send once, from the archived copy; a second resend sends nothing', async () => {
    // Prepare: the first forward is refused for good
    const mailbox = await engine({
      mailbox: mails(1),
      smtp: refusingFirst(1, 550, '5.1.1 mailbox unavailable'),
    });
    const file = await configFile(mailbox);
    const run = await mailbox.run({ rules }, live());
    const failedBefore = (await status(file, mailbox)).failed;

    // Act
    const first = await cli(['resend', '--failed', '--config', file], mailbox);
    const second = await cli(['resend', '--failed', '--config', file], mailbox);
    const again = await mailbox.run({ rules }, live());

    // Assess
    expect(run).toMatchObject({ forwarded: 0, failed: 1 });
    expect(failedBefore).toEqual([expect.objectContaining({ uidl: 'm0001' })]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('1 message(s) with failed sends: forwarded 1');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('no failed sends; nothing to resend');
    expect(again).toMatchObject({ forwarded: 0, pendingActions: 0 });
    expect(mailbox.smtp?.messages).toHaveLength(1);
    expect(mailbox.smtp?.messages[0]?.to).toEqual(['me@phone.example']);
    const record = await mailbox.record('m0001');
    expect(Object.values(record?.actions ?? {})).toEqual([
      expect.objectContaining({ status: 'sent', attempts: 2 }),
    ]);
    const after = await status(file, mailbox);
    expect(after.failed).toEqual([]);
    expect(after.waiting).toEqual([]);
  });

  it('sends a waiting send now instead of after its backoff, once; the next run sends nothing', async () => {
    // Prepare: the first attempt is refused for now, so it waits five minutes
    const mailbox = await engine({
      mailbox: mails(1),
      smtp: refusingFirst(1, 451, '4.3.0 try again later'),
    });
    const file = await configFile(mailbox);
    const run = await mailbox.run({ rules }, live());
    const waiting = (await status(file, mailbox)).waiting;

    // Act
    const first = await cli(['resend', '--json', '--config', file], mailbox);
    const second = await cli(['resend', '--config', file], mailbox);
    const next = await mailbox.run({ rules }, live());

    // Assess
    expect(run).toMatchObject({ forwarded: 0, pendingActions: 1 });
    expect(Date.parse(waiting[0]?.nextAttempt ?? '')).toBeGreaterThan(Date.now());
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      messages: [layout.idFor('m0001')],
      forwarded: 1,
      pendingActions: 0,
    });
    expect(second.stdout).toContain('no sends waiting');
    expect(next).toMatchObject({ forwarded: 0 });
    expect(mailbox.smtp?.messages).toHaveLength(1);
  });

  it('resends only the messages named, by UIDL or message id', async () => {
    // Prepare: both forwards wait
    const mailbox = await engine({
      mailbox: mails(3),
      smtp: refusingFirst(3, 451, '4.3.0 try again later'),
    });
    const file = await configFile(mailbox);
    await mailbox.run({ rules }, live());

    // Act
    const result = await cli(['resend', '--config', file, 'm0002', layout.idFor('m0003')], mailbox);

    // Assess
    expect(result.code).toBe(5);
    expect(mailbox.smtp?.messages.map((sent) => sent.raw.includes('message m0001'))).toEqual([
      false,
      false,
    ]);
    expect((await status(file, mailbox)).waiting.map((send) => send.uidl)).toEqual(['m0001']);
  });

  it('resends only the failed action of a message, and its record keeps the one already sent', async () => {
    // Prepare: one rule forwards to two addresses in two actions; the first refuses once, for good
    const twoForwards = rulesYaml(`
- name: two phones
  when: { from: '*' }
  then:
    - { forward: { to: [bad@phone.example], as: attachment } }
    - { forward: { to: [me@phone.example], as: attachment } }
`);
    let refused = false;
    const mailbox = await engine({
      mailbox: mails(1),
      smtp: {
        dataReply: (sent) => {
          if (refused || !sent.to.includes('bad@phone.example')) return undefined;
          refused = true;
          return smtpReply(550, '5.1.1 no such user');
        },
      },
    });
    const file = join(mailbox.dir, 'popfwd.yaml');
    await writeFile(file, stringify(mailbox.document({ rules: twoForwards })));
    const run = await mailbox.run({ rules: twoForwards }, live());

    // Act
    const result = await cli(['resend', '--failed', '--config', file, 'm0001'], mailbox);

    // Assess
    expect(run).toMatchObject({ forwarded: 1, failed: 1 });
    expect(result.code).toBe(0);
    expect(mailbox.smtp?.messages.map((sent) => sent.to)).toEqual([
      ['me@phone.example'],
      ['bad@phone.example'],
    ]);
    const record = await mailbox.record('m0001');
    expect(Object.values(record?.actions ?? {}).map((action) => action.status)).toEqual([
      'sent',
      'sent',
    ]);
  });

  it('refuses an unknown id with exit code 2 and changes nothing', async () => {
    // Prepare
    const mailbox = await engine({
      mailbox: mails(1),
      smtp: refusingFirst(1, 451, '4.3.0 try again later'),
    });
    const file = await configFile(mailbox);
    await mailbox.run({ rules }, live());
    const before = await snapshotDir(mailbox.dir);

    // Act
    const waiting = await cli(['resend', '--config', file, 'm0001x'], mailbox);
    const failed = await cli(['resend', '--failed', '--config', file, 'm0001'], mailbox);

    // Assess
    expect(waiting.code).toBe(2);
    expect(waiting.stderr).toContain('no sends waiting for "m0001x"');
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('no sends failed for "m0001"');
    expect(await snapshotDir(mailbox.dir)).toEqual(before);
    expect(mailbox.smtp?.messages).toHaveLength(0);
  });

  it('waits for a run that holds the lease: exit 4, nothing sent', async () => {
    // Prepare: another machine's run holds the mailbox for ten more minutes
    const mailbox = await engine({
      mailbox: mails(1),
      smtp: refusingFirst(1, 451, '4.3.0 try again later'),
    });
    const file = await configFile(mailbox);
    await mailbox.run({ rules }, live());
    const state = JSON.parse((await mailbox.raw(layout.stateKey))?.toString() ?? '{}');
    const until = new Date(Date.now() + 600_000).toISOString();
    await writeFile(
      join(mailbox.dir, layout.stateKey),
      JSON.stringify({ ...state, lease: { owner: 'elsewhere:1:abcd', until } }),
    );

    // Act
    const result = await cli(['resend', '--config', file], mailbox);

    // Assess
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('elsewhere:1:abcd');
    expect(mailbox.smtp?.messages).toHaveLength(0);
  });
});

describe('popfwd resend on S3', () => {
  const engine = useEngine();
  let s3: S3HttpFake | undefined;
  afterEach(async () => {
    vi.unstubAllEnvs();
    await s3?.close();
    s3 = undefined;
  });

  it('resends a failed send once through the S3 store', async () => {
    // Prepare
    s3 = await startS3HttpFake({ bucket: 'popfwd-resend' });
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
    const mailbox = await engine({
      mailbox: mails(1),
      smtp: refusingFirst(1, 550, '5.1.1 mailbox unavailable'),
    });
    const file = join(mailbox.dir, 'popfwd.yaml');
    await writeFile(file, stringify({ ...mailbox.document({ rules }), store: { s3: s3Config } }));
    await mailbox.run({ rules }, { ...live(), store });

    // Act
    const first = await cli(['resend', '--failed', '--config', file], mailbox);
    const second = await cli(['resend', '--failed', '--config', file], mailbox);

    // Assess
    expect(first.code).toBe(0);
    expect(second.stdout).toContain('no failed sends');
    expect(mailbox.smtp?.messages).toHaveLength(1);
    const state = JSON.parse(
      s3.objects.get(`mail/${layout.stateKey}`)?.body.toString('utf8') ?? '{}',
    ) as { lease: unknown; failedSends: unknown[]; pending: object };
    expect(state).toMatchObject({ lease: null, failedSends: [], pending: {} });
  });
});
