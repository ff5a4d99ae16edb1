import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import type { Pop3CommandInfo } from '../../../lambda/cli/sandbox/pop3-server.js';
import { systemClock } from '../../../lambda/clock.js';
import type { StatusReport } from '../../../lambda/engine/status-report.js';
import { createS3Client } from '../../../lambda/stores/s3/s3-client.js';
import { createS3Store } from '../../../lambda/stores/s3/s3-store.js';
import { runCli } from '../../helpers/cli/cli.js';
import { fault } from '../../helpers/pop3/pop3-faults.js';
import { smtpReply } from '../../helpers/smtp/smtp-test-server.js';
import { snapshotDir } from '../../helpers/stores/dir-snapshot.js';
import { FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY } from '../../helpers/stores/s3-fake.js';
import { type S3HttpFake, startS3HttpFake } from '../../helpers/stores/s3-http-fake.js';
import {
  type Engine,
  type EngineOptions,
  layout,
  mails,
  OWNER,
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

/** A mailbox where message 2 is refused for good, 3 for now, and 4 cannot be read. */
const troubled: EngineOptions = {
  mailbox: mails(4),
  smtp: {
    dataReply: (sent) => {
      const text = sent.raw.toString('latin1');
      if (text.includes('message m0002')) return smtpReply(550, '5.1.1 mailbox unavailable');
      if (text.includes('message m0003')) return smtpReply(451, '4.3.0 try again later');
      return undefined;
    },
  },
  faults: {
    onCommand: (command: Pop3CommandInfo) =>
      command.name === 'RETR' && command.args[0] === '4'
        ? fault.reply('-ERR cannot read this message')
        : undefined,
  },
};

/** Runs on the real clock: `status` reads the pause and the day's count against today. */
const live = () => ({ clock: systemClock, deadline: Date.now() + 10 * 60_000 });

const configFile = async (
  mailbox: Engine,
  options: { rules?: unknown[]; store?: unknown } = {},
): Promise<string> => {
  const file = join(mailbox.dir, 'popfwd.yaml');
  const { store } = options;
  const document = mailbox.document({ rules: options.rules ?? [] });
  await writeFile(file, stringify({ ...document, ...(store ? { store } : {}) }));
  return file;
};

const statusJson = async (file: string, dir: string): Promise<StatusReport> => {
  const result = await runCli(['status', '--config', file, '--json'], dir, { env });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as StatusReport;
};

describe('popfwd status', () => {
  const engine = useEngine();

  it('reports the last run, the waiting, failed and unread messages, the send count and the archive, changing nothing', async () => {
    // Prepare
    const mailbox = await engine(troubled);
    const file = await configFile(mailbox, { rules });
    const run = await mailbox.run({ rules }, live());
    const before = await snapshotDir(mailbox.dir);

    // Act
    const report = await statusJson(file, mailbox.dir);
    const text = await runCli(['status', '--config', file], mailbox.dir, { env });

    // Assess
    expect(run).toMatchObject({ fetched: 3, archived: 3, forwarded: 1, failed: 2 });
    expect(await snapshotDir(mailbox.dir)).toEqual(before);
    expect(report).toMatchObject({
      mailbox: OWNER,
      initialized: true,
      lease: null,
      sendPause: null,
      refreshTokenRotatedAt: null,
    });
    expect(report.runs).toEqual([
      expect.objectContaining({ outcome: 'ok', fetched: 3, archived: 3, forwarded: 1, failed: 2 }),
    ]);
    expect(report.waiting).toEqual([
      expect.objectContaining({
        uidl: 'm0003',
        kind: 'forward',
        to: ['me@phone.example'],
        attempts: 1,
        nextAttempt: expect.any(String),
        lastError: expect.objectContaining({ message: expect.stringContaining('try again later') }),
      }),
    ]);
    expect(report.failed).toEqual([
      expect.objectContaining({
        uidl: 'm0002',
        reason: expect.stringContaining('mailbox unavailable'),
      }),
    ]);
    expect(report.quarantined).toEqual([
      expect.objectContaining({ uidl: 'm0004', failures: 1, code: 'ECOMMAND', until: null }),
    ]);
    expect(report.sendsToday).toMatchObject({ count: 1, cap: expect.any(Number) });
    const sizes = mailbox.server.mailbox.messages
      .filter((message) => message.uidl !== 'm0004')
      .reduce((sum, message) => sum + message.data.length, 0);
    expect(report.archive).toEqual({ messages: 3, bytes: sizes, seenOnServer: 3 });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('sends waiting: 1');
    expect(text.stdout).toMatch(
      /forward to me@phone\.example \(UIDL m0003, 1 attempt\(s\)\): next try .*try again later/,
    );
    expect(text.stdout).toMatch(/sends failed: 1\n.*UIDL m0002.*mailbox unavailable/);
    expect(text.stdout).toContain('UIDL m0004: 1 failure(s)');
    expect(text.stdout).toMatch(/sends today: 1 of \d+/);
    expect(text.stdout).toMatch(/ok {2}\d+\.\d s {2}fetched 3 · archived 3/);
  });

  it('records a run in the write it makes anyway: an empty poll adds no record and no write', async () => {
    // Prepare
    const mailbox = await engine({ mailbox: mails(2) });
    const file = await configFile(mailbox);
    await mailbox.run({ rules: [] }, live());
    mailbox.store.reset();

    // Act
    const empty = await mailbox.run({ rules: [] }, live());
    const report = await statusJson(file, mailbox.dir);

    // Assess
    expect(empty).toMatchObject({ fetched: 0, busy: null });
    expect(mailbox.store.counts).toMatchObject({ putDocument: 0, create: 0 });
    expect(report.runs).toHaveLength(1);
    expect(report.archive).toMatchObject({ messages: 2, seenOnServer: 2 });
  });

  it('keeps only the last 20 runs', async () => {
    // Prepare: 22 runs that each archive one message
    const mailbox = await engine({ mailbox: [] });
    const file = await configFile(mailbox);
    for (let run = 1; run <= 22; run += 1) {
      mailbox.server.mailbox.add(...mails(1, `r${run}-`));
      await mailbox.run({ rules: [] }, live());
    }

    // Act
    const report = await statusJson(file, mailbox.dir);

    // Assess
    expect(report.runs).toHaveLength(20);
    expect(report.runs.every((run) => run.archived === 1 && run.outcome === 'ok')).toBe(true);
    expect(report.archive.messages).toBe(22);
  });

  it('shows the run that holds the lease, and leaves the lease alone', async () => {
    // Prepare
    const mailbox = await engine({ mailbox: mails(1) });
    const file = await configFile(mailbox);
    await mailbox.run({ rules: [] }, live());
    const state = JSON.parse((await mailbox.raw(layout.stateKey))?.toString('utf8') ?? '{}');
    const until = new Date(Date.now() + 600_000).toISOString();
    const leased = JSON.stringify({ ...state, lease: { owner: 'elsewhere:1:abcd', until } });
    await writeFile(join(mailbox.dir, layout.stateKey), leased);

    // Act
    const report = await statusJson(file, mailbox.dir);
    const text = await runCli(['status', '--config', file], mailbox.dir, { env });

    // Assess
    expect(report.lease).toEqual({ owner: 'elsewhere:1:abcd', until });
    expect(text.stdout).toContain('a run (elsewhere:1:abcd) is working until');
    expect((await mailbox.raw(layout.stateKey))?.toString('utf8')).toBe(leased);
  });

  it('says so for a mailbox no run has saved, and reads a damaged state as an error naming it', async () => {
    // Prepare
    const mailbox = await engine({ mailbox: mails(1) });
    const file = await configFile(mailbox);

    // Act
    const fresh = await runCli(['status', '--config', file], mailbox.dir, { env });
    await mkdir(join(mailbox.dir, layout.prefix), { recursive: true });
    await writeFile(join(mailbox.dir, layout.stateKey), '{"v":1,"mailbox":');
    const damaged = await runCli(['status', '--config', file], mailbox.dir, { env });

    // Assess
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toContain('no run has saved this mailbox yet');
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toContain('state.json');
  });
});

describe('popfwd status on S3', () => {
  const engine = useEngine();
  let s3: S3HttpFake | undefined;
  afterEach(async () => {
    vi.unstubAllEnvs();
    await s3?.close();
    s3 = undefined;
  });

  it('reads the state and sizes the archive with GET and LIST requests only', async () => {
    // Prepare: a run archives into the S3 fake through the real S3 store
    s3 = await startS3HttpFake({ bucket: 'popfwd-status', maxKeys: 2 });
    const s3Config = {
      bucket: s3.bucket,
      prefix: 'mail/',
      region: 'eu-west-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
    };
    vi.stubEnv('AWS_ACCESS_KEY_ID', FAKE_ACCESS_KEY_ID);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', FAKE_SECRET_ACCESS_KEY);
    const mailbox = await engine(troubled);
    const file = await configFile(mailbox, { rules, store: { s3: s3Config } });
    const client = createS3Client({ ...s3Config, checksums: 'when_supported' } as never, {
      credentials: { accessKeyId: FAKE_ACCESS_KEY_ID, secretAccessKey: FAKE_SECRET_ACCESS_KEY },
    });
    const store = createS3Store({ client, bucket: s3.bucket, prefix: 'mail/' });
    await mailbox.run({ rules }, { ...live(), store });
    const objects = new Map(s3.objects);
    const requestsBefore = s3.requests.length;

    // Act
    const report = await statusJson(file, mailbox.dir);

    // Assess
    const methods = s3.requests.slice(requestsBefore).map((request) => request.method);
    expect(new Set(methods)).toEqual(new Set(['GET']));
    expect(s3.objects).toEqual(objects);
    expect(report.location).toBe(`s3://${s3.bucket}/mail/`);
    expect(report.runs).toEqual([expect.objectContaining({ outcome: 'ok', archived: 3 })]);
    expect(report.waiting.map((send) => send.uidl)).toEqual(['m0003']);
    expect(report.failed.map((send) => send.uidl)).toEqual(['m0002']);
    expect(report.archive).toMatchObject({ messages: 3, seenOnServer: 3 });
    expect(report.archive.bytes).toBeGreaterThan(0);
  });
});
