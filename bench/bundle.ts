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
 * (default 7) environments of 1 cold + 3 warm polls whose access token lasts (the cached polls),
 * and as many whose token expires before the next poll (every poll refreshes): a warm container
 * refreshes once per token lifetime, so the month is a mix of both (STEADY_STATE).
 */
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readDeployConfig } from '../infra/deploy-config.js';
import { LAMBDA_NODE_OPTIONS } from '../infra/mail-forwarder.js';
import { startTokenEndpoint, type TokenEndpoint } from '../test/helpers/oauth2/token-endpoint.js';
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

/**
 * A warm container refreshes when its access token would not last the next run: Microsoft's
 * tokens live 60–90 minutes (the shorter assumed), the provider keeps a 2-minute margin, and a run
 * may take the function's timeout less 15 s (285 s). So one poll in POLLS_PER_TOKEN refreshes.
 */
const STEADY_STATE = { tokenLifetimeS: 3600, marginS: 120, runBudgetS: 285, pollEveryS: 300 };
const POLLS_PER_TOKEN =
  Math.floor(
    (STEADY_STATE.tokenLifetimeS - STEADY_STATE.marginS - STEADY_STATE.runBudgetS) /
      STEADY_STATE.pollEveryS,
  ) + 1;
/** Issued in the refreshing phase: expires before the next poll could reuse it. */
const SHORT_TOKEN_LIFETIME_S = 300;

interface InvokeResult {
  readonly init: { bootMs: number; importMs: number; cpuMs: number };
  readonly invocations: Array<{ ms: number; cpuMs: number; logBytes: number; fetched: number }>;
  readonly metrics: string[];
}

interface PollWorld {
  readonly bundle: string;
  readonly tokens: TokenEndpoint;
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
    return { bundle: file, tokens, s3, ssm, stop };
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
        NODE_OPTIONS: LAMBDA_NODE_OPTIONS,
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
    /** Metrics the empty polls emit, and those only a poll with new mail adds. */
    const metricNames = new Set<string>();
    const mailMetricNames = new Set<string>();
    let seed: Record<string, number>;
    /** Warm polls by kind: with the cached access token, and refreshing it. */
    const phases = {
      cached: { polls: [] as InvokeResult['invocations'], s3: {} as Record<string, number> },
      refreshing: {
        polls: [] as InvokeResult['invocations'],
        s3: {} as Record<string, number>,
        ssm: {} as Record<string, number>,
        tokenRequests: 0,
      },
    };
    let coldLogBytes = 0;
    const tokenRequests = () =>
      world.tokens.requests.filter((request) => request.path.endsWith('/token')).length;
    const add = (into: Record<string, number>, counts: Record<string, number>) => {
      for (const [key, value] of Object.entries(counts)) into[key] = (into[key] ?? 0) + value;
    };
    const cachedSsm: Record<string, number> = {};
    let cachedTokenRequests = 0;
    try {
      step(`first poll: archives the ${SEED_MESSAGES} messages (requests per new message)`);
      const first = await invoke(script, world, 1);
      for (const name of first.metrics) mailMetricNames.add(name);
      if (first.invocations[0]?.fetched !== SEED_MESSAGES)
        throw new Error('the first poll fetched nothing');
      seed = world.s3.take();
      world.ssm.take();
      const initCount = setting('POPFWD_BENCH_INIT_RUNS', 15);
      const pollCount = setting('POPFWD_BENCH_POLL_RUNS', 7);
      for (const phase of ['cached', 'refreshing'] as const) {
        world.tokens.accessTokenLifetime = phase === 'cached' ? 3599 : SHORT_TOKEN_LIFETIME_S;
        const runs = phase === 'cached' ? Math.max(initCount, pollCount) : pollCount;
        for (let run = 0; run < runs; run += 1) {
          const polls = run < pollCount ? 4 : 0;
          const tokensBefore = tokenRequests();
          const result = await invoke(script, world, polls);
          initRuns.push(result.init);
          for (const name of result.metrics) metricNames.add(name);
          const [coldPoll, ...rest] = result.invocations;
          if (coldPoll) {
            cold.push({
              ms: result.init.importMs + coldPoll.ms,
              cpuMs: result.init.cpuMs + coldPoll.cpuMs,
            });
            coldLogBytes += coldPoll.logBytes;
          }
          for (const poll of result.invocations) {
            if (poll.fetched !== 0) throw new Error('an empty poll fetched mail');
          }
          phases[phase].polls.push(...rest);
          // The cold poll of every environment refreshes; the SSM and token requests of the
          // warm ones are what is left after one refreshing poll's share.
          const ssm = world.ssm.take();
          const s3 = world.s3.take();
          add(phases[phase].s3, s3);
          if (phase === 'cached') {
            add(cachedSsm, ssm);
            cachedTokenRequests += tokenRequests() - tokensBefore;
          } else {
            add(phases.refreshing.ssm, ssm);
            phases.refreshing.tokenRequests += tokenRequests() - tokensBefore;
          }
        }
      }
    } finally {
      await world.stop();
    }
    // Every poll of the refreshing phase refreshed; in the cached phase only each environment's
    // first (cold) poll did, so the warm polls' share is what is left after those.
    const environments = setting('POPFWD_BENCH_POLL_RUNS', 7);
    const refreshing = {
      get: (phases.refreshing.ssm.GetParameter ?? 0) / (4 * environments),
      put: (phases.refreshing.ssm.PutParameter ?? 0) / (4 * environments),
      tokens: phases.refreshing.tokenRequests / (4 * environments),
    };
    const cachedPolls = phases.cached.polls.length;
    const cached = {
      get: ((cachedSsm.GetParameter ?? 0) - environments * refreshing.get) / cachedPolls,
      put: ((cachedSsm.PutParameter ?? 0) - environments * refreshing.put) / cachedPolls,
      tokens: (cachedTokenRequests - environments * refreshing.tokens) / cachedPolls,
    };

    const importTimes = summarize(initRuns.map((run) => run.importMs));
    const bootTimes = summarize(initRuns.map((run) => run.bootMs));
    const timing = (polls: ReadonlyArray<{ ms: number; cpuMs: number }>) => {
      const ms = summarize(polls.map((poll) => poll.ms));
      const cpu = summarize(polls.map((poll) => poll.cpuMs));
      return { ms, cpu, billed: onLambda(ms.median, cpu.median) };
    };
    const cachedTime = timing(phases.cached.polls);
    const refreshingTime = timing(phases.refreshing.polls);
    const coldTime = timing(cold);
    const mean = (values: readonly number[]) =>
      values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
    const cachedLog = mean(phases.cached.polls.map((poll) => poll.logBytes));
    const refreshingLog = mean(phases.refreshing.polls.map((poll) => poll.logBytes));
    const share = 1 / POLLS_PER_TOKEN;
    const blend = (ofRefreshing: number, ofCached: number) =>
      share * ofRefreshing + (1 - share) * ofCached;
    const s3Polls = 8 * environments;
    const s3Count = (operation: string) =>
      ((phases.cached.s3[operation] ?? 0) + (phases.refreshing.s3[operation] ?? 0)) / s3Polls;
    const seedMessages = SEED_MESSAGES;
    const inputs = {
      memoryMb: MEMORY_MB,
      warmPollMs: blend(refreshingTime.billed, cachedTime.billed),
      coldPollMs: coldTime.billed,
      s3GetsPerPoll: s3Count('GetObject'),
      s3PutsPerPoll: s3Count('PutObject'),
      ssmGetsPerPoll: blend(refreshing.get, cached.get),
      ssmPutsPerPoll: blend(refreshing.put, cached.put),
      logBytesPerPoll: blend(refreshingLog, cachedLog),
      alwaysMetrics: metricNames.size,
      mailMetrics: [...mailMetricNames].filter((name) => !metricNames.has(name)).length,
      alarmMetrics: monitoring.alarmMetrics,
      dashboards: monitoring.dashboards,
      newMessagesPerMonth: NEW_MESSAGES_PER_MONTH,
      putsPerMessage: (seed.PutObject ?? 0) / seedMessages,
      getsPerMessage: (seed.GetObject ?? 0) / seedMessages,
      bytesPerMessage: 60_000,
    };
    // Every poll a new environment: each one refreshes and logs as a cold poll does.
    const coldInputs = {
      ...inputs,
      ssmGetsPerPoll: refreshing.get,
      ssmPutsPerPoll: refreshing.put,
      logBytesPerPoll: coldLogBytes / cold.length,
    };
    const warmLines = monthlyCost(inputs, 0);
    const coldLines = monthlyCost(coldInputs, 1);
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
      `${initRuns.length} fresh \`node\` processes (NODE_OPTIONS=${LAMBDA_NODE_OPTIONS}, as the ` +
        'function sets it) each import the bundle (config embedded, Powertools logger and ' +
        `metrics, S3 and SSM clients built): median **${importTimes.median.toFixed(0)} ms** ` +
        `(${importTimes.min.toFixed(0)}–${importTimes.max.toFixed(0)}); Node itself started in ` +
        `${bootTimes.median.toFixed(0)} ms before that. Goal ≤ ${GOALS.initMs} ms: ` +
        `${importTimes.median <= GOALS.initMs ? 'met' : '**missed**'}.`,
      '',
      '### Empty poll',
      '',
      `OAuth2 mailbox, ${SEED_MESSAGES} messages kept on the server (retention keep), nothing new. ` +
        `Every empty poll made ${inputs.s3GetsPerPoll} S3 GET and ${inputs.s3PutsPerPoll} PUT ` +
        'and one POP3 session. A poll that refreshes the access token (the first of every ' +
        'environment, then one whenever the kept token would not last the run) made ' +
        `${refreshing.get.toFixed(2)} SSM GetParameter, ${refreshing.put.toFixed(2)} PutParameter ` +
        `and ${refreshing.tokens.toFixed(2)} token request and logged ` +
        `${Math.round(refreshingLog)} bytes; a warm poll with the kept token made ` +
        `${cached.get.toFixed(2)} GetParameter, ${cached.put.toFixed(2)} PutParameter and ` +
        `${cached.tokens.toFixed(2)} token requests and logged ${Math.round(cachedLog)} bytes ` +
        "(plus Lambda's own ~400 each). Warm poll with the kept token: " +
        `${cachedTime.ms.median.toFixed(0)} ms wall (${cachedTime.ms.min.toFixed(0)}–` +
        `${cachedTime.ms.max.toFixed(0)}), ${cachedTime.cpu.median.toFixed(0)} ms CPU; warm poll ` +
        `that refreshes: ${refreshingTime.ms.median.toFixed(0)} ms ` +
        `(${refreshingTime.ms.min.toFixed(0)}–${refreshingTime.ms.max.toFixed(0)}), ` +
        `${refreshingTime.cpu.median.toFixed(0)} ms CPU; a new environment (import + first poll): ` +
        `${coldTime.ms.median.toFixed(0)} ms, ${coldTime.cpu.median.toFixed(0)} ms CPU. At ` +
        `${MEMORY_MB} MB Lambda gives ${(MEMORY_MB / LAMBDA_MB_PER_VCPU).toFixed(2)} of a vCPU, ` +
        'so the CPU part is stretched: billed ≈ wall + CPU × ' +
        `${(LAMBDA_MB_PER_VCPU / MEMORY_MB - 1).toFixed(2)} → **${cachedTime.billed.toFixed(0)} ms ` +
        `kept token, ${refreshingTime.billed.toFixed(0)} ms refreshing, ` +
        `${coldTime.billed.toFixed(0)} ms cold** (INIT is billed since August 2025). A warm ` +
        `container refreshes one poll in ${POLLS_PER_TOKEN}: Microsoft's access tokens live 60–90 ` +
        `minutes (60 assumed), and a kept token is used only while it lasts the run ` +
        `(${STEADY_STATE.runBudgetS} s) plus ${STEADY_STATE.marginS} s, so ` +
        `${POLLS_PER_TOKEN} polls 5 minutes apart share one; a warm month is ` +
        `1/${POLLS_PER_TOKEN} refreshing polls and ${POLLS_PER_TOKEN - 1}/${POLLS_PER_TOKEN} with ` +
        `the kept token: ${inputs.warmPollMs.toFixed(0)} ms, ` +
        `${(inputs.ssmGetsPerPoll + inputs.ssmPutsPerPoll).toFixed(3)} SSM requests (each one a ` +
        `KMS request) and ${Math.round(inputs.logBytesPerPoll)} log bytes per poll on average. ` +
        `Network assumed: Outlook's POP3 and token endpoint ${RTT_MS} ms away, S3 and SSM ` +
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
        `this mailbox were their only user. Every poll warm (1 in ${POLLS_PER_TOKEN} refreshing):`,
      '',
      renderCostTable(warmLines),
      '',
      table(
        ['total per month', 'list price', 'after free tier'],
        [
          [
            `polling (Lambda, S3, SSM/KMS, logs, Scheduler), every poll warm (1 in ${POLLS_PER_TOKEN} refreshing)`,
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
        `prices (custom metrics, ${monitoring.alarmMetrics} alarm metrics, ` +
        `${monitoring.dashboards} dashboard) unless the account's free CloudWatch allowance covers ` +
        'it. Counters are emitted only when not zero, so an empty poll sends ' +
        `${metricNames.size} metrics (${[...metricNames].map((name) => name.replace(/^popfwd\/|\[.*$/g, '')).join(', ')}); ` +
        'a poll that sends forwards or replies adds their counters for that hour. ' +
        '`-c popfwd:dashboard=false` leaves the dashboard out.',
    ].join('\n');
    await writeSection(BENCHMARKS_MD, 'bundle', report);
    process.stdout.write(`${report}\n`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
};

await main();
