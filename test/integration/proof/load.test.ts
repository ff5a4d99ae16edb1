import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pop3Server, startPop3Server } from '../../../lambda/cli/sandbox/pop3-server.js';
import type { Config } from '../../../lambda/config/config-schema.js';
import { parseConfig } from '../../../lambda/config/parse.js';
import { mailboxLayout } from '../../../lambda/engine/layout.js';
import type { RunSummary } from '../../../lambda/engine/summary.js';
import { silentLog } from '../../../lambda/log.js';
import { runMailbox } from '../../helpers/engine-run.js';
import { proofConfig } from '../../helpers/proof/proof-config.js';
import { bulkMessages } from '../../helpers/proof/proof-mail.js';
import { markdownTable } from '../../helpers/proof/proof-table.js';
import { memorySecrets } from '../../helpers/secrets/memory-secrets.js';
import { type CountingStore, countingStore } from '../../helpers/stores/counting-store.js';
import { memoryStore } from '../../helpers/stores/memory-store.js';
import { testTls } from '../../helpers/tls-fixtures.js';

/**
 * Load (issue 7, issue 3): 10,000 messages kept on the server (retention keep) are archived over
 * successive runs, each stopped by maxMessagesPerRun or by the deadline, every message exactly
 * once; and a poll with nothing new costs the same few storage requests with 100 or 10,000
 * messages archived (docs/ARCHITECTURE.md invariant 6). The sandbox POP3 server runs in-process; time is a
 * clock that RETRs move forward (50 ms each for the first half of the mailbox, 100 ms after), so
 * the deadline is reached on a schedule, not by how fast this machine is.
 */

const ADDRESS = 'load@example.test';
const PASSWORD = 'load-secret';
const FIRST = 100;
const TOTAL = 10_000;
const MAX_MESSAGES_PER_RUN = 1_500;
const RUN_BUDGET_MS = 2 * 60_000;
const MAX_RUNS = 20;

const retrCost = (n: number): number => (n <= TOTAL / 2 ? 50 : 100);

describe('load: 10,000 messages kept on the server', () => {
  let server: Pop3Server;
  let store: CountingStore;
  let config: Config;
  const rows: (string | number)[][] = [];
  let virtualMs = 0;
  const clock = { now: () => Date.now() + virtualMs };
  const secrets = memorySecrets({ 'file:/load/password': PASSWORD }).store;

  const messages = (count: number, offset: number) =>
    bulkMessages(ADDRESS, count, offset).map((data, index) => ({
      uidl: `b${offset + index + 1}`,
      data,
    }));

  const run = (): Promise<RunSummary> =>
    runMailbox({
      config,
      store,
      secrets,
      log: silentLog,
      clock,
      deadline: clock.now() + RUN_BUDGET_MS,
    });

  /** Runs until nothing new is left; one table row per run. */
  const runUntilDone = async (): Promise<RunSummary[]> => {
    const summaries: RunSummary[] = [];
    do {
      const summary = await run();
      summaries.push(summary);
      rows.push([
        rows.length + 1,
        summary.fetched,
        summary.archived,
        summary.alreadyArchived,
        summary.stoppedBy ?? 'done',
        summary.remaining,
      ]);
    } while ((summaries.at(-1)?.remaining ?? 0) > 0 && summaries.length < MAX_RUNS);
    return summaries;
  };

  /** The storage requests of one poll that finds nothing new. */
  const emptyPoll = async () => {
    store.reset();
    const summary = await run();
    return { summary, counts: { ...store.counts }, total: store.total() };
  };

  beforeAll(async () => {
    const { cert, key } = testTls();
    server = await startPop3Server({
      tls: { cert, key },
      users: [{ user: ADDRESS, password: PASSWORD }],
      mailbox: messages(FIRST, 0),
      faults: {
        onCommand: (command) => {
          if (command.name === 'RETR') virtualMs += retrCost(Number(command.args[0]));
          return undefined;
        },
      },
    });
    store = countingStore(memoryStore());
    config = parseConfig(
      proofConfig({
        address: ADDRESS,
        pop3Port: server.port,
        passwordFile: '/load/password',
        storeDir: '/unused',
        retention: 'keep',
        limits: { maxMessagesPerRun: MAX_MESSAGES_PER_RUN },
      }),
      'load',
    ).config;
  });

  afterAll(async () => {
    const requests = (poll: typeof pollAfterAll) =>
      poll ? `${poll.total} storage request(s)` : 'not measured';
    console.log(
      `Load: ${TOTAL} messages, maxMessagesPerRun ${MAX_MESSAGES_PER_RUN}, ${RUN_BUDGET_MS / 60_000}-minute runs:\n${markdownTable(
        ['run', 'fetched', 'archived', 'already archived', 'stopped by', 'left for later'],
        rows,
      )}\nEmpty poll: ${requests(pollAfterFirst)} with ${FIRST} archived, ${requests(pollAfterAll)} with ${TOTAL}.`,
    );
    await server?.close();
  });

  let pollAfterFirst: Awaited<ReturnType<typeof emptyPoll>>;
  let pollAfterAll: Awaited<ReturnType<typeof emptyPoll>> | undefined;

  it('an empty poll with 100 messages archived reads the two ledger documents and nothing else', async () => {
    await runUntilDone();

    pollAfterFirst = await emptyPoll();

    expect(pollAfterFirst.summary).toMatchObject({ fetched: 0, archived: 0 });
    expect(pollAfterFirst.total).toBeLessThanOrEqual(2);
    expect(pollAfterFirst.counts).toMatchObject({ getDocument: 2, putDocument: 0, create: 0 });
  });

  it('archives 10,000 messages exactly once over runs stopped by maxMessagesPerRun and the deadline', async () => {
    server.mailbox.add(...messages(TOTAL - FIRST, FIRST));

    const summaries = await runUntilDone();

    const sum = (field: 'fetched' | 'archived' | 'alreadyArchived') =>
      summaries.reduce((total, summary) => total + summary[field], 0);
    expect(summaries.at(-1)?.remaining).toBe(0);
    expect(sum('fetched')).toBe(TOTAL - FIRST);
    expect(sum('archived')).toBe(TOTAL - FIRST);
    expect(sum('alreadyArchived')).toBe(0);
    expect(new Set(summaries.map((summary) => summary.stoppedBy))).toEqual(
      new Set(['maxMessagesPerRun', 'deadline', null]),
    );
    const layout = mailboxLayout(ADDRESS);
    const archived: string[] = [];
    for await (const key of store.list(layout.rawPrefix)) archived.push(key);
    const expected = server.mailbox.messages.map(({ uidl }) => layout.rawKey(layout.idFor(uidl)));
    expect(archived).toHaveLength(TOTAL);
    expect(new Set(archived)).toEqual(new Set(expected));
    expect(server.mailbox.messages).toHaveLength(TOTAL);
  });

  it('an empty poll with 10,000 archived costs exactly what it cost with 100', async () => {
    pollAfterAll = await emptyPoll();

    expect(pollAfterAll.summary).toMatchObject({ fetched: 0, archived: 0 });
    expect(pollAfterAll.counts).toEqual(pollAfterFirst.counts);
    expect(pollAfterAll.total).toBeLessThanOrEqual(2);
  });
});
