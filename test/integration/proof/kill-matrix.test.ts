import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { COMPACT_AT } from '../../../lambda/engine/catalog-compact.js';
import { writeSegment } from '../../../lambda/engine/catalog-write.js';
import { mailboxLayout } from '../../../lambda/engine/layout.js';
import { encodeRecord } from '../../../lambda/engine/message-record.js';
import { IN_DOUBT_REASON } from '../../../lambda/engine/state-rebuild.js';
import type { RunSummary } from '../../../lambda/engine/summary.js';
import { createLocalStore } from '../../../lambda/stores/local/local-store.js';
import { CRASH_POINTS, type CrashPoint } from '../../../lambda/test-hooks/crash-points.js';
import { runCli } from '../../helpers/cli/cli.js';
import { type DovecotInstance, startDovecot } from '../../helpers/dovecot/dovecot.js';
import { describeWithDovecot } from '../../helpers/dovecot/dovecot-suite.js';
import { sendsInFlight } from '../../helpers/proof/ledger-peek.js';
import { watchMailbox } from '../../helpers/proof/mailbox-watch.js';
import { bundlePopfwd, type PopfwdBundle } from '../../helpers/proof/popfwd-bundle.js';
import { writeProofConfig } from '../../helpers/proof/proof-config.js';
import { PLANNED_SENDS, proofMessages } from '../../helpers/proof/proof-mail.js';
import { markdownTable } from '../../helpers/proof/proof-table.js';
import { scratchDir } from '../../helpers/proof/scratch-dir.js';
import { auditSends } from '../../helpers/proof/send-audit.js';
import { spawnPopfwd } from '../../helpers/proof/spawn-popfwd.js';
import { type SmtpTestServer, startSmtpTestServer } from '../../helpers/smtp/smtp-test-server.js';
import { catalogRecords } from '../../helpers/stores/catalog-records.js';

/**
 * The kill-anywhere matrix (nothing is lost; each send happens once): a `popfwd run` child
 * process is killed with SIGKILL at each crash point of lambda/test-hooks/crash-points.ts, then
 * popfwd runs again until the mailbox is empty and nothing is pending. Real Dovecot, retention
 * delete, a forward rule and vacation on; the expected bytes come from an independent reader
 * before popfwd starts.
 *
 * The rebuild row first loses state.json (a run killed before its third send, then the file
 * deleted): the next run rebuilds it from the records and is killed right after saving it. Sends
 * whose outcome the lost file held are withheld, never repeated; the row counts them.
 *
 * The migration row first makes the archive one of an earlier version (a run killed before its
 * third send, then every catalog record written back as a `records/<id>.json` object with that
 * version's encoder, the catalog removed): the next run is killed after moving the first batch
 * into the catalog, before deleting the objects.
 *
 * The compaction row first leaves small segments piled up, as many short runs do (a run killed
 * before its third send, then its catalog rewritten as one segment per message and its segment
 * numbering moved to just below a compaction check): the next run compacts, and is killed after
 * writing the merged segment, before deleting the ones it replaces.
 *
 * Every row also checks the catalog: each archived message has exactly one record there, and
 * each record its archived message.
 */

const PASSWORD = 'kill-matrix-secret';
const PLANNED = PLANNED_SENDS.forwards + PLANNED_SENDS.replies;
const MAX_RERUNS = 5;

/** Where each kill lands: mid-mailbox for per-message points, mid-send-phase for sends. */
const KILLS: readonly {
  readonly point: CrashPoint;
  readonly hit: number;
  /** Lose state.json first (see above). */
  readonly loseState?: true;
  /** Turn the archive into an earlier version's first (see above). */
  readonly legacy?: true;
  /** Pile up small catalog segments first (see above). */
  readonly fragment?: true;
}[] = [
  { point: 'after-retr', hit: 4 },
  { point: 'mid-archive', hit: 1 },
  { point: 'after-archive', hit: 4 },
  { point: 'after-claim', hit: 4 },
  { point: 'after-rebuild', hit: 1, loseState: true },
  { point: 'mid-checkpoint', hit: 1 },
  { point: 'before-send', hit: 3 },
  { point: 'after-smtp', hit: 3 },
  { point: 'after-segment', hit: 2 },
  { point: 'mid-compaction', hit: 1, fragment: true },
  { point: 'mid-migration', hit: 1, legacy: true },
  { point: 'after-dele', hit: 1 },
  { point: 'during-quit', hit: 1 },
];

interface MatrixRow {
  readonly crash: string;
  readonly killed: boolean;
  readonly reruns: number;
  readonly messages: number;
  readonly archivedOnce: number;
  readonly lost: number;
  readonly archivedTwice: number;
  readonly deletedBeforeArchived: number;
  readonly left: number;
  readonly sends: number;
  readonly missingSends: number;
  readonly duplicates: number;
  /** Duplicates of a send that was in flight when the run died (the documented window). */
  readonly inWindow: number;
  /** Planned sends marked failed because the state that knew their outcome was lost. */
  readonly withheld: number;
  /** Archived messages without a catalog record, and catalog records without a message. */
  readonly uncatalogued: number;
  readonly catalogExtra: number;
}

const addressFor = (name: string): string => `${name}@example.test`;

/** Sends the records show as withheld because the state that knew their outcome was lost. */
const withheldSends = async (
  store: ReturnType<typeof createLocalStore>,
  address: string,
): Promise<number> => {
  let withheld = 0;
  for (const record of await catalogRecords(store, address)) {
    withheld += Object.values(record.actions).filter(
      (action) => action.reason === IN_DOUBT_REASON,
    ).length;
  }
  return withheld;
};

/**
 * Raw objects without exactly one catalog record naming them, and records naming no raw object.
 * The fold gives each message id one record; two ids may not hold one raw object either.
 */
const auditCatalog = async (
  store: ReturnType<typeof createLocalStore>,
  address: string,
): Promise<{ uncatalogued: number; catalogExtra: number }> => {
  const raw = new Set<string>();
  for await (const key of store.list(mailboxLayout(address).rawPrefix)) raw.add(key);
  const named = new Map<string, number>();
  for (const record of await catalogRecords(store, address))
    named.set(record.meta.key, (named.get(record.meta.key) ?? 0) + 1);
  return {
    uncatalogued: [...raw].filter((key) => named.get(key) !== 1).length,
    catalogExtra: [...named.keys()].filter((key) => !raw.has(key)).length,
  };
};

/** One small segment per message, numbered to reach a compaction check (compaction row). */
const fragmentCatalog = async (
  store: ReturnType<typeof createLocalStore>,
  address: string,
): Promise<void> => {
  const layout = mailboxLayout(address);
  const records = await catalogRecords(store, address);
  for await (const key of store.list(layout.catalogPrefix)) await store.delete(key);
  for (const [seq, record] of records.entries())
    await writeSegment(store, layout, 'run', seq, 'fragment', [{ seq, record }]);
  const stored = await store.getDocument(layout.stateKey);
  const state = JSON.parse(stored?.body.toString('utf8') ?? '{}') as Record<string, unknown>;
  const next = Math.ceil((records.length + 1) / COMPACT_AT) * COMPACT_AT - 1;
  await store.putDocument(
    layout.stateKey,
    Buffer.from(JSON.stringify({ ...state, catalogNext: next })),
  );
};

/** The archive as a version before the catalog left it (see the migration row above). */
const toLegacyArchive = async (
  store: ReturnType<typeof createLocalStore>,
  address: string,
): Promise<void> => {
  const layout = mailboxLayout(address);
  for (const record of await catalogRecords(store, address)) {
    await store.putDocument(layout.recordKey(record.id), encodeRecord(record));
  }
  for await (const key of store.list(layout.catalogPrefix)) await store.delete(key);
  const stored = await store.getDocument(layout.stateKey);
  const {
    catalogSince: _since,
    catalogNext: _next,
    ...state
  } = JSON.parse(stored?.body.toString('utf8') ?? '{}') as Record<string, unknown>;
  await store.putDocument(layout.stateKey, Buffer.from(JSON.stringify(state)));
};

describeWithDovecot('kill-anywhere matrix', () => {
  const rows: MatrixRow[] = [];
  let dovecot: DovecotInstance;
  let smtp: SmtpTestServer;
  let popfwd: PopfwdBundle;
  let dir: string;
  let passwordFile: string;

  beforeAll(async () => {
    const names = ['control', ...KILLS.map((kill) => kill.point)];
    dir = await scratchDir('popfwd-kill-matrix-');
    passwordFile = join(dir, 'password');
    await writeFile(passwordFile, PASSWORD);
    [dovecot, smtp, popfwd] = await Promise.all([
      startDovecot({
        users: names.map((name) => ({ user: addressFor(name), password: PASSWORD })),
      }),
      startSmtpTestServer({
        passwords: Object.fromEntries(names.map((name) => [addressFor(name), PASSWORD])),
      }),
      bundlePopfwd(),
    ]);
    for (const name of names) {
      await dovecot.addMessages(addressFor(name), proofMessages(addressFor(name)));
    }
  });

  afterAll(async () => {
    const table = markdownTable(
      [
        'crash point',
        'killed',
        'reruns',
        'messages',
        'archived once',
        'lost',
        'archived twice',
        'deleted before archived',
        'left on server',
        'sends',
        'missing sends',
        'duplicate sends',
        'withheld (state lost)',
        'catalog: missing / extra',
      ],
      rows.map((row) => [
        row.crash,
        row.killed ? 'SIGKILL' : 'no',
        row.reruns,
        row.messages,
        row.archivedOnce,
        row.lost,
        row.archivedTwice,
        row.deletedBeforeArchived,
        row.left,
        row.sends,
        row.missingSends,
        row.inWindow > 0 ? `${row.duplicates} (in window)` : row.duplicates,
        row.withheld,
        `${row.uncatalogued} / ${row.catalogExtra}`,
      ]),
    );
    console.log(
      `Kill-anywhere matrix (Dovecot, retention delete, forward rule, vacation):\n${table}`,
    );
    await Promise.all([dovecot?.stop(), smtp?.close(), popfwd?.dispose()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Kills a run at `crashAt` (if given), then runs popfwd until the work is done; audits each step. */
  const prove = async (
    name: string,
    crashAt?: string,
    loseState = false,
    legacy = false,
    fragment = false,
  ): Promise<MatrixRow> => {
    const address = addressFor(name);
    const storeDir = join(dir, name);
    const store = createLocalStore(storeDir);
    const config = await writeProofConfig(dir, name, {
      address,
      pop3Port: dovecot.tlsPort,
      smtpPort: smtp.port,
      passwordFile,
      storeDir,
      retention: 'delete',
    });
    const watch = await watchMailbox(
      { host: dovecot.host, port: dovecot.plainPort, user: address, password: PASSWORD },
      store,
      address,
    );

    let killed = false;
    let window: string[] = [];
    if (loseState || legacy || fragment) {
      await spawnPopfwd(popfwd.path, ['run', '--config', config], {
        env: { POPFWD_CRASH_AT: 'before-send:3' },
      });
      await watch.check();
      if (loseState) await store.delete(mailboxLayout(address).stateKey);
      if (legacy) await toLegacyArchive(store, address);
      if (fragment) await fragmentCatalog(store, address);
    }
    if (crashAt) {
      const child = await spawnPopfwd(popfwd.path, ['run', '--config', config], {
        env: { POPFWD_CRASH_AT: crashAt },
      });
      killed = child.signal === 'SIGKILL' && child.code === null;
      window = await sendsInFlight(store, address);
      await watch.check();
    }

    let reruns = 0;
    let pending = 0;
    let onServer: string[];
    do {
      const result = await runCli(['run', '--config', config, '--json'], dir);
      // 5: the run finished with sends still waiting (the loop runs again for them).
      if (result.code !== 0 && result.code !== 5)
        throw new Error(`rerun failed (${result.code}):\n${result.stderr}`);
      pending = (JSON.parse(result.stdout) as RunSummary).pendingActions;
      reruns += 1;
      onServer = await watch.check();
    } while ((onServer.length > 0 || pending > 0) && reruns < MAX_RERUNS);
    const audit = await watch.audit();

    const sends = auditSends(smtp.messages.filter((mail) => mail.user === address));
    const duplicates = [...sends.duplicated.values()].reduce((sum, extra) => sum + extra, 0);
    const inWindow = [...sends.duplicated]
      .filter(([id]) => window.includes(id))
      .reduce((sum, [, extra]) => sum + extra, 0);
    return {
      crash: crashAt ?? 'none (control)',
      killed,
      reruns,
      messages: watch.snapshot.size,
      archivedOnce: audit.exact - audit.archivedTwice.length,
      lost: audit.lost.length,
      archivedTwice: audit.archivedTwice.length,
      deletedBeforeArchived: watch.deletedBeforeArchived.size,
      left: audit.onServer.length,
      sends: sends.unique.size,
      missingSends: PLANNED - sends.unique.size,
      duplicates,
      inWindow,
      withheld: await withheldSends(store, address),
      ...(await auditCatalog(store, address)),
    };
  };

  it('covers every crash point the engine defines', () => {
    expect(KILLS.map((kill) => kill.point).sort()).toEqual([...CRASH_POINTS].sort());
  });

  it('control: without a crash, one run archives everything once and sends each planned mail once', async () => {
    const row = await prove('control');
    rows.push(row);

    expect(row).toMatchObject({
      reruns: 1,
      archivedOnce: row.messages,
      lost: 0,
      archivedTwice: 0,
      deletedBeforeArchived: 0,
      left: 0,
      sends: PLANNED,
      duplicates: 0,
      uncatalogued: 0,
      catalogExtra: 0,
    });
  });

  for (const { point, hit, loseState, legacy, fragment } of KILLS) {
    const crashAt = `${point}:${hit}`;
    const window = point === 'after-smtp';
    it(`${crashAt}: ${loseState ? 'state.json lost, ' : ''}${legacy ? 'an earlier version archive, ' : ''}${fragment ? 'small segments piled up, ' : ''}SIGKILL there, then reruns: nothing lost, archived and catalogued once, ${
      window ? 'only the in-flight send repeated' : 'nothing sent twice'
    }`, async () => {
      const row = await prove(point, crashAt, loseState, legacy, fragment);
      rows.push(row);

      expect(row).toMatchObject({
        killed: true,
        archivedOnce: row.messages,
        lost: 0,
        archivedTwice: 0,
        deletedBeforeArchived: 0,
        left: 0,
        uncatalogued: 0,
        catalogExtra: 0,
      });
      // Only a lost state.json withholds sends (at least the one in flight); a send is missing
      // only if it was withheld.
      if (loseState) {
        expect(row.withheld).toBeGreaterThan(0);
        expect(row.missingSends).toBeLessThanOrEqual(row.withheld);
      } else {
        expect(row).toMatchObject({ missingSends: 0, withheld: 0 });
      }
      // SMTP accepted the mail and the run died before recording it: the one send in flight goes
      // out again, with the same Message-ID. Nowhere else may anything be sent twice.
      expect(row.duplicates).toBe(window ? 1 : 0);
      expect(row.inWindow).toBe(row.duplicates);
    });
  }
});
