/**
 * `npm run bench:archive`: `archive list` of a large archive on S3, the catalog beside the design
 * it replaces (one record object per message, read one after another). S3 is bench/lib/aws-stubs.ts
 * over HTTP, every reply 20 ms late (a laptop's round trip to its region); popfwd's own S3 store
 * (the AWS SDK, signing, retries, ListObjectsV2 pages) talks to it. The time is `readCatalog`,
 * the function `archive list` and the web viewer call; the stub counts the requests.
 *
 * Settings (environment): POPFWD_BENCH_ARCHIVE (messages, default 100,000),
 * POPFWD_BENCH_LEGACY_SAMPLE (record objects actually read for the old design, whose time is
 * then extrapolated: default 2,000, about a minute).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { readCatalog } from '../lambda/archive/catalog.js';
import { GROUP_ENTRIES } from '../lambda/engine/catalog-compact.js';
import type { CatalogEntry } from '../lambda/engine/catalog-format.js';
import { writeSegment } from '../lambda/engine/catalog-write.js';
import { mailboxLayout } from '../lambda/engine/layout.js';
import { decodeRecord, encodeRecord, type MessageRecord } from '../lambda/engine/message-record.js';
import type { BlobStore } from '../lambda/stores/blob-store.js';
import { createS3Store } from '../lambda/stores/s3/s3-store.js';
import { SeededRandom } from '../test/helpers/mail/seeded-random.js';
import { type S3Stub, startS3Stub } from './lib/aws-stubs.js';
import { benchRecord } from './lib/catalog-records.js';
import { describeMachine, formatMachine, loadAverage, popfwdCommit, today } from './lib/machine.js';
import { table, writeSection } from './lib/report.js';
import { BENCHMARKS_MD, PROJECT_DIR, setting, step } from './lib/setup.js';

const LATENCY_MS = 20;
const BUCKET = 'popfwd-bench';
const MAILBOX = 'bench@outlook.example';
const GOALS = { seconds: 5, requests: 200 } as const;
/** Small segments of runs not compacted yet, beside the merged ones (a catalog between runs). */
const RUN_SEGMENTS = 7;
const RUN_SEGMENT_ENTRIES = 100;

const layout = mailboxLayout(MAILBOX);

interface Measured {
  readonly records: number;
  readonly seconds: number;
  /** User + system CPU seconds of this process (the stub's request handling included). */
  readonly cpu: number;
  readonly requests: Record<string, number>;
}

const total = (requests: Record<string, number>): number =>
  Object.values(requests).reduce((sum, count) => sum + count, 0);

const s3Store = (stub: S3Stub): BlobStore =>
  createS3Store({
    client: new S3Client({
      region: 'eu-west-1',
      endpoint: stub.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKIABENCHBENCHBENCH0', secretAccessKey: 'bench' },
    }),
    bucket: BUCKET,
  });

function* records(count: number): Generator<MessageRecord> {
  const random = new SeededRandom(13);
  const start = Date.UTC(2025, 0, 1);
  for (let index = 0; index < count; index += 1) yield benchRecord(layout, random, index, start);
}

/** The catalog as runs and compaction leave it: merged segments, then a few runs' own. */
const seedCatalog = async (stub: S3Stub, count: number): Promise<void> => {
  // Written through a stub of its own with no delay: only the setup, not measured.
  const setup = await startS3Stub(0);
  const store = s3Store(setup);
  let seq = 0;
  let batch: CatalogEntry[] = [];
  const merged = count - RUN_SEGMENTS * RUN_SEGMENT_ENTRIES;
  let written = 0;
  for (const record of records(count)) {
    batch.push({ seq, record });
    written += 1;
    const inRuns = written > merged;
    if (batch.length === (inRuns ? RUN_SEGMENT_ENTRIES : GROUP_ENTRIES) || written === merged) {
      await writeSegment(store, layout, inRuns ? 'run' : 'compacted', seq, 'bench', batch);
      seq += 1;
      batch = batch.length ? [] : batch;
    }
  }
  if (batch.length > 0) await writeSegment(store, layout, 'run', seq, 'bench', batch);
  await copyAll(setup, stub);
  await setup.close();
};

/** Copies every object of `from` into `to` (seeded, no requests counted on `to`). */
const copyAll = async (from: S3Stub, to: S3Stub): Promise<void> => {
  const store = s3Store(from);
  for await (const key of store.list(layout.prefix)) {
    const document = await store.getDocument(key);
    if (document) to.seed(BUCKET, key, document.body);
  }
};

const seedLegacy = (stub: S3Stub, count: number): void => {
  for (const record of records(count))
    stub.seed(BUCKET, layout.recordKey(record.id), encodeRecord(record));
};

/** What `archive list` did before the catalog (lambda/archive/catalog.ts at 643f725). */
const readOneByOne = async (store: BlobStore): Promise<MessageRecord[]> => {
  const found: MessageRecord[] = [];
  for await (const key of store.list(layout.recordsPrefix)) {
    if (!key.endsWith('.json')) continue;
    const document = await store.getDocument(key);
    const record = document ? decodeRecord(document.body) : null;
    if (record) found.push(record);
  }
  return found;
};

const timed = async <T>(work: () => Promise<T>): Promise<[T, number, number]> => {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(cpu);
  return [result, (performance.now() - started) / 1000, (used.user + used.system) / 1e6];
};

const measureCatalog = async (count: number): Promise<Measured> => {
  const stub = await startS3Stub(LATENCY_MS);
  try {
    step(`catalog: writing ${count} records as segments`);
    await seedCatalog(stub, count);
    stub.take();
    step('catalog: readCatalog');
    const [view, seconds, cpu] = await timed(() => readCatalog(s3Store(stub), layout));
    if (view.records.length !== count) throw new Error(`listed ${view.records.length} of ${count}`);
    return { records: view.records.length, seconds, cpu, requests: stub.take() };
  } finally {
    await stub.close();
  }
};

const measureLegacy = async (sample: number): Promise<Measured> => {
  const stub = await startS3Stub(LATENCY_MS);
  try {
    seedLegacy(stub, sample);
    stub.take();
    step(`one object per message: reading ${sample} record objects`);
    const [found, seconds, cpu] = await timed(() => readOneByOne(s3Store(stub)));
    if (found.length !== sample) throw new Error(`read ${found.length} of ${sample}`);
    return { records: found.length, seconds, cpu, requests: stub.take() };
  } finally {
    await stub.close();
  }
};

const render = (
  count: number,
  catalog: Measured,
  legacy: Measured,
  context: { load: [number, number]; commit: string },
): string => {
  const scale = count / legacy.records;
  const legacyRequests = Math.ceil(count / 1000) + count;
  const rows = [
    [
      'catalog (this version)',
      `${catalog.seconds.toFixed(2)} s`,
      `${catalog.cpu.toFixed(2)} s`,
      String(total(catalog.requests)),
      Object.entries(catalog.requests)
        .map(([operation, n]) => `${n} ${operation}`)
        .join(', '),
    ],
    [
      'one record object per message (before), extrapolated',
      `${(legacy.seconds * scale).toFixed(0)} s (${legacy.seconds.toFixed(1)} s for ${legacy.records})`,
      `${(legacy.cpu * scale).toFixed(1)} s`,
      String(legacyRequests),
      `${Math.ceil(count / 1000)} ListObjectsV2, ${count} GetObject`,
    ],
  ];
  const goals = [
    [
      `issue 13: archive list of ${count.toLocaleString('en')} messages < ${GOALS.seconds} s at ${LATENCY_MS} ms`,
      `${catalog.seconds.toFixed(2)} s`,
      catalog.seconds < GOALS.seconds ? 'met' : '**missed**',
    ],
    [
      `issue 13: … in ≤ ${GOALS.requests} requests`,
      String(total(catalog.requests)),
      total(catalog.requests) <= GOALS.requests ? 'met' : '**missed**',
    ],
  ];
  return [
    '## `archive list` of a large archive on S3 (`npm run bench:archive`)',
    '',
    `Measured ${today()} on ${formatMachine(describeMachine())}; 1-minute load average ` +
      `${context.load[0].toFixed(1)} at the start, ${context.load[1].toFixed(1)} at the end ` +
      `(the machine is shared). popfwd ${context.commit}.`,
    '',
    `${count.toLocaleString('en')} messages whose records look like Outlook.com mail (bench/lib/catalog-records.ts: ` +
      'about 40 header fields, 7.7 KB of JSON per record, one third tagged). S3 is ' +
      `bench/lib/aws-stubs.ts on loopback with every reply held ${LATENCY_MS} ms; popfwd's S3 store ` +
      '(AWS SDK v3) reads it. Timed: `readCatalog` (lambda/archive/catalog.ts), what `archive ' +
      'list` and the viewer call, from the first request to the sorted list. The catalog is as ' +
      `compaction leaves it: segments of ${GROUP_ENTRIES.toLocaleString('en')} messages (entries and header fields in ` +
      `two files) plus ${RUN_SEGMENTS} runs' own segments of ${RUN_SEGMENT_ENTRIES}. The design before it ` +
      `(one \`records/<id>.json\` per message, listed then read one at a time) was run on ` +
      `${legacy.records.toLocaleString('en')} objects and scaled linearly (its cost is one GET per message).`,
    '',
    table(['design', 'time', 'CPU', 'requests', 'of which'], rows),
    '',
    'CPU is user + system time of the process, the stub included; on a busy machine the wall ' +
      'time of the catalog read is mostly waiting for a core (the requests themselves, 8 at a ' +
      'time, account for about a tenth of a second).',
    '',
    table(['goal', 'measured', ''], goals),
  ].join('\n');
};

const main = async (): Promise<void> => {
  const commit = popfwdCommit(PROJECT_DIR);
  const count = setting('POPFWD_BENCH_ARCHIVE', 100_000);
  const sample = Math.min(count, setting('POPFWD_BENCH_LEGACY_SAMPLE', 2_000));
  const loadStart = loadAverage();
  const catalog = await measureCatalog(count);
  const legacy = await measureLegacy(sample);
  const report = render(count, catalog, legacy, { load: [loadStart, loadAverage()], commit });
  if (count === 100_000) await writeSection(BENCHMARKS_MD, 'archive', report);
  process.stdout.write(`${report}\n`);
};

await main();
