import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { mailboxLayout } from '../../../lambda/engine/layout.js';
import type { LogLevel } from '../../../lambda/log.js';
import { createS3Store } from '../../../lambda/stores/s3/s3-store.js';
import type { LogRecord } from '../../helpers/memory-log.js';
import {
  aadError,
  startTokenEndpoint,
  type TokenEndpoint,
} from '../../helpers/oauth2/token-endpoint.js';
import { fault } from '../../helpers/pop3/pop3-faults.js';
import { type FaultRig, type HandlerRun, startFaultRig } from '../../helpers/proof/fault-rig.js';
import { PLANNED_SENDS } from '../../helpers/proof/proof-mail.js';
import { smtpReply } from '../../helpers/smtp/smtp-test-server.js';
import { catalogRecords } from '../../helpers/stores/catalog-records.js';
import { createS3Fake } from '../../helpers/stores/s3-fake.js';

/**
 * Fault injection (issue 7): each fault hits one run of a twelve-message mailbox (retention delete,
 * a forward rule, vacation); the next runs must recover with nothing lost and nothing sent twice.
 * Runs go through the Lambda handler, so each fault is also checked for the log line an operator
 * sees and the metrics the alarms watch (lambda/aws/run-metrics.ts).
 */

const MESSAGES = 12;
const PLANNED = PLANNED_SENDS.forwards + PLANNED_SENDS.replies;
/** Tiny Retry-After, so the token client's retries do not wait seconds. */
const RETRY_SOON = { 'retry-after': '0.01' };
const tokenServerError = () => ({
  ...aadError(500, 'temporarily_unavailable', 50_001, 'The service is temporarily unavailable.'),
  headers: RETRY_SOON,
});
const HOUR = 3_600_000;

const rigs: FaultRig[] = [];
const endpoints: TokenEndpoint[] = [];
const rig = async (options: Parameters<typeof startFaultRig>[0]) => {
  const started = await startFaultRig(options);
  rigs.push(started);
  return started;
};

afterEach(async () => {
  await Promise.all([
    ...rigs.splice(0).map((r) => r.close()),
    ...endpoints.splice(0).map((e) => e.close()),
  ]);
});

/** The one log line with this message at this level. */
const line = (run: HandlerRun, level: LogLevel, message: string | RegExp): LogRecord => {
  const found = run.logs.filter(
    (record) =>
      record.level === level &&
      (typeof message === 'string' ? record.message === message : message.test(record.message)),
  );
  if (found.length === 0) {
    const seen = run.logs.map((record) => `${record.level} ${record.message}`).join('\n');
    throw new Error(`no ${level} line "${message}" among:\n${seen}`);
  }
  return found[0] as LogRecord;
};

const codeOf = (error: unknown): unknown => (error as { code?: unknown } | null)?.code;

/** Runs an hour apart (retries come due) until the mailbox is empty and nothing waits. */
const recover = async (target: FaultRig, maxRuns = 3): Promise<HandlerRun[]> => {
  const runs: HandlerRun[] = [];
  do {
    target.clock.advance(HOUR);
    const run = await target.run();
    if (!run.summary) throw new Error(`the recovery run failed: ${String(run.error)}`);
    runs.push(run);
  } while (
    (target.pop3.mailbox.messages.length > 0 || (runs.at(-1)?.summary?.pendingActions ?? 0) > 0) &&
    runs.length < maxRuns
  );
  return runs;
};

/** Everything archived once and byte-exact, the mailbox empty, each planned send made once. */
const expectNothingLostNothingTwice = async (target: FaultRig, sendsFailedForGood = 0) => {
  const audit = await target.audit();
  expect(audit).toMatchObject({
    exact: MESSAGES,
    rawObjects: MESSAGES,
    lost: [],
    archivedTwice: [],
    onServer: [],
  });
  const sends = target.sends();
  expect(sends.duplicated.size).toBe(0);
  expect(sends.unique.size).toBe(PLANNED - sendsFailedForGood);
};

const runFailure = { runSucceeded: 0, authFailures: 0 };

describe('POP3 faults', () => {
  it('a connection reset in the middle of a RETR fails the run, deletes nothing, and the next run finishes', async () => {
    const target = await rig({
      name: 'pop3-reset',
      faults: {
        onCommand: (command) =>
          command.session === 1 && command.name === 'RETR' && command.args[0] === '5'
            ? fault.cutAfter(120)
            : undefined,
      },
    });

    const failed = await target.run();

    expect(codeOf(failed.error)).toBe('ECONNECTION');
    expect(line(failed, 'error', 'run failed').fields.code).toBe('ECONNECTION');
    expect(failed.metrics).toMatchObject(runFailure);
    expect(target.pop3.mailbox.messages).toHaveLength(MESSAGES);
    // Sends of messages recorded before the reset may already have gone; the rest go now.
    const [next] = await recover(target);
    expect(next?.metrics).toMatchObject({ runSucceeded: 1 });
    await expectNothingLostNothingTwice(target);
  });

  it('-ERR [SYS/TEMP] at login fails the run as temporary, not as an authentication failure', async () => {
    const target = await rig({
      name: 'pop3-sys-temp',
      faults: {
        onCommand: (command) =>
          command.session === 1 && (command.name === 'AUTH' || command.name === 'PASS')
            ? fault.reply('-ERR [SYS/TEMP] the mail store is unavailable, try again later')
            : undefined,
      },
    });

    const failed = await target.run();

    expect(codeOf(failed.error)).toBe('ESYSTEMP');
    expect(line(failed, 'error', 'run failed').fields.code).toBe('ESYSTEMP');
    expect(failed.metrics).toMatchObject(runFailure);
    // The refused session is closed, not left open (resolves once the client has hung up).
    await target.pop3.idle();
    await recover(target);
    await expectNothingLostNothingTwice(target);
  });

  it('-ERR [SYS/TEMP] to one RETR skips that message only; the next run fetches it', async () => {
    const target = await rig({
      name: 'pop3-retr-temp',
      faults: {
        onCommand: (command) =>
          command.session === 1 && command.name === 'RETR' && command.args[0] === '7'
            ? fault.reply('-ERR [SYS/TEMP] message temporarily unavailable')
            : undefined,
      },
    });

    const first = await target.run();

    expect(first.error).toBeNull();
    expect(first.summary).toMatchObject({ fetched: MESSAGES - 1, failed: 1 });
    expect(
      line(first, 'error', /^the server refused to send this message/).fields.uidl,
    ).toBeDefined();
    expect(first.metrics).toMatchObject({ runSucceeded: 1, failed: 1 });
    // Everything but the refused message was archived and deleted; that one stays on the server.
    expect(target.pop3.mailbox.messages).toHaveLength(1);
    await recover(target);
    await expectNothingLostNothingTwice(target);
  });

  it('-ERR [IN-USE] is a busy mailbox: no error, no alarm metric, and the next run does the work', async () => {
    const target = await rig({
      name: 'pop3-in-use',
      faults: {
        onCommand: (command) =>
          command.session === 1 && (command.name === 'AUTH' || command.name === 'PASS')
            ? fault.reply('-ERR [IN-USE] another session holds the maildrop lock')
            : undefined,
      },
    });

    const busy = await target.run();

    expect(busy.error).toBeNull();
    expect(busy.summary?.busy).toMatch(/another client holds the mailbox/);
    expect(line(busy, 'warn', 'mailbox busy, nothing done this run')).toBeDefined();
    expect(busy.metrics).toMatchObject({ runSucceeded: 0, authFailures: 0, fetched: 0 });
    await target.pop3.idle();
    await recover(target);
    await expectNothingLostNothingTwice(target);
  });
});

describe('S3 faults (createS3Store on the stateful fake; no SDK retries in between)', () => {
  const s3Rig = async (name: string) => {
    const fake = createS3Fake();
    const target = await rig({
      name,
      store: createS3Store({ client: fake.client, bucket: fake.bucket, prefix: 'popfwd/' }),
    });
    return { fake, target };
  };

  it('throttling (503 SlowDown) on an archive write fails the run; the next run archives it once', async () => {
    const { fake, target } = await s3Rig('s3-throttle');
    fake.fail('PutObject', 'throttle', 1, /\/raw\//);

    const failed = await target.run();

    expect(codeOf(failed.error)).toBe('ESTORE');
    expect(line(failed, 'error', 'run failed').fields.error).toMatchObject({
      message: expect.stringMatching(/SlowDown \(503\)/),
    });
    expect(failed.metrics).toMatchObject(runFailure);
    expect(target.pop3.mailbox.messages).toHaveLength(MESSAGES);
    await recover(target);
    await expectNothingLostNothingTwice(target);
  });

  it('a 500 on the checkpoint before DELE fails the run with nothing deleted; the next run deletes', async () => {
    const { fake, target } = await s3Rig('s3-internal');
    fake.fail('PutObject', 'internal', 1, /uidls\.json$/);

    const failed = await target.run();

    expect(line(failed, 'error', 'run failed').fields.error).toMatchObject({
      message: expect.stringMatching(/InternalError \(500\)/),
    });
    expect(failed.metrics).toMatchObject(runFailure);
    expect(target.pop3.mailbox.messages).toHaveLength(MESSAGES);
    expect(target.pop3.commands().filter((command) => command.startsWith('DELE'))).toEqual([]);
    const [next] = await recover(target);
    expect(next?.summary).toMatchObject({ fetched: 0, deleted: MESSAGES });
    await expectNothingLostNothingTwice(target);
  });

  it('a 409 on an archive write is retried within the run', async () => {
    const { fake, target } = await s3Rig('s3-conflict-once');
    fake.fail('PutObject', 'conflict', 1, /\/raw\//);

    const run = await target.run();

    expect(run.error).toBeNull();
    expect(run.metrics).toMatchObject({ runSucceeded: 1, archived: MESSAGES, failed: 0 });
    await expectNothingLostNothingTwice(target);
  });

  it('a 409 that persists fails the run; the next run archives the message once', async () => {
    const { fake, target } = await s3Rig('s3-conflict');
    const layout = mailboxLayout(target.address);
    // Every attempt on one message's archive write conflicts (archive writes run concurrently).
    fake.fail('PutObject', 'conflict', 3, new RegExp(`/raw/${layout.idFor('m3')}`));

    const failed = await target.run();

    expect(line(failed, 'error', 'run failed').fields.error).toMatchObject({
      message: expect.stringMatching(/ConditionalRequestConflict \(409\)/),
    });
    expect(failed.metrics).toMatchObject(runFailure);
    await recover(target);
    await expectNothingLostNothingTwice(target);
  });

  it('a 412 on an archive write (stored by a run that died before its state) counts as already archived', async () => {
    const { fake, target } = await s3Rig('s3-precondition');
    const layout = mailboxLayout(target.address);
    const bytes = target.snapshot.get('m3') as Buffer;
    await target.store.create(layout.rawKey(layout.idFor('m3')), Readable.from([bytes]));

    const run = await target.run();

    expect(run.summary).toMatchObject({ fetched: MESSAGES, archived: 11, alreadyArchived: 1 });
    // Found in the archive without a record: it is recorded now, as if just archived.
    expect(
      run.logs
        .filter((record) => record.message === 'archived')
        .map((record) => record.fields.uidl),
    ).toContain('m3');
    expect(run.metrics).toMatchObject({ runSucceeded: 1, archived: 11, failed: 0 });
    expect(fake.objects.size).toBeGreaterThan(0);
    await expectNothingLostNothingTwice(target);
  });
});

describe('SMTP faults', () => {
  const failFirstData = (reply: Error) => {
    let calls = 0;
    return () => {
      calls += 1;
      return calls === 1 ? reply : undefined;
    };
  };

  it('421 (closing) postpones every send to the next run without counting an attempt', async () => {
    const target = await rig({
      name: 'smtp-421',
      smtp: { dataReply: failFirstData(smtpReply(421, '4.3.2 Service not available, closing')) },
    });

    const first = await target.run();

    expect(first.summary).toMatchObject({
      archived: MESSAGES,
      deleted: MESSAGES,
      pendingActions: PLANNED_SENDS.actions,
    });
    expect(
      line(first, 'warn', 'the SMTP server is unreachable; sends wait for the next run'),
    ).toBeDefined();
    expect(first.metrics).toMatchObject({ runSucceeded: 1, failed: 0, alerts: 0, forwarded: 0 });
    await recover(target);
    await expectNothingLostNothingTwice(target);
  });

  it('451 (local error) retries that one send on a later run; the others go now', async () => {
    const target = await rig({
      name: 'smtp-451',
      smtp: { dataReply: failFirstData(smtpReply(451, '4.3.0 Temporary local problem')) },
    });

    const first = await target.run();

    expect(first.summary?.pendingActions).toBe(1);
    expect(line(first, 'warn', 'send failed; will retry on a later run').fields.code).toBe('ESEND');
    expect(first.metrics).toMatchObject({ runSucceeded: 1, alerts: 0 });
    expect(target.sends().unique.size).toBe(PLANNED - 1);
    await recover(target);
    await expectNothingLostNothingTwice(target);
  });

  it('554 (rejected) fails that send for good: recorded, counted, never retried', async () => {
    const target = await rig({
      name: 'smtp-554',
      smtp: { dataReply: failFirstData(smtpReply(554, '5.6.0 Message content rejected')) },
    });

    const first = await target.run();

    expect(line(first, 'error', 'send failed permanently').fields.code).toBe('ESYSPERM');
    expect(first.metrics).toMatchObject({ runSucceeded: 1, failed: 1 });
    await recover(target);
    await expectNothingLostNothingTwice(target, 1);
    const failed = [];
    for (const record of await catalogRecords(target.store, target.address)) {
      failed.push(...Object.values(record.actions).filter((a) => a.status === 'failed'));
    }
    expect(failed).toHaveLength(1);
    expect(failed[0]?.lastError?.code).toBe('ESYSPERM');
  });

  it('a connection dropped in the middle of DATA postpones the sends; that mail arrives once', async () => {
    const target = await rig({ name: 'smtp-drop', proxy: true });
    target.proxy?.armDataCut();

    const first = await target.run();

    expect(target.proxy?.cuts).toBe(1);
    expect(first.summary?.pendingActions).toBe(PLANNED_SENDS.actions);
    expect(
      line(first, 'warn', 'the SMTP server is unreachable; sends wait for the next run'),
    ).toBeDefined();
    expect(first.metrics).toMatchObject({ runSucceeded: 1, failed: 0, alerts: 0 });
    await recover(target);
    await expectNothingLostNothingTwice(target);
  });
});

describe('OAuth2 token endpoint faults', () => {
  const oauthRig = async (name: string) => {
    const endpoint = await startTokenEndpoint({ username: `${name}@example.test` });
    endpoints.push(endpoint);
    return { endpoint, target: await rig({ name, oauth2: endpoint }) };
  };

  it('a 500 from the token endpoint is retried within the run, with a warning', async () => {
    const { endpoint, target } = await oauthRig('token-500-once');
    endpoint.failNext(tokenServerError());

    const run = await target.run();

    expect(line(run, 'warn', 'token endpoint failed; retrying').fields.reason).toMatch(/500/);
    expect(run.metrics).toMatchObject({ runSucceeded: 1, authFailures: 0, archived: MESSAGES });
    await expectNothingLostNothingTwice(target);
  });

  it('a token endpoint that keeps failing with 500 fails the run as temporary, not as an authentication failure', async () => {
    const { endpoint, target } = await oauthRig('token-500');
    endpoint.failNext(tokenServerError(), tokenServerError(), tokenServerError());

    const failed = await target.run();

    expect(codeOf(failed.error)).toBe('EOAUTH');
    expect(line(failed, 'error', 'run failed').fields.code).toBe('EOAUTH');
    expect(failed.metrics).toMatchObject(runFailure);
    await target.pop3.idle();
    await recover(target);
    await expectNothingLostNothingTwice(target);
  });

  it('invalid_grant fails the run as an authentication failure; after a new sign-in it recovers', async () => {
    const { endpoint, target } = await oauthRig('token-invalid-grant');
    endpoint.revokeRefreshTokens();

    const failed = await target.run();

    expect(codeOf(failed.error)).toBe('EINVALIDGRANT');
    expect(line(failed, 'error', 'run failed').fields.code).toBe('EINVALIDGRANT');
    expect(failed.metrics).toMatchObject({ runSucceeded: 0, authFailures: 1 });
    await target.pop3.idle();
    // `popfwd auth login` stores a new refresh token where the config points.
    target.secrets.values.set('ssm:/popfwd/proof/refresh-token', endpoint.issueRefreshToken());
    await recover(target);
    await expectNothingLostNothingTwice(target);
  });
});

describe('the deadline', () => {
  it('reached in the middle of a batch stops fetching cleanly; the next run takes the rest', async () => {
    // Each RETR costs ten seconds of (virtual) time; a 2-minute run keeps 12 s back for the end.
    let target: FaultRig | undefined;
    target = await rig({
      name: 'deadline',
      pipelining: 'off',
      limits: { runTimeout: '2m' },
      faults: {
        onCommand: (command) => {
          if (command.name === 'RETR') target?.clock.advance(10_000);
          return undefined;
        },
      },
    });

    const first = await target.run();

    const fetched = first.summary?.fetched ?? 0;
    expect(first.summary).toMatchObject({ stoppedBy: 'deadline', remaining: MESSAGES - fetched });
    expect(fetched).toBeGreaterThan(0);
    expect(fetched).toBeLessThan(MESSAGES);
    expect(first.metrics).toMatchObject({ runSucceeded: 1, fetched, archived: fetched });
    expect(line(first, 'info', 'run finished').fields.summary).toMatchObject({
      stoppedBy: 'deadline',
    });
    expect(target.pop3.mailbox.messages).toHaveLength(MESSAGES - fetched);
    const [next] = await recover(target);
    expect(next?.summary).toMatchObject({ fetched: MESSAGES - fetched, stoppedBy: null });
    await expectNothingLostNothingTwice(target);
  });
});
