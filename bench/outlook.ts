/**
 * `npm run bench:outlook`: what a real mailbox costs. `popfwd run` (archive only) beside mpop and
 * fetchmail on the same Dovecot mailbox, seen through bench/lib/pop3-command-proxy.ts in two ways:
 * as Dovecot is (PIPELINING offered, no delay), and Outlook-like (Outlook.com's capabilities, so
 * no PIPELINING, and every command answered 30 ms after it arrives). The proxy counts the lines
 * each client sends and how many it had to wait for. Runs alternate between the tools.
 * Writes the "outlook" section of BENCHMARKS.md and the raw samples to .bench/results/.
 *
 * Settings (environment): POPFWD_BENCH_REPS (default 3), POPFWD_BENCH_COUNT (messages, default
 * 1000 — smaller only to try the harness), POPFWD_BENCH_COMMAND_DELAY_MS (default 30).
 */
import { spawnSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TLS_PATHS, testTls } from '../test/helpers/tls-fixtures.js';
import { loadAverage, popfwdCommit } from './lib/machine.js';
import { BENCH_USER, startBenchMailbox } from './lib/mailbox.js';
import {
  renderOutlookReport,
  type Sample,
  type Scenario,
  TOOLS,
  type Tool,
} from './lib/outlook-report.js';
import { type PeerTarget, runFetchmail, runMpop } from './lib/peers.js';
import {
  type CommandProxy,
  OUTLOOK_CAPABILITIES,
  type SessionCounts,
  startCommandProxy,
} from './lib/pop3-command-proxy.js';
import { runPopfwd, type SmtpSink, startSmtpSink } from './lib/popfwd.js';
import { writeSection } from './lib/report.js';
import {
  BENCHMARKS_MD,
  buildCli,
  PROJECT_DIR,
  setting,
  step,
  WORK_DIR,
  wireSize,
} from './lib/setup.js';
import { ensureTools } from './lib/tools.js';

/** Each run's files go, and the disk settles, before the next run starts (as in bench/run.ts). */
const settleDisk = async (dir: string): Promise<void> => {
  await rm(dir, { recursive: true, force: true });
  spawnSync('sync');
};

interface Rig {
  readonly count: number;
  readonly smtp: SmtpSink;
  readonly proxies: ReadonlyMap<Scenario, CommandProxy>;
}

/** One counted session total for a run (a tool that reconnects would show several). */
const total = (sessions: readonly SessionCounts[]): Sample['counts'] => {
  const byVerb: Record<string, number> = {};
  for (const session of sessions) {
    for (const [verb, n] of Object.entries(session.byVerb)) byVerb[verb] = (byVerb[verb] ?? 0) + n;
  }
  const lines = sessions.reduce((sum, session) => sum + session.lines, 0);
  if (sessions.some((session) => session.framingLost)) {
    throw new Error('the proxy lost track of the replies: the command counts would be wrong');
  }
  return {
    sessions: sessions.length,
    lines,
    pipelined: sessions.reduce((sum, session) => sum + session.pipelined, 0),
    meanHoldMs:
      lines === 0
        ? 0
        : sessions.reduce((sum, session) => sum + session.meanHoldMs * session.lines, 0) / lines,
    byVerb,
  };
};

const runTool = async (tool: Tool, rig: Rig, port: number, dir: string) => {
  const target: PeerTarget = {
    port,
    user: BENCH_USER.user,
    password: BENCH_USER.password,
    caFile: TLS_PATHS.ca,
  };
  if (tool === 'popfwd-archive') {
    rig.smtp.take();
    const run = await runPopfwd(
      PROJECT_DIR,
      { ...target, pop3Port: port, smtpPort: rig.smtp.port },
      dir,
      { rules: false },
    );
    const { summary } = run;
    if (summary.archived !== rig.count || summary.failed !== 0 || rig.smtp.take().messages !== 0) {
      throw new Error(`popfwd run incomplete: ${JSON.stringify(summary)}`);
    }
    return run;
  }
  const run =
    tool === 'fetchmail'
      ? await runFetchmail(target, dir)
      : await runMpop(target, dir, tool === 'mpop' ? 'maildir' : 'discard');
  if (run.messages !== rig.count) {
    throw new Error(`${tool} delivered ${run.messages} of ${rig.count} messages`);
  }
  return run;
};

const runOnce = async (tool: Tool, scenario: Scenario, rig: Rig): Promise<Sample> => {
  const proxy = rig.proxies.get(scenario) as CommandProxy;
  const dir = join(WORK_DIR, 'runs', tool);
  try {
    await proxy.takeSessions();
    const run = await runTool(tool, rig, proxy.port, dir);
    const counts = total(await proxy.takeSessions());
    return {
      tool,
      scenario,
      wallMs: run.wallMs,
      cpuMs: run.cpuMs,
      peakRssKb: run.peakRssKb,
      counts,
    };
  } finally {
    await settleDisk(dir);
  }
};

/** Rotates the tool order every repetition so no tool always runs right after another. */
const order = (repetition: number): Tool[] =>
  TOOLS.map((_, index) => TOOLS[(index + repetition) % TOOLS.length] as Tool);

const measureAll = async (rig: Rig): Promise<Sample[]> => {
  const reps = setting('POPFWD_BENCH_REPS', 3);
  step('warm-up (not recorded): Dovecot indexes the mailbox, caches fill');
  await runOnce('mpop', 'dovecot', rig);
  await runOnce('popfwd-archive', 'dovecot', rig);
  const samples: Sample[] = [];
  for (const scenario of rig.proxies.keys()) {
    for (let repetition = 0; repetition < reps; repetition += 1) {
      for (const tool of order(repetition)) {
        const sample = await runOnce(tool, scenario, rig);
        samples.push(sample);
        step(
          `${scenario} #${repetition + 1} ${tool}: ${(sample.wallMs / 1000).toFixed(2)} s, ` +
            `${sample.counts.lines} lines, ${sample.counts.pipelined} pipelined ` +
            `(load ${loadAverage().toFixed(1)})`,
        );
      }
    }
  }
  return samples;
};

const main = async (): Promise<void> => {
  const commit = popfwdCommit(PROJECT_DIR);
  buildCli();
  ensureTools(['dovecot', 'time', 'mpop', 'fetchmail']);
  const count = setting('POPFWD_BENCH_COUNT', 1000);
  const delayMs = setting('POPFWD_BENCH_COMMAND_DELAY_MS', 30);
  step(`writing the mailbox: ${count} messages`);
  const mailbox = await startBenchMailbox({ count, big: false });
  const proxies = new Map<Scenario, CommandProxy>();
  let smtp: SmtpSink | undefined;
  const loadStart = loadAverage();
  let samples: Sample[];
  let wireBytes: number;
  try {
    wireBytes = await wireSize(mailbox.dovecot.maildir(BENCH_USER.user));
    const upstream = { host: mailbox.dovecot.host, port: mailbox.dovecot.plainPort };
    const tls = testTls();
    proxies.set(
      'dovecot',
      await startCommandProxy({ upstream, tls, delayMs: 0, capabilities: null }),
    );
    proxies.set(
      'outlook',
      await startCommandProxy({ upstream, tls, delayMs, capabilities: OUTLOOK_CAPABILITIES }),
    );
    smtp = await startSmtpSink(BENCH_USER.user, BENCH_USER.password);
    samples = await measureAll({ count: mailbox.count, smtp, proxies });
  } finally {
    await smtp?.close();
    for (const proxy of proxies.values()) await proxy.close();
    await mailbox.stop();
    await rm(join(WORK_DIR, 'runs'), { recursive: true, force: true });
  }
  const report = renderOutlookReport(samples, {
    count: mailbox.count,
    wireBytes,
    delayMs,
    load: [loadStart, loadAverage()],
    commit,
  });
  await mkdir(join(WORK_DIR, 'results'), { recursive: true });
  await writeFile(join(WORK_DIR, 'results', 'outlook.json'), JSON.stringify(samples, null, 2));
  await writeSection(BENCHMARKS_MD, 'outlook', report);
  process.stdout.write(`${report}\n`);
};

await main();
