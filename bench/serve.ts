/**
 * `npm run bench:serve`: `popfwd archive serve` over 100,000 archived messages in a local store.
 * Measures what the owner waits for: the first page of the list (the API, and Chromium from
 * navigation to the first rows drawn), a page deep in the list, a full-text search for a word in
 * 1 % of the bodies (first result, all of it, and the memory it takes), and opening a 25 MiB
 * message. Writes the "serve" section of BENCHMARKS.md.
 *
 * The archive is written once into .bench/serve-archive (by the engine's own archiveMessage and
 * the record a run writes) and kept for later runs; delete the folder to write it again.
 * Settings (environment): POPFWD_BENCH_SERVE_COUNT (messages, default 100,000),
 * POPFWD_BENCH_REPS (repetitions of the quick measures, default 15).
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readCatalog } from '../lambda/archive/catalog.js';
import { loadPageAssets } from '../lambda/archive/serve/page-assets.js';
import { startArchiveServer } from '../lambda/archive/serve/server.js';
import { mailboxLayout } from '../lambda/engine/layout.js';
import { createLocalStore } from '../lambda/stores/local/local-store.js';
import { SeededRandom } from '../test/helpers/mail/seeded-random.js';
import { describeMachine, formatMachine, loadAverage, popfwdCommit, today } from './lib/machine.js';
import { table, writeSection } from './lib/report.js';
import { archiveOne, benchMessage, bigMessage, SEARCH_WORD } from './lib/serve-archive.js';
import { measureInBrowser } from './lib/serve-browser.js';
import { BENCHMARKS_MD, PROJECT_DIR, setting, step, WORK_DIR } from './lib/setup.js';
import { type Summary, summarize } from './lib/stats.js';

const COUNT = setting('POPFWD_BENCH_SERVE_COUNT', 100_000);
const REPS = setting('POPFWD_BENCH_REPS', 15);
const BIG_SIZE = 25 * 1024 * 1024;
const MAILBOX = 'owner@outlook.example';
const DIR = join(WORK_DIR, `serve-archive-${COUNT}`);
const layout = mailboxLayout(MAILBOX);
const store = createLocalStore(DIR);

const ms = (value: number): string =>
  value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
const spread = (summary: Summary): string =>
  `${ms(summary.median)} (${ms(summary.min)}–${ms(summary.max)}, n=${summary.n})`;
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
};

/**
 * Wall and CPU time (user + system, this process: server and client) of `work`. The machine is
 * shared, so wall time moves with the load; CPU time says what the work itself costs.
 */
const timedCpu = async (work: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> => {
  const cpu = process.cpuUsage();
  const [, wall] = await timed(work);
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
};
const withCpu = (measured: { wall: number; cpu: number }): string =>
  `${ms(measured.wall)} (CPU ${ms(measured.cpu)})`;

const repeat = async (times: number, work: () => Promise<unknown>): Promise<Summary> => {
  const samples: number[] = [];
  for (let index = 0; index < times; index += 1) samples.push((await timed(work))[1]);
  return summarize(samples);
};

/** Writes the archive unless a previous run left it complete. */
const seed = async (): Promise<void> => {
  const ready = join(DIR, 'ready');
  if (existsSync(ready)) return;
  await mkdir(DIR, { recursive: true });
  const random = new SeededRandom(15);
  const start = Date.UTC(2016, 0, 1);
  const archivedAt = Date.UTC(2026, 10, 1);
  let next = 0;
  const worker = async () => {
    while (next < COUNT) {
      const index = next++;
      const tags = index % 7 === 0 ? ['newsletter'] : index % 31 === 0 ? ['invoice'] : [];
      await archiveOne(
        store,
        layout,
        `bench-${index}`,
        benchMessage(random, index, start),
        archivedAt + index,
        tags,
      );
      if (index % 10_000 === 0)
        step(`archived ${index.toLocaleString('en')} of ${COUNT.toLocaleString('en')}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  await archiveOne(store, layout, 'bench-big', bigMessage(BIG_SIZE), archivedAt + COUNT);
  await writeFile(ready, `${COUNT}\n`);
};

/** Peak RSS while `work` runs, sampled every 50 ms. */
const peakRss = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  try {
    return [await work(), peak];
  } finally {
    clearInterval(timer);
  }
};

/** Streams a search; the time to the first match and to the end, and how many matched. */
const search = async (url: string) => {
  const started = performance.now();
  const response = await fetch(`${url}api/search?q=${SEARCH_WORD}`);
  let first = 0;
  let matched = 0;
  let pending = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes('"type":"match"')) continue;
      matched += 1;
      if (!first) first = performance.now() - started;
    }
  }
  return { first, all: performance.now() - started, matched };
};

/**
 * Reads the catalog and starts the server over it; returns what the bench needs of the catalog,
 * so the full records can go as they do in `archive serve` (the server keeps a slim copy).
 */
const serve = async () => {
  const [catalog, catalogMs] = await timed(() => readCatalog(store, layout));
  const startCpu = process.cpuUsage();
  const [server, startMs] = await timed(() =>
    startArchiveServer({ store, layout, mailbox: MAILBOX, catalog }),
  );
  const startCpuUsed = process.cpuUsage(startCpu);
  const big = catalog.records.find((record) => record.meta.uidl === 'bench-big');
  if (!big) throw new Error('the 25 MiB message is not in the catalog');
  const random = new SeededRandom(7);
  return {
    server,
    big: { id: big.id },
    samples: Array.from({ length: REPS }, () => random.pick(catalog.records).id),
    archivedBytes: catalog.records.reduce((sum, record) => sum + record.meta.size, 0),
    catalogMs,
    startMs,
    startCpuMs: (startCpuUsed.user + startCpuUsed.system) / 1000,
  };
};

const main = async () => {
  const rssAtStart = process.memoryUsage.rss();
  step(`writing ${COUNT.toLocaleString('en')} messages into ${DIR} (once; kept for later runs)`);
  const [, seedMs] = await timed(seed);
  step('reading the catalog');
  const { server, big, samples, archivedBytes, catalogMs, startMs, startCpuMs } = await serve();
  // With --expose-gc (npm run bench:serve): what stays in memory, not what waits to be collected.
  (globalThis as { gc?: () => void }).gc?.();
  const heapServing = process.memoryUsage().heapUsed;
  const rssServing = process.memoryUsage.rss();
  const api = (path: string) => fetch(`${server.url}api/${path}`).then((r) => r.arrayBuffer());
  step('first page of the list');
  const firstPageCold = await timedCpu(() => api('messages?offset=0&limit=200'));
  const firstPage = await repeat(REPS, () => api('messages?offset=0&limit=200'));
  const filteredCold = await timedCpu(() => api('messages?offset=0&limit=200&from=ann*'));
  const deepPage = await repeat(REPS, () =>
    api(`messages?offset=${Math.floor(COUNT / 2)}&limit=200`),
  );
  step('opening messages');
  const bigOpenCold = await timedCpu(() => api(`m/${big.id}`));
  const bigOpenWarm = await repeat(REPS, () => api(`m/${big.id}`));
  const [, bigEml] = await timed(() => api(`m/${big.id}/eml`));
  const openTimes: number[] = [];
  for (const id of samples) openTimes.push((await timed(() => api(`m/${id}`)))[1]);
  const typicalOpen = summarize(openTimes);
  step(`searching ${COUNT.toLocaleString('en')} bodies for "${SEARCH_WORD}"`);
  const searchCpu = process.cpuUsage();
  const [searched, searchRss] = await peakRss(() => search(server.url));
  const searchCpuUsed = process.cpuUsage(searchCpu);
  const searchCpuMs = (searchCpuUsed.user + searchCpuUsed.system) / 1000;
  step('in Chromium');
  const browser = await measureInBrowser(server.url, {
    reps: Math.min(REPS, 7),
    bigId: big.id,
    count: COUNT,
    word: SEARCH_WORD,
  });
  await server.close();

  const assets = await loadPageAssets();
  const pageBytes = [...assets.values()].reduce((sum, asset) => sum + asset.body.length, 0);
  const pageGzip = [...assets.values()].reduce(
    (sum, asset) => sum + gzipSync(asset.body).length,
    0,
  );
  const machine = describeMachine();
  const goal = (value: number) => (value < 1000 ? 'met' : '**missed**');
  const rows = [
    [
      `catalog read at start (\`readCatalog\`, ${COUNT.toLocaleString('en')} records, local)`,
      ms(catalogMs),
      '',
    ],
    ['index built, server listening', withCpu({ wall: startMs, cpu: startCpuMs }), ''],
    [
      `memory while serving: RSS (JS heap in use ${mb(heapServing)})`,
      mb(rssServing),
      `${mb(rssAtStart)} before the catalog`,
    ],
    ['first page (200 rows), API, first request', withCpu(firstPageCold), goal(firstPageCold.wall)],
    ['first page (200 rows), API, again', spread(firstPage), goal(firstPage.median)],
    [
      `first page filtered by \`from=ann*\`, first request (scans ${COUNT.toLocaleString('en')})`,
      withCpu(filteredCold),
      goal(filteredCold.wall),
    ],
    [`page at row ${(COUNT / 2).toLocaleString('en')}`, spread(deepPage), ''],
    ...browser.rows,
    [`search "${SEARCH_WORD}" (in 1 % of bodies): first result`, ms(searched.first), ''],
    [
      `search: all ${searched.matched.toLocaleString('en')} results, ${COUNT.toLocaleString('en')} messages read`,
      `${ms(searched.all)} (CPU ${ms(searchCpuMs)}, ${(searchCpuMs / COUNT).toFixed(1)} ms a message)`,
      '',
    ],
    [
      'search: peak RSS while searching',
      mb(searchRss),
      `${mb(searchRss - rssServing)} over serving`,
    ],
    [
      'open a 25 MiB message (parse, JSON), first time',
      withCpu(bigOpenCold),
      goal(bigOpenCold.wall),
    ],
    ['open the 25 MiB message again (cached)', spread(bigOpenWarm), goal(bigOpenWarm.median)],
    [
      'download its .eml',
      `${ms(bigEml)} (${(BIG_SIZE / 1e6 / (bigEml / 1000)).toFixed(0)} MB/s)`,
      '',
    ],
    ['open a typical message (1–20 KB), first time', spread(typicalOpen), goal(typicalOpen.median)],
    [
      'the page: HTML, CSS, JS, icon (no framework)',
      `${(pageBytes / 1024).toFixed(1)} KB (${(pageGzip / 1024).toFixed(1)} KB gzipped)`,
      '',
    ],
  ];
  const body = [
    '## The archive viewer: `popfwd archive serve` (`npm run bench:serve`)',
    '',
    `${today()}, commit ${popfwdCommit(PROJECT_DIR)}, ${formatMachine(machine)}, Node ${process.version}; load average ${loadAverage().toFixed(1)} at the end. ${COUNT.toLocaleString('en')} messages (text, HTML, one in ten with an attachment; ${mb(archivedBytes)}) plus one of 25 MiB, in a local store; the server runs in the bench process, Chromium ${browser.version} headless. ${seedMs > 1000 ? `Written in ${ms(seedMs)}.` : 'Written by an earlier run.'}`,
    '',
    table(['measure', 'time', 'goal: under 1 s'], rows),
  ].join('\n');
  await writeSection(BENCHMARKS_MD, 'serve', body);
  process.stdout.write(`${body}\n`);
};

await main();
