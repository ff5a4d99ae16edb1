/**
 * `npm run bench`: `popfwd run` (full pipeline) beside mpop and fetchmail on the same Dovecot
 * mailbox, over TLS, on loopback and with 50 ms round trips; runs alternate between the tools.
 * Writes the "pipeline" section of BENCHMARKS.md and the raw samples to .bench/results/.
 *
 * Settings (environment): POPFWD_BENCH_REPS (default 5), POPFWD_BENCH_SLOW_REPS (fetchmail at
 * 50 ms, about 100 s per run; default 3), POPFWD_BENCH_COUNT (messages besides the 30 MB one;
 * default 1000 — smaller only to try the harness), POPFWD_BENCH_TOOLS (a comma-separated subset of
 * the tools below, e.g. `popfwd-archive,mpop`; default all). A subset prints the report and the
 * raw samples but leaves BENCHMARKS.md alone: the section there compares every tool in one run.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
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
import { type PeerRun, type PeerTarget, runFetchmail, runMpop } from './lib/peers.js';
import { runPopfwd, type SmtpSink, startSmtpSink } from './lib/popfwd.js';
import type { Measured } from './lib/processes.js';
import { table, writeSection } from './lib/report.js';
import {
  BENCHMARKS_MD,
  type BenchEnvironment,
  buildCli,
  type Latency,
  PROJECT_DIR,
  setting,
  setUpEnvironment,
  step,
  WORK_DIR,
} from './lib/setup.js';
import {
  formatRate,
  formatRatio,
  formatRss,
  formatSeconds,
  type Summary,
  summarize,
} from './lib/stats.js';

const TOOLS = ['popfwd', 'popfwd-lambda', 'popfwd-archive', 'mpop', 'fetchmail'] as const;
type Tool = (typeof TOOLS)[number];

/** The tools measured in this run (POPFWD_BENCH_TOOLS), in the order above. */
const selectedTools = (): readonly Tool[] => {
  const wanted = process.env.POPFWD_BENCH_TOOLS?.split(',').map((name) => name.trim());
  if (!wanted) return TOOLS;
  const unknown = wanted.filter((name) => !(TOOLS as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(`POPFWD_BENCH_TOOLS: unknown tool(s) ${unknown.join(', ')}`);
  return TOOLS.filter((tool) => wanted.includes(tool));
};
const ACTIVE = selectedTools();

const LABELS: Record<Tool, string> = {
  popfwd: 'popfwd (rules, forwards)',
  'popfwd-lambda': 'popfwd (rules, forwards), Lambda node options',
  'popfwd-archive': 'popfwd (archive only)',
  mpop: 'mpop',
  fetchmail: 'fetchmail',
};

interface Sample {
  readonly tool: Tool;
  readonly rttMs: number;
  readonly wallMs: number;
  readonly peakRssKb: number;
  readonly cpuMs: number;
  readonly forwarded?: number;
}

const GOALS = { mpopRatio: 1.0, fetchmailSpeedup: 50, peakRssMb: 150 } as const;

/**
 * Each run's files go before the next run starts, and the disk settles: this ext4 discards freed
 * blocks, and 200 MB deleted at the start of a run would slow that run, not the one that wrote it.
 */
const settleDisk = async (dir: string): Promise<void> => {
  await rm(dir, { recursive: true, force: true });
  spawnSync('sync');
};

const measured = (tool: Tool, latency: Latency, run: Measured): Sample => ({
  tool,
  rttMs: latency.rttMs,
  wallMs: run.wallMs,
  peakRssKb: run.peakRssKb,
  cpuMs: run.cpuMs,
});

const runOnce = async (
  tool: Tool,
  env: BenchEnvironment,
  latency: Latency,
  smtp: SmtpSink,
): Promise<Sample> => {
  const dir = join(WORK_DIR, 'runs', tool);
  try {
    return await measureRun(tool, env, latency, smtp, dir);
  } finally {
    await settleDisk(dir);
  }
};

const measureRun = async (
  tool: Tool,
  env: BenchEnvironment,
  latency: Latency,
  smtp: SmtpSink,
  dir: string,
): Promise<Sample> => {
  const target: PeerTarget = {
    port: latency.port,
    user: env.user,
    password: env.password,
    caFile: env.caFile,
  };
  const expected = env.mailbox.count;
  if (tool !== 'mpop' && tool !== 'fetchmail') {
    smtp.take();
    const run = await runPopfwd(
      PROJECT_DIR,
      { ...target, pop3Port: latency.port, smtpPort: smtp.port },
      dir,
      {
        rules: tool !== 'popfwd-archive',
        ...(tool === 'popfwd-lambda' ? { nodeOptions: LAMBDA_NODE_OPTIONS } : {}),
      },
    );
    const sent = smtp.take().messages;
    const { summary } = run;
    if (summary.archived !== expected || summary.failed !== 0 || summary.forwarded !== sent) {
      throw new Error(`popfwd run incomplete: ${JSON.stringify(summary)}, smtp got ${sent}`);
    }
    return { ...measured(tool, latency, run), forwarded: sent };
  }
  const run: PeerRun =
    tool === 'mpop' ? await runMpop(target, dir, 'maildir') : await runFetchmail(target, dir);
  if (run.messages !== expected) {
    throw new Error(`${tool} delivered ${run.messages} of ${expected} messages`);
  }
  return measured(tool, latency, run);
};

/** Rotates the tool order every repetition so no tool always runs right after another. */
const order = (repetition: number): Tool[] =>
  ACTIVE.map((_, index) => ACTIVE[(index + repetition) % ACTIVE.length] as Tool);

const measureAll = async (env: BenchEnvironment, smtp: SmtpSink): Promise<Sample[]> => {
  const reps = setting('POPFWD_BENCH_REPS', 5);
  const slowReps = Math.min(reps, setting('POPFWD_BENCH_SLOW_REPS', 3));
  const loopback = env.latencies[0] as Latency;
  step('warm-up (not recorded): Dovecot indexes the mailbox, caches fill');
  for (const tool of ['mpop', 'popfwd', 'popfwd-archive', 'popfwd-lambda'] as const)
    if (ACTIVE.includes(tool)) await runOnce(tool, env, loopback, smtp);
  const samples: Sample[] = [];
  for (const latency of env.latencies) {
    for (let repetition = 0; repetition < reps; repetition += 1) {
      for (const tool of order(repetition)) {
        if (tool === 'fetchmail' && latency.rttMs > 0 && repetition >= slowReps) continue;
        const sample = await runOnce(tool, env, latency, smtp);
        samples.push(sample);
        step(
          `${latency.label} #${repetition + 1} ${tool}: ${(sample.wallMs / 1000).toFixed(2)} s, ` +
            `${(sample.peakRssKb / 1024).toFixed(0)} MB peak RSS (load ${loadAverage().toFixed(1)})`,
        );
      }
    }
  }
  return samples;
};

interface Cell {
  readonly wall: Summary;
  readonly rss: Summary;
  readonly cpu: Summary;
}

const cells = (samples: readonly Sample[], rttMs: number): Map<Tool, Cell> =>
  new Map(
    ACTIVE.map((tool) => {
      const mine = samples.filter((sample) => sample.tool === tool && sample.rttMs === rttMs);
      return [
        tool,
        {
          wall: summarize(mine.map((sample) => sample.wallMs)),
          rss: summarize(mine.map((sample) => sample.peakRssKb)),
          cpu: summarize(mine.map((sample) => sample.cpuMs)),
        },
      ];
    }),
  );

const verdict = (met: boolean): string => (met ? 'met' : '**missed**');

const renderReport = (
  env: BenchEnvironment,
  samples: readonly Sample[],
  context: { load: [number, number]; forwarded: number; commit: string },
): string => {
  const rows: string[][] = [];
  const goals: string[][] = [];
  const worstRss = new Map<Tool, number>();
  for (const latency of env.latencies) {
    const byTool = cells(samples, latency.rttMs);
    const wall = (tool: Tool): number => (byTool.get(tool) as Cell).wall.median;
    const has = (tool: Tool) => ACTIVE.includes(tool);
    for (const tool of ACTIVE) {
      const cell = byTool.get(tool) as Cell;
      const popfwd = tool.startsWith('popfwd');
      rows.push([
        latency.label,
        LABELS[tool],
        `${formatSeconds(cell.wall)} n=${cell.wall.n}`,
        `${(cell.cpu.median / 1000).toFixed(2)} s`,
        formatRss(cell.rss),
        formatRate(env.wireBytes, cell.wall.median),
        popfwd && has('mpop') ? formatRatio(cell.wall.median / wall('mpop')) : '—',
        popfwd && has('fetchmail') ? formatRatio(cell.wall.median / wall('fetchmail')) : '—',
      ]);
      worstRss.set(tool, Math.max(worstRss.get(tool) ?? 0, cell.rss.max));
    }
    for (const [tool, issue] of [
      ['popfwd-archive', 3],
      ['popfwd', 7],
      ['popfwd-lambda', 7],
    ] as const) {
      if (!has(tool) || !has('mpop')) continue;
      const ratio = wall(tool) / wall('mpop');
      goals.push([
        `issue ${issue}: ${LABELS[tool]} ≤ ${GOALS.mpopRatio.toFixed(1)}× mpop, ${latency.label}`,
        formatRatio(ratio),
        verdict(ratio <= GOALS.mpopRatio),
      ]);
    }
    if (latency.rttMs > 0 && has('popfwd') && has('fetchmail')) {
      const speedup = wall('fetchmail') / wall('popfwd');
      goals.push([
        `issue 7: ${LABELS.popfwd} ≥ ${GOALS.fetchmailSpeedup}× faster than fetchmail, ${latency.label}`,
        `${formatRatio(speedup)} faster`,
        verdict(speedup >= GOALS.fetchmailSpeedup),
      ]);
    }
  }
  for (const tool of ['popfwd', 'popfwd-lambda'] as const) {
    if (!ACTIVE.includes(tool)) continue;
    const worst = (worstRss.get(tool) ?? 0) / 1024;
    goals.push([
      `issue 7: ${LABELS[tool]}, peak RSS < ${GOALS.peakRssMb} MB (30 MB message included)`,
      `${worst.toFixed(0)} MB (worst run)`,
      verdict(worst < GOALS.peakRssMb),
    ]);
  }
  const machine = describeMachine();
  return [
    '## Full pipeline: `popfwd run` beside mpop and fetchmail (`npm run bench`)',
    '',
    `Measured ${today()} on ${formatMachine(machine)}; 1-minute load average ` +
      `${context.load[0].toFixed(1)} at the start, ${context.load[1].toFixed(1)} at the end ` +
      '(the machine is shared). ' +
      `Node ${versions.node()}, Dovecot ${versions.dovecot()}, mpop ${versions.mpop()}, ` +
      `fetchmail ${versions.fetchmail()}, popfwd ${context.commit}.`,
    '',
    `Mailbox: ${env.mailbox.count} messages (test/helpers/mail/corpus.ts, seed 6, with the 30 MB ` +
      `message), ${(env.wireBytes / 1e6).toFixed(1)} MB as RETR delivers it; POP3 over implicit ` +
      'TLS from Dovecot on this machine, directly ("loopback") or through bench/lib/latency-proxy.ts ' +
      `(25 ms each way). Every run starts from fresh state and fetches the whole mailbox; ` +
      'retention keep. Wall time from process start to exit: median (min–max) of n runs; CPU = ' +
      'user + system time of the median run (steadier than wall time when the machine is busy); ' +
      'peak RSS from GNU time (median run, worst run); throughput = wire bytes ÷ median wall time.',
    '',
    table(
      ['RTT', 'tool', 'wall time', 'CPU', 'peak RSS', 'throughput', '÷ mpop', '÷ fetchmail'],
      rows,
    ),
    '',
    `- popfwd (rules, forwards): \`node bin/popfwd.js run --config … --json\` (built dist/), ` +
      'local archive with metadata records, two rules (forward subjects with "invoice" as an ' +
      'attachment to an smtp-server on loopback with STARTTLS and AUTH — ' +
      `${context.forwarded} forwards per run — and tag list mail). SMTP stays on loopback at ` +
      "50 ms: the latency is the POP3 server's.",
    `- popfwd (rules, forwards), Lambda node options: the same run with the Lambda function's ` +
      `NODE_OPTIONS (\`${LAMBDA_NODE_OPTIONS}\`, infra/mail-forwarder.ts): a 2 MB young generation.`,
    '- popfwd (archive only): the same config without rules: fetch, archive, records, state.',
    "- mpop: delivery to a maildir on the same disk as popfwd's archive. mpop fsyncs every " +
      'message there, so both tools make each message durable before they are done with it; a ' +
      'discarding sink would compare a mail fetcher that keeps nothing with one that archives.',
    '- fetchmail: `bsmtp /dev/null`, its cheapest sink (no MDA process per message), so the ' +
      'comparison is as kind to fetchmail as it can be.',
    '',
    table(['goal', 'measured', ''], goals),
  ].join('\n');
};

const main = async (): Promise<void> => {
  // What is measured is what gets built now, whatever changes later in the worktree.
  const commit = popfwdCommit(PROJECT_DIR);
  buildCli();
  const count = setting('POPFWD_BENCH_COUNT', 1000);
  const peers = (['mpop', 'fetchmail'] as const).filter((tool) => ACTIVE.includes(tool));
  const env = await setUpEnvironment(peers, { count });
  const smtp = await startSmtpSink(env.user, env.password);
  const loadStart = loadAverage();
  let samples: Sample[];
  try {
    samples = await measureAll(env, smtp);
  } finally {
    await smtp.close();
    await env.stop();
    // The last runs' archives and maildirs: ~200 MB each.
    await rm(join(WORK_DIR, 'runs'), { recursive: true, force: true });
  }
  const forwarded = samples.find((sample) => sample.tool === 'popfwd')?.forwarded ?? 0;
  const report = renderReport(env, samples, {
    load: [loadStart, loadAverage()],
    forwarded,
    commit,
  });
  await mkdir(join(WORK_DIR, 'results'), { recursive: true });
  await writeFile(join(WORK_DIR, 'results', 'pipeline.json'), JSON.stringify(samples, null, 2));
  if (ACTIVE.length === TOOLS.length) await writeSection(BENCHMARKS_MD, 'pipeline', report);
  process.stdout.write(`${report}\n`);
};

await main();
