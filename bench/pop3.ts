/**
 * `npm run bench:pop3` (issue 2): the POP3 client alone (lambda/pop3, bundled into
 * bench/pop3-reader.ts) reading the whole mailbox over TLS into a discarding sink, beside mpop
 * delivering to /dev/null, on loopback and with 50 ms round trips; runs alternate.
 * Writes the "pop3" section of BENCHMARKS.md. POPFWD_BENCH_REPS (default 7), POPFWD_BENCH_COUNT.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LAMBDA_NODE_OPTIONS } from '../infra/mail-forwarder.js';
import {
  describeMachine,
  formatMachine,
  loadAverage,
  popfwdCommit,
  today,
  versions,
} from './lib/machine.js';
import { runMpop } from './lib/peers.js';
import { bundleScript, type Measured, measure } from './lib/processes.js';
import { table, writeSection } from './lib/report.js';
import {
  BENCHMARKS_MD,
  type BenchEnvironment,
  type Latency,
  PROJECT_DIR,
  setting,
  setUpEnvironment,
  step,
  WORK_DIR,
} from './lib/setup.js';
import { formatRate, formatRatio, formatRss, formatSeconds, summarize } from './lib/stats.js';

const CLIENT = 'popfwd POP3 client';
/** The client as the Lambda runs it: with the function's Node options (a small young generation). */
const CLIENT_LAMBDA = 'popfwd POP3 client, Lambda node options';
const TOOLS = [CLIENT, CLIENT_LAMBDA, 'mpop'] as const;
type Tool = (typeof TOOLS)[number];

const GOALS = { mpopRatio: 1.0, peakRssMb: 100 } as const;

interface Sample extends Measured {
  readonly tool: Tool;
  readonly rttMs: number;
}

const readAll = async (
  reader: string,
  env: BenchEnvironment,
  latency: Latency,
  nodeOptions: string,
): Promise<Measured> => {
  const run = await measure(
    process.execPath,
    [reader, '127.0.0.1', String(latency.port), env.caFile, env.user],
    {
      env: { ...process.env, NODE_OPTIONS: nodeOptions, POPFWD_BENCH_PASSWORD: env.password },
    },
  );
  if (run.code !== 0) throw new Error(`the POP3 reader failed: ${run.stderr.slice(-2000)}`);
  const { messages, bytes } = JSON.parse(run.stdout) as { messages: number; bytes: number };
  if (messages !== env.mailbox.count || bytes !== env.wireBytes) {
    throw new Error(`the reader got ${messages} messages / ${bytes} bytes, not all of them`);
  }
  return run;
};

const runOnce = async (
  tool: Tool,
  reader: string,
  env: BenchEnvironment,
  latency: Latency,
): Promise<Sample> => {
  if (tool === 'mpop') {
    const target = {
      port: latency.port,
      user: env.user,
      password: env.password,
      caFile: env.caFile,
    };
    const run = await runMpop(target, join(WORK_DIR, 'runs', 'mpop'), 'discard');
    if (run.messages !== env.mailbox.count) throw new Error(`mpop fetched ${run.messages}`);
    return { ...run, tool, rttMs: latency.rttMs };
  }
  const nodeOptions = tool === CLIENT_LAMBDA ? LAMBDA_NODE_OPTIONS : '';
  return { ...(await readAll(reader, env, latency, nodeOptions)), tool, rttMs: latency.rttMs };
};

const render = (
  env: BenchEnvironment,
  samples: readonly Sample[],
  load: [number, number],
  commit: string,
) => {
  const rows: string[][] = [];
  const goals: string[][] = [];
  const worstRss = new Map<Tool, number>();
  for (const latency of env.latencies) {
    const of = (tool: Tool) =>
      samples.filter((sample) => sample.tool === tool && sample.rttMs === latency.rttMs);
    const wall = (tool: Tool) => summarize(of(tool).map((sample) => sample.wallMs));
    for (const tool of TOOLS) {
      const rss = summarize(of(tool).map((sample) => sample.peakRssKb));
      const cpu = summarize(of(tool).map((sample) => sample.cpuMs));
      worstRss.set(tool, Math.max(worstRss.get(tool) ?? 0, rss.max));
      rows.push([
        latency.label,
        tool,
        `${formatSeconds(wall(tool))} n=${wall(tool).n}`,
        `${(cpu.median / 1000).toFixed(2)} s`,
        formatRss(rss),
        formatRate(env.wireBytes, wall(tool).median),
      ]);
    }
    for (const tool of [CLIENT, CLIENT_LAMBDA] as const) {
      const ratio = wall(tool).median / wall('mpop').median;
      goals.push([
        `wall time ≤ ${GOALS.mpopRatio.toFixed(1)}× mpop, ${latency.label}, ${tool}`,
        formatRatio(ratio),
        ratio <= GOALS.mpopRatio ? 'met' : '**missed**',
      ]);
    }
  }
  for (const tool of [CLIENT, CLIENT_LAMBDA] as const) {
    const worst = (worstRss.get(tool) ?? 0) / 1024;
    goals.push([
      `peak RSS < ${GOALS.peakRssMb} MB (30 MB message included), ${tool}`,
      `${worst.toFixed(0)} MB (worst run)`,
      worst < GOALS.peakRssMb ? 'met' : '**missed**',
    ]);
  }
  return [
    '## The POP3 client alone beside mpop (`npm run bench:pop3`)',
    '',
    `Measured ${today()} on ${formatMachine(describeMachine())}; 1-minute load average ` +
      `${load[0].toFixed(1)} → ${load[1].toFixed(1)}. Node ${versions.node()}, Dovecot ` +
      `${versions.dovecot()}, mpop ${versions.mpop()}, popfwd ${commit}.`,
    '',
    `The same mailbox as the pipeline benchmark (${env.mailbox.count} messages, ` +
      `${(env.wireBytes / 1e6).toFixed(1)} MB on the wire, one of them 41 MB). bench/pop3-reader.ts ` +
      '(bundled with esbuild, run by plain `node`) logs in over implicit TLS, sends UIDL and LIST, ' +
      'RETRs every message through `Pop3Client.retrieve` (pipelined: Dovecot offers PIPELINING) ' +
      'and discards the bytes after counting them (the count is checked against the mailbox); ' +
      'mpop delivers to `mbox /dev/null` with a fresh UIDL file, so neither stores anything. ' +
      `The reader runs twice: with Node's defaults (as the CLI runs), and with the Lambda ` +
      `function's NODE_OPTIONS (\`${LAMBDA_NODE_OPTIONS}\`, infra/mail-forwarder.ts). ` +
      'Median (min–max) of n alternating runs; CPU = user + system of the median run.',
    '',
    table(['RTT', 'reader', 'wall time', 'CPU', 'peak RSS', 'throughput'], rows),
    '',
    table(['goal (issue 2)', 'measured', ''], goals),
  ].join('\n');
};

const main = async (): Promise<void> => {
  const commit = popfwdCommit(PROJECT_DIR);
  const count = setting('POPFWD_BENCH_COUNT', 1000);
  const reps = setting('POPFWD_BENCH_REPS', 7);
  const env = await setUpEnvironment(['mpop'], { count });
  const load: [number, number] = [loadAverage(), 0];
  const samples: Sample[] = [];
  try {
    const reader = await bundleScript(
      join(PROJECT_DIR, 'bench', 'pop3-reader.ts'),
      join(WORK_DIR, 'bin', 'pop3-reader.mjs'),
    );
    const loopback = env.latencies[0] as Latency;
    step('warm-up (not recorded)');
    await runOnce('mpop', reader, env, loopback);
    await runOnce(CLIENT, reader, env, loopback);
    for (const latency of env.latencies) {
      for (let repetition = 0; repetition < reps; repetition += 1) {
        const order = TOOLS.map((_, index) => TOOLS[(index + repetition) % TOOLS.length] as Tool);
        for (const tool of order) {
          const sample = await runOnce(tool, reader, env, latency);
          samples.push(sample);
          step(
            `${latency.label} #${repetition + 1} ${tool}: ${(sample.wallMs / 1000).toFixed(2)} s, ` +
              `${(sample.peakRssKb / 1024).toFixed(0)} MB (load ${loadAverage().toFixed(1)})`,
          );
        }
      }
    }
  } finally {
    await env.stop();
    // The last runs' archives and maildirs: ~200 MB each.
    await rm(join(WORK_DIR, 'runs'), { recursive: true, force: true });
  }
  load[1] = loadAverage();
  const report = render(env, samples, load, commit);
  await writeSection(BENCHMARKS_MD, 'pop3', report);
  process.stdout.write(`${report}\n`);
};

await main();
