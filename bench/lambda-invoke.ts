/**
 * A Lambda execution environment in miniature, for `npm run bench:bundle`: a fresh `node` process
 * imports the bundled handler (the INIT phase) and invokes it a few times with a fake context
 * (cold, then warm invocations), as the Lambda runtime would. Writes one JSON result to RESULT:
 *   node lambda-invoke.mjs BUNDLE INVOCATIONS RESULT
 * Times: performance.now() counts from the start of this process; CPU from process.cpuUsage().
 * Bytes written to stdout (Powertools logs and EMF metrics) are counted per invocation, since
 * CloudWatch Logs bills by the byte.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [bundle, invocationsArg, resultPath] = process.argv.slice(2);
if (!bundle || !invocationsArg || !resultPath) {
  process.stderr.write('usage: lambda-invoke BUNDLE INVOCATIONS RESULT\n');
  process.exit(2);
}

let stdoutBytes = 0;
/** Every CloudWatch metric the EMF lines define: namespace, name and dimension names. */
const metrics = new Set<string>();
interface Emf {
  _aws?: {
    CloudWatchMetrics?: Array<{
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string }[];
    }>;
  };
}
const noteMetrics = (text: string): void => {
  for (const line of text.split('\n')) {
    if (!line.includes('"_aws"')) continue;
    const emf = JSON.parse(line) as Emf;
    for (const group of emf._aws?.CloudWatchMetrics ?? []) {
      for (const dimensions of group.Dimensions) {
        for (const metric of group.Metrics) {
          metrics.add(`${group.Namespace}/${metric.Name}[${dimensions.join(',')}]`);
        }
      }
    }
  }
};
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  stdoutBytes += Buffer.byteLength(text);
  noteMetrics(text);
  return write(chunk, ...rest);
}) as typeof process.stdout.write;

const cpuMs = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

const TIMEOUT_MS = 300_000;
const context = (started: number) => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'popfwd-bench',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:popfwd-bench',
  memoryLimitInMB: '512',
  awsRequestId: `bench-${Math.round(started)}`,
  logGroupName: '/aws/lambda/popfwd-bench',
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => TIMEOUT_MS - (performance.now() - started),
  done: () => {},
  fail: () => {},
  succeed: () => {},
});

type Handler = (event: unknown, context: unknown) => Promise<Record<string, unknown>>;

const bootMs = performance.now();
const initCpu = process.cpuUsage();
const { handler } = (await import(pathToFileURL(bundle).href)) as { handler: Handler };
const init = { bootMs, importMs: performance.now() - bootMs, cpuMs: cpuMs(initCpu) };

const invocations: Array<{ ms: number; cpuMs: number; logBytes: number; fetched: unknown }> = [];
for (let index = 0; index < Number(invocationsArg); index += 1) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  stdoutBytes = 0;
  const summary = await handler({}, context(started));
  invocations.push({
    ms: performance.now() - started,
    cpuMs: cpuMs(cpu),
    logBytes: stdoutBytes,
    fetched: summary.fetched,
  });
}
writeFileSync(resultPath, JSON.stringify({ init, invocations, metrics: [...metrics] }));
// Keep-alive sockets of the SDK clients would hold the process open, as a frozen sandbox would.
process.exit(0);
