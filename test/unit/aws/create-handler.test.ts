import { describe, expect, it, vi } from 'vitest';
import { createAccessTokenCache } from '../../../lambda/auth/access-token-cache.js';
import { createHandler } from '../../../lambda/aws/create-handler.js';
import type { Config } from '../../../lambda/config/config-schema.js';
import { parseConfig } from '../../../lambda/config/parse.js';
import type { RunOptions } from '../../../lambda/engine/run-options.js';
import type { RunSummary } from '../../../lambda/engine/summary.js';
import { PopfwdError } from '../../../lambda/errors.js';
import type { SecretStore } from '../../../lambda/secrets/secret-store.js';
import type { BlobStore } from '../../../lambda/stores/blob-store.js';
import { lambdaContext } from '../../helpers/aws/lambda-context.js';
import { runSummary } from '../../helpers/aws/run-summary.js';
import { mailPorts } from '../../helpers/engine-run.js';
import { fixedClock } from '../../helpers/fixed-clock.js';
import { type LogRecord, memoryLog } from '../../helpers/memory-log.js';
import { dump, findLeaks } from '../../helpers/secrets/secret-scan.js';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const config: Config = parseConfig(
  {
    mailbox: {
      address: 'alice@example.com',
      pop3: { host: 'pop.example.com' },
      auth: { method: 'password', password: { ssm: '/popfwd/alice/password' } },
    },
    store: { s3: { bucket: 'popfwd-archive-example', prefix: 'alice/' } },
  },
  'test config',
).config;
const store = { location: 's3://popfwd-archive-example/alice/' } as BlobStore;
const secrets = {} as SecretStore;

const setup = (run: (options: RunOptions) => Promise<RunSummary>) => {
  const records: LogRecord[] = [];
  const metrics: Array<{ name: string; value: number }> = [];
  const published = vi.fn();
  const handler = createHandler({
    config,
    ...mailPorts(config),
    store,
    openSecrets: () => secrets,
    run,
    clock: fixedClock(NOW),
    deadlineMarginMs: 15_000,
    logFor: () => memoryLog(records),
    metrics: {
      addMetric: (name, _unit, value) => metrics.push({ name, value }),
      publishStoredMetrics: published,
    },
  });
  const metric = (name: string) => metrics.find((entry) => entry.name === name)?.value;
  return { handler, records, metric, published };
};

describe('createHandler', () => {
  it('gives the run a deadline of the remaining Lambda time minus the margin', async () => {
    // Prepare
    const run = vi.fn(async (_options: RunOptions) => runSummary());
    const { handler } = setup(run);

    // Act
    await handler({}, lambdaContext(300_000));

    // Assess
    expect(run).toHaveBeenCalledWith(
      expect.objectContaining({ config, store, secrets, deadline: NOW + 285_000 }),
    );
  });

  it('opens the secrets afresh for every invocation, so a warm container sees replaced secrets', async () => {
    // Prepare
    const stores: SecretStore[] = [{} as SecretStore, {} as SecretStore];
    const run = vi.fn(async (_options: RunOptions) => runSummary());
    const handler = createHandler({
      config,
      ...mailPorts(config),
      store,
      openSecrets: () => stores.shift() as SecretStore,
      run,
      logFor: () => memoryLog(),
      metrics: { addMetric: () => {}, publishStoredMetrics: () => {} },
    });

    // Act
    await handler({}, lambdaContext(300_000));
    await handler({}, lambdaContext(300_000));

    // Assess
    const [first, second] = run.mock.calls.map(([options]) => options.secrets);
    expect(first).toBeDefined();
    expect(second).not.toBe(first);
    expect(stores).toEqual([]);
  });

  it("hands every invocation the container's access token cache, and only that across invocations", async () => {
    // Prepare
    const accessTokens = createAccessTokenCache();
    const run = vi.fn(async (_options: RunOptions) => runSummary());
    const handler = createHandler({
      config,
      ...mailPorts(config),
      store,
      openSecrets: () => ({}) as SecretStore,
      accessTokens,
      run,
      logFor: () => memoryLog(),
      metrics: { addMetric: () => {}, publishStoredMetrics: () => {} },
    });

    // Act
    await handler({}, lambdaContext(300_000));
    await handler({}, lambdaContext(300_000));

    // Assess
    const [first, second] = run.mock.calls.map(([options]) => options);
    expect(first?.accessTokens).toBe(accessTokens);
    expect(second?.accessTokens).toBe(accessTokens);
    expect(second?.secrets).not.toBe(first?.secrets);
  });

  it('resolves the run summary and publishes its metrics', async () => {
    // Prepare
    const summary = runSummary({ fetched: 2, archived: 2, forwarded: 1 });
    const { handler, metric, published, records } = setup(async () => summary);

    // Act
    const result = await handler({}, lambdaContext(300_000));

    // Assess
    expect(result).toBe(summary);
    expect(metric('runSucceeded')).toBe(1);
    expect(metric('forwarded')).toBe(1);
    expect(published).toHaveBeenCalledOnce();
    expect(records).toContainEqual(
      expect.objectContaining({ level: 'info', message: 'run finished', fields: { summary } }),
    );
  });

  it('resolves when messages failed: message-level failures are in the summary, not errors', async () => {
    // Prepare
    const { handler, metric } = setup(async () => runSummary({ fetched: 3, failed: 2 }));

    // Act
    const result = await handler({}, lambdaContext(300_000));

    // Assess
    expect(result.failed).toBe(2);
    expect(metric('failed')).toBe(2);
    expect(metric('runSucceeded')).toBe(1);
  });

  it('resolves when another client holds the mailbox, and does not count it as a success', async () => {
    // Prepare
    const busy = 'the maildrop is locked by another POP3 session';
    const { handler, metric, records } = setup(async () => runSummary({ busy }));

    // Act
    const result = await handler({}, lambdaContext(300_000));

    // Assess
    expect(result.busy).toBe(busy);
    expect(metric('runSucceeded')).toBe(0);
    expect(records).toContainEqual(expect.objectContaining({ level: 'warn', fields: { busy } }));
  });

  it('rejects with the run-level error after publishing the failure metrics', async () => {
    // Prepare
    const error = new PopfwdError('EAUTH', 'the server rejected the credentials');
    const { handler, metric, published, records } = setup(async () => {
      throw error;
    });

    // Act
    const result = handler({}, lambdaContext(300_000));

    // Assess
    await expect(result).rejects.toBe(error);
    expect(metric('runSucceeded')).toBe(0);
    expect(metric('authFailures')).toBe(1);
    expect(published).toHaveBeenCalledOnce();
    expect(records).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'run failed',
        fields: { code: 'EAUTH', error },
      }),
    );
  });

  it('rejects with an unexpected error too, so the Lambda Errors alarm sees it', async () => {
    // Prepare
    const error = new TypeError('cannot read properties of undefined');
    const { handler, metric } = setup(async () => {
      throw error;
    });

    // Act
    const result = handler({}, lambdaContext(300_000));

    // Assess
    await expect(result).rejects.toBe(error);
    expect(metric('runSucceeded')).toBe(0);
    expect(metric('authFailures')).toBeUndefined();
  });

  it('masks the secrets the run learnt in what it logs and in the error the runtime prints', async () => {
    // Prepare: the run reads a password, then fails with a server reply that quotes it
    const password = 'hunter2-but-longer';
    const { handler, records } = setup(async (options) => {
      options.redactor?.addPassword('alice@example.com', password);
      options.log.warn(`S: -ERR ${password}`);
      throw new PopfwdError('EAUTH', `POP3 PASS failed: -ERR bad ${password}`, {
        cause: new Error(`-ERR bad ${password}`),
        context: { response: `bad ${password}` },
      });
    });

    // Act
    const error = await handler({}, lambdaContext(300_000)).catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({
      code: 'EAUTH',
      message: 'POP3 PASS failed: -ERR bad [redacted]',
      context: { response: 'bad [redacted]' },
      cause: expect.objectContaining({ message: '-ERR bad [redacted]' }),
    });
    expect(findLeaks({ password }, { logs: dump(records), error: dump(error) })).toEqual([]);
    expect(records[0]?.message).toBe('S: -ERR [redacted]');
  });
});
