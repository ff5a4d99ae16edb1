import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deployConfig } from '../../../infra/deploy-config.js';
import { RUN_METRICS } from '../../../lambda/aws/metric-names.js';
import { mailboxLayout } from '../../../lambda/engine/layout.js';
import type { RunSummary } from '../../../lambda/engine/summary.js';
import { PROJECT_DIR } from '../../helpers/aws/infra.js';
import { type HandlerBundle, synthesizeHandlerBundle } from '../../helpers/aws/lambda-bundle.js';
import type { InvokeOutcome } from '../../helpers/aws/lambda-invoke-child.js';
import { dovecotWireBody } from '../../helpers/dovecot/dovecot.js';
import { describeWithDovecot } from '../../helpers/dovecot/dovecot-suite.js';
import {
  configDocument,
  FORWARD_TO,
  MAILBOX_USER,
  type OAuth2Mailbox,
  startOAuth2Mailbox,
  testMessage,
} from '../../helpers/oauth2/oauth2-mailbox.js';
import { findLeaks } from '../../helpers/secrets/secret-scan.js';
import { type SsmHttpFake, startSsmHttpFake } from '../../helpers/secrets/ssm-http-fake.js';
import { type S3HttpFake, startS3HttpFake } from '../../helpers/stores/s3-http-fake.js';
import { TLS_PATHS } from '../../helpers/tls-fixtures.js';

const child = fileURLToPath(new URL('../../helpers/aws/lambda-invoke-child.ts', import.meta.url));
const BUCKET = 'popfwd-bundle-test';
const PREFIX = 'alice/';
const PARAMETER = '/popfwd/alice/refresh-token';
const REGION = 'eu-west-1';

/** A message over S3's 5 MiB minimum part size, so the archive write is a multipart upload. */
const largeMessage = (): Buffer => {
  const line = `${'Z'.repeat(76)}\r\n`;
  return Buffer.concat([
    testMessage(99).subarray(0, -2),
    Buffer.from(line.repeat(Math.ceil((6 * 1024 * 1024) / line.length))),
  ]);
};

interface Invocation {
  readonly outcome: InvokeOutcome | undefined;
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | null;
}

/** Invokes the bundle's handler in a fresh Node process with the function's environment. */
const invoke = (bundle: HandlerBundle, env: NodeJS.ProcessEnv): Promise<Invocation> =>
  new Promise((resolve, reject) => {
    const process_ = fork(
      child,
      [bundle.file, bundle.exportName, String(bundle.timeoutSeconds * 1000)],
      {
        cwd: PROJECT_DIR,
        execArgv: ['--import', 'tsx'],
        env,
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      },
    );
    let stdout = '';
    let stderr = '';
    let outcome: InvokeOutcome | undefined;
    process_.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    process_.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    process_.on('message', (message) => {
      outcome = message as InvokeOutcome;
    });
    process_.on('error', reject);
    process_.on('close', (exitCode) => resolve({ outcome, stdout, stderr, exitCode }));
  });

const jsonLines = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

interface EmfBlock {
  readonly _aws: {
    readonly CloudWatchMetrics: readonly {
      readonly Namespace: string;
      readonly Dimensions: readonly (readonly string[])[];
      readonly Metrics: readonly { readonly Name: string; readonly Unit: string }[];
    }[];
  };
  readonly [key: string]: unknown;
}

describeWithDovecot('the bundled Lambda handler, invoked like the Lambda runtime does', () => {
  let mailbox: OAuth2Mailbox;
  let s3: S3HttpFake;
  let ssm: SsmHttpFake;
  let outdir: string;
  let bundle: HandlerBundle;
  let initialToken: string;
  const messages = [testMessage(1), testMessage(2), largeMessage()];
  let invocation: Invocation;

  beforeAll(async () => {
    // Prepare: the servers, the AWS fakes, and the bundle with its config embedded
    mailbox = await startOAuth2Mailbox();
    await mailbox.dovecot.addMessages(MAILBOX_USER, messages);
    s3 = await startS3HttpFake({ bucket: BUCKET });
    initialToken = mailbox.endpoint.issueRefreshToken();
    ssm = await startSsmHttpFake({ [PARAMETER]: initialToken });
    outdir = await mkdtemp(join(tmpdir(), 'popfwd-bundle-'));
    const document = configDocument(mailbox, {
      auth: { method: 'oauth2', refreshToken: { ssm: PARAMETER } },
      store: { s3: { bucket: BUCKET, prefix: PREFIX, region: REGION } },
      // the Lambda has no caFile: it trusts the test CA through NODE_EXTRA_CA_CERTS below
      caFile: null,
      retention: 'delete',
    });
    bundle = synthesizeHandlerBundle(deployConfig(document, 'bundled-handler test'), outdir);

    // Act: one scheduled invocation
    invocation = await invoke(bundle, {
      PATH: process.env.PATH,
      ...bundle.environment,
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'AKIAFAKEBUNDLETEST00',
      AWS_SECRET_ACCESS_KEY: 'fake-secret-access-key-for-the-bundle-test',
      AWS_LAMBDA_FUNCTION_NAME: 'popfwd-alice',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(bundle.memorySize),
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_SSM: ssm.endpoint,
      NODE_EXTRA_CA_CERTS: TLS_PATHS.ca,
      TZ: 'UTC',
    });
  }, 180_000);

  afterAll(async () => {
    await mailbox?.stop();
    await s3?.close();
    await ssm?.close();
    if (outdir) await rm(outdir, { recursive: true, force: true });
  });

  it('runs the mailbox and returns the summary', () => {
    // Assess
    expect(invocation.exitCode, invocation.stderr).toBe(0);
    expect(invocation.outcome).toEqual({ ok: true, result: expect.any(Object) });
    const summary = (invocation.outcome as { result: RunSummary }).result;
    expect(summary).toMatchObject({
      fetched: 3,
      archived: 3,
      deleted: 3,
      forwarded: 3,
      failed: 0,
      busy: null,
      alerts: [],
    });
  });

  it('archives every message byte-exact in S3 with create-once writes, the large one in parts', () => {
    // Assess
    const layout = mailboxLayout(MAILBOX_USER);
    const raw = [...s3.objects.entries()].filter(([key]) =>
      key.startsWith(`${PREFIX}${layout.rawPrefix}`),
    );
    const rawPuts = s3.requests.filter(
      (request) =>
        request.method === 'PUT' &&
        request.url.includes('/raw/') &&
        !request.url.includes('uploadId'),
    );
    expect(raw.map(([, object]) => object.body.toString('latin1')).sort()).toEqual(
      messages.map((message) => dovecotWireBody(message).toString('latin1')).sort(),
    );
    expect(s3.multipartKeys).toHaveLength(1);
    expect(rawPuts.map((request) => request.headers['if-none-match'])).toEqual(['*', '*']);
    expect(s3.uploads.size).toBe(0);
    expect(s3.objects.has(`${PREFIX}${layout.stateKey}`)).toBe(true);
  });

  it('reads the refresh token from SSM and writes the rotated one back once', () => {
    // Assess
    const puts = ssm.calls.filter((call) => call.action === 'PutParameter');
    const stored = ssm.parameters.get(PARAMETER);
    expect(ssm.calls.filter((call) => call.action === 'GetParameter')).toEqual([
      { action: 'GetParameter', input: { Name: PARAMETER, WithDecryption: true } },
    ]);
    expect(puts).toHaveLength(1);
    expect(puts[0]?.input).toMatchObject({
      Name: PARAMETER,
      Type: 'SecureString',
      Overwrite: true,
    });
    expect(stored?.version).toBe(2);
    expect(stored?.value).not.toBe(initialToken);
    expect(mailbox.endpoint.isRefreshTokenValid(stored?.value ?? '')).toBe(true);
  });

  it('forwards through SMTP with the access token POP3 used', () => {
    // Assess
    expect(mailbox.smtp.messages.map((mail) => mail.to)).toEqual([
      [FORWARD_TO],
      [FORWARD_TO],
      [FORWARD_TO],
    ]);
    expect(new Set(mailbox.smtp.auths.map((auth) => auth.accessToken))).toEqual(
      new Set(mailbox.introspected()),
    );
  });

  it('prints EMF metrics in the popfwd namespace, per mailbox', () => {
    // Assess
    const blocks = jsonLines(invocation.stdout).filter((line) => '_aws' in line) as EmfBlock[];
    const [block] = blocks;
    const directive = block?._aws.CloudWatchMetrics[0];
    expect(blocks).toHaveLength(1);
    expect(directive?.Namespace).toBe('popfwd');
    expect(directive?.Dimensions).toEqual([['service', 'mailbox']]);
    // Counters that are zero this run (replied, failed, alerts, authFailures) are not emitted.
    expect(directive?.Metrics.map((metric) => metric.Name).sort()).toEqual(
      [
        RUN_METRICS.runSucceeded,
        RUN_METRICS.fetched,
        RUN_METRICS.archived,
        RUN_METRICS.forwarded,
        RUN_METRICS.runDuration,
      ].sort(),
    );
    expect(block).toMatchObject({
      service: 'popfwd',
      mailbox: MAILBOX_USER,
      [RUN_METRICS.fetched]: 3,
      [RUN_METRICS.archived]: 3,
      [RUN_METRICS.forwarded]: 3,
      [RUN_METRICS.runSucceeded]: 1,
      [RUN_METRICS.runDuration]: expect.any(Number),
    });
  });

  it('logs JSON lines keyed by mailbox, and by uidl for each message', () => {
    // Assess
    const logs = jsonLines(invocation.stdout).filter((line) => !('_aws' in line));
    const archived = logs.filter((line) => line.message === 'archived');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.every((line) => line.mailbox === MAILBOX_USER)).toBe(true);
    expect(archived.map((line) => line.uidl)).toEqual([
      expect.any(String),
      expect.any(String),
      expect.any(String),
    ]);
    expect(logs.find((line) => line.message === 'run finished')).toMatchObject({
      level: 'INFO',
      function_request_id: expect.any(String),
    });
  });

  it('prints no token', () => {
    // Assess
    const secrets = Object.fromEntries([
      ['initial refresh token', initialToken],
      ['rotated refresh token', ssm.parameters.get(PARAMETER)?.value ?? ''],
      ...mailbox.endpoint.accessTokens.map((token, index) => [`access token ${index}`, token]),
    ]);
    expect(findLeaks(secrets, { stdout: invocation.stdout, stderr: invocation.stderr })).toEqual(
      [],
    );
  });
});
