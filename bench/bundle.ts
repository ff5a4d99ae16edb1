/**
 * `npm run bench:bundle` (issue 6): the Lambda bundle's size and what makes it big, its cold init
 * time in Node, the duration and requests of an empty poll, and the monthly AWS cost built from
 * them. Writes the "bundle" section of BENCHMARKS.md.
 *
 * The bundle comes from the real CDK app (infra/, synthesized here with local esbuild) and is
 * rebuilt through esbuild's API with the same options, checked byte for byte against it, for the
 * metafile and for a copy whose embedded config points at local stand-ins: Dovecot (XOAUTH2,
 * behind the 50 ms latency proxy, as Outlook is far away), the Microsoft token endpoint (also
 * 50 ms away), and S3 and SSM stubs answering after 15 ms each.
 * POPFWD_BENCH_INIT_RUNS (default 15) fresh processes for the init time, POPFWD_BENCH_POLL_RUNS
 * (default 7) environments of 1 cold + 3 warm polls.
 */
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readDeployConfig } from '../infra/deploy-config.js';
import { startTokenEndpoint, type TokenEndpoint } from '../test/helpers/token-endpoint.js';
import { type Stub, startS3Stub, startSsmStub } from './lib/aws-stubs.js';
import {
  FREE_TIERS,
  formatUsd,
  LAMBDA_MB_PER_VCPU,
  monthlyCost,
  POLLING_LINES,
  POLLS_PER_MONTH,
  PRICES,
  renderCostTable,
  total,
} from './lib/cost.js';
import { buildBundle, bundleShares, sameBytes, synthBundle } from './lib/lambda-bundle.js';
import { type LatencyProxy, startLatencyProxy } from './lib/latency-proxy.js';
import { describeMachine, formatMachine, popfwdCommit, today, versions } from './lib/machine.js';
import { BENCH_USER, type BenchMailbox, startBenchMailbox } from './lib/mailbox.js';
import { bundleScript, measure } from './lib/processes.js';
import { table, writeSection } from './lib/report.js';
import { BENCHMARKS_MD, PROJECT_DIR, RTT_MS, setting, step, WORK_DIR } from './lib/setup.js';
import { summarize } from './lib/stats.js';
import { ensureTools } from './lib/tools.js';

const FIXTURE = 'test/fixtures/infra/alice.config.yaml';
const GOALS = { bundleMb: 1.5, initMs: 250, monthlyUsd: 0.1 } as const;
const MEMORY_MB = 512;
const AWS_LATENCY_MS = 15;
const SEED_MESSAGES = 20;
const NEW_MESSAGES_PER_MONTH = 30 * 30;
const REFRESH_TOKEN_PARAMETER = '/popfwd/bench/refresh-token';

interface InvokeResult {
  readonly init: { bootMs: number; importMs: number; cpuMs: number };
  readonly invocations: Array<{ ms: number; cpuMs: number; logBytes: number; fetched: number }>;
  readonly metrics: string[];
}

interface PollWorld {
  readonly bundle: string;
  readonly s3: Stub;
  readonly ssm: Stub;
  stop(): Promise<void>;
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(2)} MB`;

/** The config a deployed mailbox would have, pointed at the local stand-ins. */
const pollConfig = (pop3Port: number, tokens: TokenEndpoint, authority: string, s3: Stub) => ({
  mailbox: {
    address: BENCH_USER.user,
    pop3: { host: '127.0.0.1', port: pop3Port, security: 'tls' },
    auth: {
      method: 'oauth2',
      clientId: tokens.clientId,
      tenant: tokens.tenant,
      authority,
      refreshToken: { ssm: REFRESH_TOKEN_PARAMETER },
    },
    retention: 'keep',
  },
  store: {
    s3: {
      bucket: 'popfwd-bench',
      prefix: 'alice/',
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      checksums: 'when_required',
    },
  },
});

const startPollWorld = async (outdir: string): Promise<PollWorld> => {
  const stack: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const close of stack.reverse()) await close();
  };
  try {
    const tokens = await startTokenEndpoint({ username: BENCH_USER.user });
    stack.push(() => tokens.close());
    const mailbox: BenchMailbox = await startBenchMailbox({
      count: SEED_MESSAGES,
      big: false,
      oauth2: { introspectionUrl: tokens.introspectionUrl },
    });
    stack.push(() => mailbox.stop());
    const far = async (port: number): Promise<LatencyProxy> => {
      const proxy = await startLatencyProxy({
        targetHost: '127.0.0.1',
        targetPort: port,
        delayMs: RTT_MS / 2,
      });
      stack.push(() => proxy.close());
      return proxy;
    };
    const pop3 = await far(mailbox.dovecot.tlsPort);
    const tokenPort = Number(new URL(tokens.authority).port);
    const authority = `http://127.0.0.1:${(await far(tokenPort)).port}`;
    const s3 = await startS3Stub(AWS_LATENCY_MS);
    stack.push(() => s3.close());
    const ssm = await startSsmStub(
      AWS_LATENCY_MS,
      new Map([[REFRESH_TOKEN_PARAMETER, tokens.issueRefreshToken()]]),
    );
    stack.push(() => ssm.close());
    const { file } = await buildBundle(
      PROJECT_DIR,
      pollConfig(pop3.port, tokens, authority, s3),
      outdir,
    );
    return { bundle: file, s3, ssm, stop };
  } catch (error) {
    await stop();
    throw error;
  }
};

/** A fresh process as a Lambda environment: INIT, then `invocations` polls. */
const invoke = async (
  script: string,
  world: Pick<PollWorld, 'bundle' | 'ssm'>,
  invocations: number,
): Promise<InvokeResult> => {
  const resultPath = join(WORK_DIR, 'invoke-result.json');
  await rm(resultPath, { force: true });
  const run = await measure(
    process.execPath,
    [script, world.bundle, String(invocations), resultPath],
    {
      env: {
        PATH: process.env.PATH,
        // As the Lambda sets it (infra/mail-forwarder.ts) and as its runtime provides.
        NODE_OPTIONS: '--enable-source-maps',
        NODE_EXTRA_CA_CERTS: join(PROJECT_DIR, 'test/fixtures/tls/ca.pem'),
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIDBENCHMARK',
        AWS_SECRET_ACCESS_KEY: 'benchmark',
        AWS_ENDPOINT_URL_SSM: world.ssm.endpoint,
        AWS_LAMBDA_FUNCTION_NAME: 'popfwd-bench',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(MEMORY_MB),
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
    },
  );
  if (run.code !== 0) throw new Error(`the bundled handler failed: ${run.stderr.slice(-3000)}`);
  return JSON.parse(await readFile(resultPath, 'utf8')) as InvokeResult;
};

/** Stretches the CPU part of a local time to Lambda's share of a vCPU at MEMORY_MB. */
const onLambda = (wallMs: number, cpuMs: number): number =>
  wallMs + cpuMs * (LAMBDA_MB_PER_VCPU / MEMORY_MB - 1);

const perPoll = (counts: Record<string, number>, operation: string, polls: number): number =>
  (counts[operation] ?? 0) / polls;

const monitoringFromTemplate = async (
  outdir: string,
): Promise<{ alarmMetrics: number; dashboards: number }> => {
  const template = JSON.parse(await readFile(join(outdir, 'Popfwd.template.json'), 'utf8')) as {
    Resources: Record<string, { Type: string; Properties: { Metrics?: unknown[] } }>;
  };
  const resources = Object.values(template.Resources);
  const alarms = resources.filter((resource) => resource.Type === 'AWS::CloudWatch::Alarm');
  const metricsOf = (alarm: (typeof alarms)[number]): number =>
    alarm.Properties.Metrics?.filter((metric) => 'MetricStat' in (metric as object)).length ?? 1;
  return {
    // A metric-math alarm is billed per metric in its expression.
    alarmMetrics: alarms.reduce((sum, alarm) => sum + Math.max(1, metricsOf(alarm)), 0),
    dashboards: resources.filter((resource) => resource.Type === 'AWS::CloudWatch::Dashboard')
      .length,
  };
};

const main = async (): Promise<void> => {
  ensureTools(['dovecot']);
  const commit = popfwdCommit(PROJECT_DIR);
  const scratch = await mkdtemp(join(tmpdir(), 'popfwd-bench-bundle-'));
  await mkdir(WORK_DIR, { recursive: true });
  try {
    step('synthesizing the CDK app (local esbuild) for the shipped bundle');
    const cdkOut = join(scratch, 'cdk.out');
    const shipped = await synthBundle(PROJECT_DIR, FIXTURE, cdkOut);
    const shippedBytes = (await stat(shipped)).size;
    const mapBytes = (await stat(`${shipped}.map`)).size;
    const zipped = gzipSync(await readFile(shipped), { level: 9 }).length;
    const replica = await buildBundle(
      PROJECT_DIR,
      readDeployConfig(join(PROJECT_DIR, FIXTURE)).document,
      join(scratch, 'replica'),
    );
    if (!(await sameBytes(shipped, replica.file))) {
      throw new Error('bench/lib/lambda-bundle.ts no longer builds what the CDK app ships');
    }
    const shares = bundleShares(replica.metafile, replica.file);
    const monitoring = await monitoringFromTemplate(cdkOut);

    step('starting Dovecot (XOAUTH2), the token endpoint, S3 and SSM stubs');
    const script = await bundleScript(
      join(PROJECT_DIR, 'bench', 'lambda-invoke.ts'),
      join(WORK_DIR, 'bin', 'lambda-invoke.mjs'),
    );
    const world = await startPollWorld(join(scratch, 'poll'));
    const initRuns: InvokeResult['init'][] = [];
    const cold: Array<{ ms: number; cpuMs: number }> = [];
    const warm: Array<{ ms: number; cpuMs: number }> = [];
    const metricNames = new Set<string>();
    let logBytes = 0;
    let seed: Record<string, number>;
    const emptyS3: Record<string, number> = {};
    const emptySsm: Record<string, number> = {};
    let emptyPolls = 0;
    try {
      step(`first poll: archives the ${SEED_MESSAGES} messages (requests per new message)`);
      const first = await invoke(script, world, 1);
      if (first.invocations[0]?.fetched !== SEED_MESSAGES)
        throw new Error('the first poll fetched nothing');
      seed = world.s3.take();
      world.ssm.take();
      const initCount = setting('POPFWD_BENCH_INIT_RUNS', 15);
      const pollCount = setting('POPFWD_BENCH_POLL_RUNS', 7);
      for (let run = 0; run < Math.max(initCount, pollCount); run += 1) {
        const polls = run < pollCount ? 4 : 0;
        const result = await invoke(script, world, polls);
        initRuns.push(result.init);
        for (const name of result.metrics) metricNames.add(name);
        const [first, ...rest] = result.invocations;
        if (first)
          cold.push({
            ms: result.init.importMs + first.ms,
            cpuMs: result.init.cpuMs + first.cpuMs,
          });
        for (const poll of rest) warm.push(poll);
        for (const poll of result.invocations) {
          if (poll.fetched !== 0) throw new Error('an empty poll fetched mail');
          logBytes += poll.logBytes;
        }
        emptyPolls += polls;
        const s3 = world.s3.take();
        const ssm = world.ssm.take();
        for (const [key, value] of Object.entries(s3)) emptyS3[key] = (emptyS3[key] ?? 0) + value;
        for (const [key, value] of Object.entries(ssm))
          emptySsm[key] = (emptySsm[key] ?? 0) + value;
      }
    } finally {
      await world.stop();
    }

    const importTimes = summarize(initRuns.map((run) => run.importMs));
    const bootTimes = summarize(initRuns.map((run) => run.bootMs));
    const warmMs = summarize(warm.map((poll) => poll.ms));
    const warmCpu = summarize(warm.map((poll) => poll.cpuMs));
    const coldMs = summarize(cold.map((poll) => poll.ms));
    const coldCpu = summarize(cold.map((poll) => poll.cpuMs));
    const warmLambda = onLambda(warmMs.median, warmCpu.median);
    const coldLambda = onLambda(coldMs.median, coldCpu.median);
    const seedMessages = SEED_MESSAGES;
    const inputs = {
      memoryMb: MEMORY_MB,
      warmPollMs: warmLambda,
      coldPollMs: coldLambda,
      s3GetsPerPoll: perPoll(emptyS3, 'GetObject', emptyPolls),
      s3PutsPerPoll: perPoll(emptyS3, 'PutObject', emptyPolls),
      ssmGetsPerPoll: perPoll(emptySsm, 'GetParameter', emptyPolls),
      ssmPutsPerPoll: perPoll(emptySsm, 'PutParameter', emptyPolls),
      logBytesPerPoll: logBytes / emptyPolls,
      customMetrics: metricNames.size,
      alarmMetrics: monitoring.alarmMetrics,
      dashboards: monitoring.dashboards,
      newMessagesPerMonth: NEW_MESSAGES_PER_MONTH,
      putsPerMessage: (seed.PutObject ?? 0) / seedMessages,
      getsPerMessage: (seed.GetObject ?? 0) / seedMessages,
      bytesPerMessage: 60_000,
    };
    const warmLines = monthlyCost(inputs, 0);
    const coldLines = monthlyCost(inputs, 1);
    const polling = (lines: typeof warmLines, pick: 'usd' | 'usdAfterFreeTier') =>
      total(lines.slice(0, POLLING_LINES), pick);

    const report = [
      '## The Lambda: bundle, cold init, empty poll, monthly cost (`npm run bench:bundle`)',
      '',
      `Measured ${today()} on ${formatMachine(describeMachine())}, Node ${versions.node()} ` +
        `(the Lambda runs Node 24 on arm64), popfwd ${commit}.`,
      '',
      '### Bundle size',
      '',
      `The CDK app (infra/, config ${FIXTURE}) synthesized with local esbuild: index.mjs ` +
        `**${mb(shippedBytes)}** minified (${mb(zipped)} gzipped; source map ${mb(mapBytes)} ` +
        `beside it). Goal ≤ ${GOALS.bundleMb} MB: ` +
        `${shippedBytes / 1e6 <= GOALS.bundleMb ? 'met' : '**missed**'}. Largest parts ` +
        '(esbuild metafile, bytes in the minified output; "copies" > 1 means the package is in the ' +
        'bundle more than once):',
      '',
      table(
        ['package or folder', 'bytes in bundle', 'copies'],
        shares
          .slice(0, 16)
          .map((share) => [
            share.name,
            share.bytes.toLocaleString('en-US'),
            share.copies.length > 1 ? `${share.copies.length}: ${share.copies.join(', ')}` : '1',
          ]),
      ),
      '',
      '### Cold init',
      '',
      `${initRuns.length} fresh \`node\` processes (NODE_OPTIONS=--enable-source-maps, as the ` +
        'function sets it) each import the bundle (config embedded, Powertools logger and ' +
        `metrics, S3 and SSM clients built): median **${importTimes.median.toFixed(0)} ms** ` +
        `(${importTimes.min.toFixed(0)}–${importTimes.max.toFixed(0)}); Node itself started in ` +
        `${bootTimes.median.toFixed(0)} ms before that. Goal ≤ ${GOALS.initMs} ms: ` +
        `${importTimes.median <= GOALS.initMs ? 'met' : '**missed**'}.`,
      '',
      '### Empty poll',
      '',
      `OAuth2 mailbox, ${SEED_MESSAGES} messages kept on the server (retention keep), nothing new. ` +
        `Per poll the engine made ${inputs.s3GetsPerPoll} S3 GET and ${inputs.s3PutsPerPoll} PUT, ` +
        `${inputs.ssmGetsPerPoll} SSM GetParameter and ${inputs.ssmPutsPerPoll} PutParameter ` +
        '(the rotated refresh token is written back every poll), one token refresh and one POP3 ' +
        `session, and logged ${Math.round(inputs.logBytesPerPoll)} bytes (plus Lambda's own ` +
        `~400). Warm poll: ${warmMs.median.toFixed(0)} ms wall (${warmMs.min.toFixed(0)}–` +
        `${warmMs.max.toFixed(0)}), ${warmCpu.median.toFixed(0)} ms CPU; a new environment ` +
        `(import + first poll): ${coldMs.median.toFixed(0)} ms, ${coldCpu.median.toFixed(0)} ms ` +
        `CPU. At ${MEMORY_MB} MB Lambda gives ${(MEMORY_MB / LAMBDA_MB_PER_VCPU).toFixed(2)} of a ` +
        `vCPU, so the CPU part is stretched: billed ≈ wall + CPU × ` +
        `${(LAMBDA_MB_PER_VCPU / MEMORY_MB - 1).toFixed(2)} → **${warmLambda.toFixed(0)} ms ` +
        `warm, ${coldLambda.toFixed(0)} ms cold** (INIT is billed since August 2025). Network ` +
        `assumed: Outlook's POP3 and token endpoint ${RTT_MS} ms away, S3 and SSM ` +
        `${AWS_LATENCY_MS} ms per request. A new message costs ` +
        `${inputs.putsPerMessage.toFixed(2)} PUT and ${inputs.getsPerMessage.toFixed(2)} GET ` +
        `(measured over the first poll's ${SEED_MESSAGES} messages).`,
      '',
      '### Monthly cost, one mailbox, every 5 minutes',
      '',
      `${POLLS_PER_MONTH.toLocaleString('en-US')} polls (730 h), ${MEMORY_MB} MB arm64, ` +
        `${NEW_MESSAGES_PER_MONTH} new messages of ~60 KB a month. Prices: ${PRICES.asOf}. ` +
        `"After free tier" applies the always-free allowances (Lambda ` +
        `${FREE_TIERS.lambdaRequests.toLocaleString('en-US')} requests and ` +
        `${FREE_TIERS.lambdaGbSeconds.toLocaleString('en-US')} GB-s, KMS ` +
        `${FREE_TIERS.kmsRequests.toLocaleString('en-US')} requests, CloudWatch ` +
        `${FREE_TIERS.customMetrics} metrics / ${FREE_TIERS.alarmMetrics} alarms / ` +
        `${FREE_TIERS.dashboards} dashboards / ${FREE_TIERS.logsGb} GB logs, Scheduler 14M) as if ` +
        'this mailbox were their only user. Every poll warm:',
      '',
      renderCostTable(warmLines),
      '',
      table(
        ['total per month', 'list price', 'after free tier'],
        [
          [
            'polling (Lambda, S3, SSM/KMS, logs, Scheduler), every poll warm',
            formatUsd(polling(warmLines, 'usd')),
            formatUsd(polling(warmLines, 'usdAfterFreeTier')),
          ],
          [
            'polling, every poll a cold start (upper bound)',
            formatUsd(polling(coldLines, 'usd')),
            formatUsd(polling(coldLines, 'usdAfterFreeTier')),
          ],
          [
            'monitoring (custom metrics, alarms, dashboard)',
            formatUsd(total(warmLines.slice(POLLING_LINES), 'usd')),
            formatUsd(total(warmLines.slice(POLLING_LINES), 'usdAfterFreeTier')),
          ],
          [
            '**everything, cold upper bound**',
            formatUsd(total(coldLines, 'usd')),
            formatUsd(total(coldLines, 'usdAfterFreeTier')),
          ],
        ],
      ),
      '',
      `Goal < $${GOALS.monthlyUsd.toFixed(2)}: the polling itself costs ` +
        `${formatUsd(polling(warmLines, 'usd'))}–${formatUsd(polling(coldLines, 'usd'))} at list ` +
        `prices (${polling(warmLines, 'usd') < GOALS.monthlyUsd ? 'met' : '**missed**'}) and ` +
        `${formatUsd(polling(coldLines, 'usdAfterFreeTier'))} inside the always-free tier ` +
        `(${polling(coldLines, 'usdAfterFreeTier') < GOALS.monthlyUsd ? 'met' : '**missed**'}); ` +
        `the monitoring adds ${formatUsd(total(warmLines.slice(POLLING_LINES), 'usd'))} at list ` +
        `prices (${metricNames.size} custom metrics, ${monitoring.alarmMetrics} alarm metrics, ` +
        `${monitoring.dashboards} dashboard) unless the account's free CloudWatch allowance covers ` +
        `it. ${
          inputs.ssmGetsPerPoll < 1
            ? 'The refresh token was read from SSM once per environment (the secret store cached ' +
              'it), so GetParameter counts depend on how long environments live.'
            : 'The refresh token is read from SSM on every poll.'
        }`,
    ].join('\n');
    await writeSection(BENCHMARKS_MD, 'bundle', report);
    process.stdout.write(`${report}\n`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
};

await main();
