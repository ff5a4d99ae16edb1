import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mailboxLayout } from '../../../lambda/engine/layout.js';
import type { RunSummary } from '../../../lambda/engine/summary.js';
import { createLocalStore } from '../../../lambda/stores/local/local-store.js';
import { runCli } from '../../helpers/cli/cli.js';
import { type DovecotInstance, startDovecot } from '../../helpers/dovecot/dovecot.js';
import { describeWithDovecot } from '../../helpers/dovecot/dovecot-suite.js';
import { corpusMessages } from '../../helpers/mail/corpus.js';
import { SeededRandom } from '../../helpers/mail/seeded-random.js';
import { seenUidls } from '../../helpers/proof/ledger-peek.js';
import { watchMailbox } from '../../helpers/proof/mailbox-watch.js';
import { bundlePopfwd, type PopfwdBundle } from '../../helpers/proof/popfwd-bundle.js';
import { writeProofConfig } from '../../helpers/proof/proof-config.js';
import { markdownTable } from '../../helpers/proof/proof-table.js';
import { scratchDir } from '../../helpers/proof/scratch-dir.js';
import { spawnPopfwd } from '../../helpers/proof/spawn-popfwd.js';
import { catalogRecords } from '../../helpers/stores/catalog-records.js';

/**
 * Issue 3's crash test: 1,000 messages on a real Dovecot, retention delete. A `popfwd run` child is
 * SIGKILLed from outside at 10 moments drawn from a fixed seed, then popfwd runs until the mailbox
 * is empty. A moment is "right after the n-th log line of a kind" (--verbose): an archived
 * message (fetching: RETRs, archive writes and checkpoints in flight), a DELE, or the QUIT
 * (deletions committed or not, the run cannot know). Every message must end up archived exactly
 * once, byte for byte, with exactly one record in the catalog (kills land among its segment
 * writes, and completing runs compact it), and no message may ever leave the server before it
 * is in the archive.
 */

const ADDRESS = 'alice@example.test';
const PASSWORD = 'random-kills-secret';
const MESSAGES = 1_000;
const SEED = 20261126;
const MAX_MESSAGES_PER_RUN = 500;
const MAX_COMPLETING_RUNS = 6;

const PHASES = {
  fetching: /\binfo +(already )?archived\b/,
  deleting: /\bC: DELE \d+/,
  quitting: /\bC: QUIT\b/,
} as const;
type Phase = keyof typeof PHASES;

/** Mostly while fetching; QUIT last, since it may empty the mailbox. */
const KILL_PLAN: readonly Phase[] = [
  ...Array<Phase>(6).fill('fetching'),
  ...Array<Phase>(3).fill('deleting'),
  'quitting',
];

/** How many lines of `phase` the next run writes, from what is on the server and in the ledger. */
const linesOf = (phase: Phase, onServer: readonly string[], seen: ReadonlySet<string>): number => {
  const known = onServer.filter((uidl) => seen.has(uidl)).length;
  const fetched = Math.min(onServer.length - known, MAX_MESSAGES_PER_RUN);
  if (phase === 'fetching') return fetched;
  if (phase === 'deleting') return known + fetched;
  return onServer.length > 0 ? 1 : 0;
};

describeWithDovecot('SIGKILL at random moments (1,000 messages, retention delete)', () => {
  let dovecot: DovecotInstance;
  let popfwd: PopfwdBundle;
  let dir: string;
  const kills: (readonly [number, string, number, number, number])[] = [];

  beforeAll(async () => {
    dir = await scratchDir('popfwd-random-kills-');
    [dovecot, popfwd] = await Promise.all([
      startDovecot({ users: [{ user: ADDRESS, password: PASSWORD }] }),
      bundlePopfwd(),
    ]);
    // Small mail only (no attachments): 1,000 of them in a few MB keeps the test quick.
    const small = corpusMessages(1_200, { seed: 3 }).filter((m) => m.kind !== 'attachment');
    await dovecot.addMessages(
      ADDRESS,
      small.slice(0, MESSAGES).map((m) => m.data),
    );
  });

  afterAll(async () => {
    console.log(
      `Random SIGKILLs (seed ${SEED}):\n${markdownTable(
        ['kill', 'while', 'after line of that kind', 'on the server before', 'after'],
        kills,
      )}`,
    );
    await Promise.all([dovecot?.stop(), popfwd?.dispose()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('archives every message exactly once and byte-exact, empties the mailbox, deletes nothing unarchived', async () => {
    const passwordFile = join(dir, 'password');
    await writeFile(passwordFile, PASSWORD);
    const storeDir = join(dir, 'store');
    const store = createLocalStore(storeDir);
    const config = await writeProofConfig(dir, 'alice', {
      address: ADDRESS,
      pop3Port: dovecot.tlsPort,
      passwordFile,
      storeDir,
      retention: 'delete',
      limits: { maxMessagesPerRun: MAX_MESSAGES_PER_RUN },
    });
    const account = {
      host: dovecot.host,
      port: dovecot.plainPort,
      user: ADDRESS,
      password: PASSWORD,
    };
    const watch = await watchMailbox(account, store, ADDRESS);
    const random = new SeededRandom(SEED);

    let onServer = await watch.check();
    for (const planned of KILL_PLAN) {
      const seen = new Set(await seenUidls(store, ADDRESS));
      // Nothing left to fetch: the kill goes among the DELEs instead.
      const phase = linesOf(planned, onServer, seen) > 0 ? planned : 'deleting';
      const count = random.int(1, linesOf(phase, onServer, seen));
      const child = await spawnPopfwd(popfwd.path, ['run', '--config', config, '--verbose'], {
        killAfter: { line: PHASES[phase], count },
      });
      const killed = child.signal === 'SIGKILL' && child.killedAfter !== null;
      // Among the DELEs the child can outrun the signal on a loaded machine: its last DELE lines
      // and QUIT may be done before this side has read the line it waits for. That run then
      // simply finished (exit 0), which is recorded; while fetching, a kill must land.
      if (!killed && !(phase !== 'fetching' && child.code === 0))
        throw new Error(`popfwd was not killed (exit ${child.code}):\n${child.stderr}`);
      const before = onServer.length;
      onServer = await watch.check();
      kills.push([
        kills.length + 1,
        killed ? phase : `${phase} (finished first)`,
        count,
        before,
        onServer.length,
      ]);
      if (onServer.length === 0) break;
    }
    for (let runs = 0; onServer.length > 0 && runs < MAX_COMPLETING_RUNS; runs += 1) {
      const result = await runCli(['run', '--config', config, '--json'], dir);
      if (result.code !== 0) throw new Error(`popfwd failed (${result.code}):\n${result.stderr}`);
      expect((JSON.parse(result.stdout) as RunSummary).busy).toBeNull();
      onServer = await watch.check();
    }
    const audit = await watch.audit();

    // Every kill planned while fetching landed (only those among the DELEs may be outrun).
    expect(kills.filter(([, phase]) => phase === 'fetching')).toHaveLength(
      KILL_PLAN.filter((phase) => phase === 'fetching').length,
    );
    expect(watch.snapshot.size).toBe(MESSAGES);
    expect(audit.onServer).toEqual([]);
    expect(audit.exact).toBe(MESSAGES);
    expect(audit.rawObjects).toBe(MESSAGES);
    expect(audit.archivedTwice).toEqual([]);
    expect(audit.lost).toEqual([]);
    expect([...watch.deletedBeforeArchived]).toEqual([]);
    const records = await catalogRecords(store, ADDRESS);
    expect(records).toHaveLength(MESSAGES);
    expect(new Set(records.map((record) => record.meta.key)).size).toBe(MESSAGES);
    for await (const key of store.list(mailboxLayout(ADDRESS).rawPrefix))
      expect(records.some((record) => record.meta.key === key)).toBe(true);
  }, 240_000);
});
