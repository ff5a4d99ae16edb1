/**
 * `npm run bench:export` (issue 13): `popfwd archive export --format mbox` of 10,000 messages
 * from the local store, beside `cat` of the same raw files into one file (the physical
 * reference: the same bytes read and written, nothing parsed), and beside `archive list` (what
 * reading the catalog alone costs). Runs alternate; the page cache is warm for all of them.
 * Writes the "export" section of BENCHMARKS.md.
 *
 * The archive is written by the real engine: the corpus of test/helpers/mail/corpus.ts (seed 6, the
 * pipeline benchmark's mix) served by the sandbox POP3 server, 1,000 messages a run.
 * Settings: POPFWD_BENCH_EXPORT_COUNT (default 10000), POPFWD_BENCH_REPS (default 5).
 */
import { spawnSync } from 'node:child_process';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { readCatalog } from '../lambda/archive/catalog.js';
import { type Pop3Message, startPop3Server } from '../lambda/cli/sandbox/pop3-server.js';
import { systemClock } from '../lambda/clock.js';
import { parseConfig } from '../lambda/config/parse.js';
import { mailboxLayout } from '../lambda/engine/layout.js';
import { silentLog } from '../lambda/log.js';
import { createLocalStore } from '../lambda/stores/local/local-store.js';
import { runMailbox } from '../test/helpers/engine-run.js';
import { type CorpusMessage, generateCorpus } from '../test/helpers/mail/corpus.js';
import { memorySecrets } from '../test/helpers/secrets/memory-secrets.js';
import { describeMachine, formatMachine, loadAverage, popfwdCommit, today } from './lib/machine.js';
import { type Measured, measure } from './lib/processes.js';
import { table, writeSection } from './lib/report.js';
import { BENCHMARKS_MD, buildCli, PROJECT_DIR, setting, step, WORK_DIR } from './lib/setup.js';
import { formatRate, formatRss, formatSeconds, summarize } from './lib/stats.js';

const COUNT = setting('POPFWD_BENCH_EXPORT_COUNT', 10_000);
const REPS = setting('POPFWD_BENCH_REPS', 5);
const BATCH = 1_000;
const ADDRESS = 'alice@example.test';
const PASSWORD = 'bench-secret';
const DIR = join(WORK_DIR, 'export');
const STORE = join(DIR, 'store');
const CONFIG = join(DIR, 'popfwd.yaml');
const OUT = join(DIR, 'out.mbox');
const POPFWD = join(PROJECT_DIR, 'bin', 'popfwd.js');

const TOOLS = ['cat', 'popfwd archive export --format mbox', 'popfwd archive list --json'] as const;
type Tool = (typeof TOOLS)[number];

const configDocument = (port: number) => ({
  mailbox: {
    address: ADDRESS,
    pop3: { host: '127.0.0.1', port, security: 'plain' },
    auth: { method: 'password', password: { env: 'POPFWD_PASSWORD' } },
    retention: 'keep',
  },
  store: { dir: STORE },
  limits: { maxMessagesPerRun: BATCH, maxBytesPerRun: '2GB' },
  rules: [],
});

/** The archive, written by `runMailbox` from the sandbox POP3 server, a batch a run. */
const populate = async (): Promise<void> => {
  const store = createLocalStore(STORE);
  const secrets = memorySecrets({ 'env:POPFWD_PASSWORD': PASSWORD }).store;
  const corpus = generateCorpus(COUNT, { seed: 6 });
  for (let start = 0; start < COUNT; start += BATCH) {
    const batch: Pop3Message[] = [];
    for (let index = start; index < Math.min(COUNT, start + BATCH); index += 1) {
      const { data } = corpus.next().value as CorpusMessage;
      batch.push({ uidl: `m${String(index).padStart(6, '0')}`, data });
    }
    const server = await startPop3Server({
      users: [{ user: ADDRESS, password: PASSWORD }],
      mailbox: batch,
    });
    try {
      const { config } = parseConfig(configDocument(server.port), 'bench-export.yaml');
      const summary = await runMailbox({
        config,
        store,
        secrets,
        log: silentLog,
        clock: systemClock,
        deadline: Date.now() + 10 * 60_000,
      });
      if (summary.archived !== batch.length) {
        throw new Error(
          `archived ${summary.archived} of ${batch.length}: ${JSON.stringify(summary)}`,
        );
      }
    } finally {
      await server.close();
    }
    step(`archived ${Math.min(COUNT, start + BATCH)}/${COUNT}`);
  }
  await writeFile(CONFIG, stringify(configDocument(1)));
};

/** The raw files in catalog order, for cat (xargs reads the list; no argument-length limit). */
const rawList = async (): Promise<{ list: string; files: number; bytes: number }> => {
  const layout = mailboxLayout(ADDRESS);
  const { records } = await readCatalog(createLocalStore(STORE), layout);
  const list = join(DIR, 'raw-files');
  await writeFile(list, records.map((record) => join(STORE, record.meta.key)).join('\0'));
  return {
    list,
    files: records.length,
    bytes: records.reduce((sum, record) => sum + record.meta.size, 0),
  };
};

const settle = async (): Promise<void> => {
  await rm(OUT, { force: true });
  spawnSync('sync');
};

const runTool = async (tool: Tool, list: string): Promise<Measured> => {
  const env = { ...process.env, POPFWD_PASSWORD: PASSWORD };
  switch (tool) {
    case 'cat':
      return measure('sh', ['-c', `xargs -0 -a '${list}' cat > '${OUT}'`]);
    case 'popfwd archive export --format mbox':
      return measure(
        process.execPath,
        [
          POPFWD,
          'archive',
          'export',
          '--config',
          CONFIG,
          '--format',
          'mbox',
          '--out',
          OUT,
          '--json',
        ],
        { env },
      );
    default:
      return measure(
        'sh',
        [
          '-c',
          `'${process.execPath}' '${POPFWD}' archive list --config '${CONFIG}' --json > /dev/null`,
        ],
        {
          env,
        },
      );
  }
};

const main = async (): Promise<void> => {
  buildCli();
  await rm(DIR, { recursive: true, force: true });
  await mkdir(DIR, { recursive: true });
  const populateStart = performance.now();
  await populate();
  const { list, files, bytes } = await rawList();
  step(
    `archive: ${files} messages, ${(bytes / 1e6).toFixed(0)} MB in ${((performance.now() - populateStart) / 1000).toFixed(0)} s`,
  );
  const load = [loadAverage()];
  const samples = new Map<Tool, Measured[]>(TOOLS.map((tool) => [tool, []]));
  let exportBytes = 0;
  // One untimed round first: the page cache holds the archive for every timed run alike.
  for (let rep = 0; rep <= REPS; rep += 1) {
    for (const tool of TOOLS) {
      await settle();
      const run = await runTool(tool, list);
      if (run.code !== 0)
        throw new Error(`${tool} failed (${run.code}): ${run.stderr.slice(-2000)}`);
      if (tool === 'popfwd archive export --format mbox') {
        const report = JSON.parse(run.stdout) as { exported: number };
        if (report.exported !== files) throw new Error(`exported ${report.exported} of ${files}`);
        exportBytes = (await stat(OUT)).size;
      }
      if (rep > 0) samples.get(tool)?.push(run);
      step(
        `${rep === 0 ? 'warm-up' : `run ${rep}/${REPS}`}: ${tool} ${(run.wallMs / 1000).toFixed(2)} s`,
      );
    }
  }
  load.push(loadAverage());
  await settle();

  const catMedian = summarize((samples.get('cat') ?? []).map((run) => run.wallMs)).median;
  const rows = TOOLS.map((tool) => {
    const runs = samples.get(tool) ?? [];
    const wall = summarize(runs.map((run) => run.wallMs));
    const cpu = summarize(runs.map((run) => run.cpuMs));
    const rss = summarize(runs.map((run) => run.peakRssKb));
    const moved = tool === 'popfwd archive list --json' ? '—' : formatRate(bytes, wall.median);
    return [
      tool,
      `${formatSeconds(wall)} n=${wall.n}`,
      `${(cpu.median / 1000).toFixed(2)} s`,
      formatRss(rss),
      moved,
      `${(wall.median / catMedian).toFixed(2)}×`,
    ];
  });
  const body = [
    '## Exporting the archive (`npm run bench:export`)',
    '',
    `Measured ${today()} on ${formatMachine(describeMachine())}; 1-minute load average ${load.map((value) => value.toFixed(1)).join(' → ')}. Node ${process.version}, popfwd ${popfwdCommit(PROJECT_DIR)}.`,
    '',
    `${files.toLocaleString('en')} messages, ${(bytes / 1e6).toFixed(0)} MB, archived into a local store by the engine (the corpus of test/helpers/mail/corpus.ts, seed 6: text, multipart/alternative and 10 % with 50 KB–3 MB attachments). \`cat\` writes the same raw files, in catalog order, into one file; \`archive export --format mbox\` (the CLI as installed, \`node bin/popfwd.js\`) reads the catalog, opens 8 objects ahead, checks each message's size and SHA-256 against the catalog, mboxrd-escapes it and appends it (${(exportBytes / 1e6).toFixed(0)} MB written: From_ lines and quoting added); \`archive list --json\` reads the catalog alone. The output file is removed and \`sync\` run before each run, the runs alternate, and a warm-up round goes first, so the archive is in the page cache for all of them. Throughput is archive bytes over wall time. Median (min–max) of n runs; CPU = user + system of the median run.`,
    '',
    table(['command', 'wall time', 'CPU', 'peak RSS', 'throughput', 'vs cat'], rows),
  ].join('\n');
  await writeSection(BENCHMARKS_MD, 'export', body);
  step('wrote the export section of BENCHMARKS.md');
  await rm(DIR, { recursive: true, force: true });
};

await main();
