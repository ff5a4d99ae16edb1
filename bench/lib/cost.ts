/**
 * The monthly AWS cost of one mailbox polled every 5 minutes, as plain arithmetic over measured
 * inputs. Pure: bench/bundle.ts measures, this prices and explains.
 */

/** us-east-1 list prices assumed (USD). */
export const PRICES = {
  asOf: '2026-11-26 (AWS us-east-1 list prices; check aws.amazon.com/pricing before relying on them)',
  lambdaPerMillionRequests: 0.2,
  /** arm64. */
  lambdaPerGbSecond: 0.0000133334,
  s3GetPer1000: 0.0004,
  s3PutPer1000: 0.005,
  s3StandardPerGbMonth: 0.023,
  /** Standard parameters, standard throughput: API calls cost nothing; SecureStrings use KMS. */
  ssmPerCall: 0,
  kmsPer10000Requests: 0.03,
  logsIngestionPerGb: 0.5,
  logsStoragePerGbMonth: 0.03,
  customMetricPerMonth: 0.3,
  alarmMetricPerMonth: 0.1,
  dashboardPerMonth: 3,
  schedulerPerMillion: 1,
} as const;

/** The always-free tiers that apply to this stack (per account, not per mailbox). */
export const FREE_TIERS = {
  lambdaRequests: 1_000_000,
  lambdaGbSeconds: 400_000,
  kmsRequests: 20_000,
  logsGb: 5,
  customMetrics: 10,
  alarmMetrics: 10,
  dashboards: 3,
  schedulerInvocations: 14_000_000,
} as const;

/** 730 hours, the month AWS prices use. */
export const POLLS_PER_MONTH = (730 * 60) / 5;

/** Lambda CPU is proportional to memory: 1,769 MB is one vCPU. */
export const LAMBDA_MB_PER_VCPU = 1769;

/** Lambda's START, END and REPORT lines of one invocation, bytes. */
export const PLATFORM_LOG_BYTES = 400;

export interface CostInputs {
  readonly memoryMb: number;
  /** Billed duration of one empty poll in a warm environment, ms. */
  readonly warmPollMs: number;
  /** INIT plus the first poll of a new environment, ms. */
  readonly coldPollMs: number;
  readonly s3GetsPerPoll: number;
  readonly s3PutsPerPoll: number;
  readonly ssmGetsPerPoll: number;
  readonly ssmPutsPerPoll: number;
  readonly logBytesPerPoll: number;
  /** Custom metrics every poll emits (billed every hour). */
  readonly alwaysMetrics: number;
  /** Counters emitted only by polls that found mail (billed for the hours with mail). */
  readonly mailMetrics: number;
  readonly alarmMetrics: number;
  readonly dashboards: number;
  /** New messages a month, and the requests one costs (S3 PUTs and GETs). */
  readonly newMessagesPerMonth: number;
  readonly putsPerMessage: number;
  readonly getsPerMessage: number;
  readonly bytesPerMessage: number;
}

export interface CostLine {
  readonly item: string;
  readonly arithmetic: string;
  readonly usd: number;
  /** After the account's always-free tier, if this mailbox were the only user of it. */
  readonly usdAfterFreeTier: number;
}

const usd = (value: number): string => `$${value < 0.01 ? value.toFixed(5) : value.toFixed(4)}`;
const count = (value: number): string => Math.round(value).toLocaleString('en-US');
const afterFree = (used: number, free: number, price: (units: number) => number): number =>
  price(Math.max(0, used - free));

/** Every line of the monthly bill; `coldShare` is the share of polls that start a new environment. */
export const monthlyCost = (inputs: CostInputs, coldShare: number): CostLine[] => {
  const polls = POLLS_PER_MONTH;
  const gb = inputs.memoryMb / 1024;
  const pollMs = coldShare * inputs.coldPollMs + (1 - coldShare) * inputs.warmPollMs;
  const gbSeconds = polls * gb * (pollMs / 1000);
  const kmsRequests = polls * (inputs.ssmGetsPerPoll + inputs.ssmPutsPerPoll);
  const logGb = (polls * (inputs.logBytesPerPoll + PLATFORM_LOG_BYTES)) / 1e9;
  const gets = polls * inputs.s3GetsPerPoll;
  const puts = polls * inputs.s3PutsPerPoll;
  const messagePuts = inputs.newMessagesPerMonth * inputs.putsPerMessage;
  const messageGets = inputs.newMessagesPerMonth * inputs.getsPerMessage;
  const lambdaRequests = (n: number) => (n / 1e6) * PRICES.lambdaPerMillionRequests;
  const lambdaDuration = (n: number) => n * PRICES.lambdaPerGbSecond;
  const kms = (n: number) => (n / 10_000) * PRICES.kmsPer10000Requests;
  const logs = (n: number) => n * PRICES.logsIngestionPerGb;
  const scheduler = (n: number) => (n / 1e6) * PRICES.schedulerPerMillion;
  const metrics = (n: number) => n * PRICES.customMetricPerMonth;
  // CloudWatch bills a custom metric for the hours it receives data; with new mail spread over the
  // month, an hour has mail with probability 1 − e^(−messages per hour).
  const mailHourShare = 1 - Math.exp(-inputs.newMessagesPerMonth / 730);
  const metricMonths = inputs.alwaysMetrics + inputs.mailMetrics * mailHourShare;
  const alarms = (n: number) => n * PRICES.alarmMetricPerMonth;
  const dashboards = (n: number) => n * PRICES.dashboardPerMonth;
  const s3 = (getCount: number, putCount: number) =>
    (getCount / 1000) * PRICES.s3GetPer1000 + (putCount / 1000) * PRICES.s3PutPer1000;
  const line = (item: string, arithmetic: string, cost: number, free: number): CostLine => ({
    item,
    arithmetic,
    usd: cost,
    usdAfterFreeTier: free,
  });
  return [
    line(
      'Lambda requests',
      `${count(polls)} polls × $${PRICES.lambdaPerMillionRequests}/1M`,
      lambdaRequests(polls),
      afterFree(polls, FREE_TIERS.lambdaRequests, lambdaRequests),
    ),
    line(
      'Lambda duration (arm64)',
      `${count(polls)} × ${pollMs.toFixed(0)} ms × ${gb} GB = ${count(gbSeconds)} GB-s × $${PRICES.lambdaPerGbSecond}`,
      lambdaDuration(gbSeconds),
      afterFree(gbSeconds, FREE_TIERS.lambdaGbSeconds, lambdaDuration),
    ),
    line(
      'S3 requests, empty polls',
      `${count(gets)} GET × $${PRICES.s3GetPer1000}/1k + ${count(puts)} PUT`,
      s3(gets, puts),
      s3(gets, puts),
    ),
    line(
      `S3 requests, ${count(inputs.newMessagesPerMonth)} new messages`,
      `${count(messagePuts)} PUT × $${PRICES.s3PutPer1000}/1k + ${count(messageGets)} GET`,
      s3(messageGets, messagePuts),
      s3(messageGets, messagePuts),
    ),
    line(
      'S3 storage of that month’s mail',
      `${((inputs.newMessagesPerMonth * inputs.bytesPerMessage) / 1e9).toFixed(3)} GB × $${PRICES.s3StandardPerGbMonth} (grows by this every month kept)`,
      ((inputs.newMessagesPerMonth * inputs.bytesPerMessage) / 1e9) * PRICES.s3StandardPerGbMonth,
      ((inputs.newMessagesPerMonth * inputs.bytesPerMessage) / 1e9) * PRICES.s3StandardPerGbMonth,
    ),
    line(
      'SSM Parameter Store API',
      `${count(polls * inputs.ssmGetsPerPoll)} GetParameter + ${count(polls * inputs.ssmPutsPerPoll)} PutParameter, standard tier: $0`,
      0,
      0,
    ),
    line(
      'KMS (aws/ssm key) for the SecureString',
      `${count(kmsRequests)} Decrypt/Encrypt × $${PRICES.kmsPer10000Requests}/10k`,
      kms(kmsRequests),
      afterFree(kmsRequests, FREE_TIERS.kmsRequests, kms),
    ),
    line(
      'CloudWatch Logs',
      `${count(polls)} × ${count(inputs.logBytesPerPoll + PLATFORM_LOG_BYTES)} B = ${logGb.toFixed(4)} GB × $${PRICES.logsIngestionPerGb} (+ storage ≈ $0)`,
      logs(logGb),
      afterFree(logGb, FREE_TIERS.logsGb, logs),
    ),
    line(
      'EventBridge Scheduler',
      `${count(polls)} invocations × $${PRICES.schedulerPerMillion}/1M`,
      scheduler(polls),
      afterFree(polls, FREE_TIERS.schedulerInvocations, scheduler),
    ),
    line(
      'CloudWatch custom metrics (EMF)',
      `(${inputs.alwaysMetrics} every hour + ${inputs.mailMetrics} in the ` +
        `${Math.round(mailHourShare * 100)} % of hours with mail) × $${PRICES.customMetricPerMonth}`,
      metrics(metricMonths),
      afterFree(metricMonths, FREE_TIERS.customMetrics, metrics),
    ),
    line(
      'CloudWatch alarms',
      `${inputs.alarmMetrics} alarm metrics × $${PRICES.alarmMetricPerMonth}`,
      alarms(inputs.alarmMetrics),
      afterFree(inputs.alarmMetrics, FREE_TIERS.alarmMetrics, alarms),
    ),
    line(
      'CloudWatch dashboard',
      `${inputs.dashboards} × $${PRICES.dashboardPerMonth}`,
      dashboards(inputs.dashboards),
      afterFree(inputs.dashboards, FREE_TIERS.dashboards, dashboards),
    ),
  ];
};

/** Lines that exist because of polling (they scale with polls and mail), not the fixed monitoring. */
export const POLLING_LINES = 9;

export const total = (lines: readonly CostLine[], pick: 'usd' | 'usdAfterFreeTier'): number =>
  lines.reduce((sum, line) => sum + line[pick], 0);

export const renderCostTable = (lines: readonly CostLine[]): string =>
  [
    '| item | arithmetic | list price | after free tier |',
    '|---|---|---|---|',
    ...lines.map(
      (line) =>
        `| ${line.item} | ${line.arithmetic} | ${usd(line.usd)} | ${usd(line.usdAfterFreeTier)} |`,
    ),
  ].join('\n');

export const formatUsd = usd;
