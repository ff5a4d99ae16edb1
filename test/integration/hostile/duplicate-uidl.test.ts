import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Pop3Message } from '../../../lambda/cli/sandbox/pop3-server.js';
import type { RunSummary } from '../../../lambda/engine/summary.js';
import { parseHeaderBlock } from '../../../lambda/mail/parse-headers.js';
import type { BlobStore } from '../../../lambda/stores/blob-store.js';
import { firstFault, rewriteUidls } from '../../helpers/pop3/hostile/uidl-rewrite.js';
import { fault } from '../../helpers/pop3/pop3-faults.js';
import { type Engine, expectSameBytes, layout, mail, useEngine } from '../engine/engine-fixture.js';
import { forwardAll, HOUR_MS } from './mailbox-settings.js';
import { type RunStore, STORE_KINDS, useRunStore } from './store-kinds.js';

/**
 * Issue 11, item 1: a server that lists one UIDL for two different messages (`1 dup`, `2 dup`,
 * `3 u3`). Each message it serves reaches the archive once under a key of its own, its forwards go
 * out once across runs, neither is ever deleted, and every run says so once, naming the UIDL.
 */

/** Message `alias` is listed under UIDL `dup` (the sandbox itself needs distinct UIDLs). */
const listedAsDup = (aliases: readonly string[]) =>
  rewriteUidls((uidl) => (aliases.includes(uidl) ? 'dup' : uidl));

const copy = (alias: string, subject: string): Pop3Message => ({
  uidl: alias,
  data: mail('dup', { subject }).data,
});

const sent = (mailbox: Engine): number => mailbox.smtp?.messages.length ?? 0;

const subjectsSent = (mailbox: Engine): string[] =>
  (mailbox.smtp?.messages ?? []).map((sent) => parseHeaderBlock(sent.raw).subject).sort();

const alertsAbout = (summary: RunSummary, text: string): number =>
  summary.alerts.filter((alert) => alert.message.includes(text)).length;

const runs = async (mailbox: Engine, target: RunStore, count: number, retention = 'delete') => {
  const summaries: RunSummary[] = [];
  for (let run = 0; run < count; run += 1) {
    summaries.push(await mailbox.run({ retention, rules: [forwardAll] }, { store: target.store }));
    mailbox.clock.advance(HOUR_MS);
  }
  return summaries;
};

describe.each(STORE_KINDS)('a UIDL listed for two different messages (%s store)', (kind) => {
  const engine = useEngine();
  const runStore = useRunStore();

  it('archives and forwards each message once across runs, deletes neither, and says so once a run', async () => {
    // Prepare
    const first = copy('dup', 'first of two');
    const second = copy('x2', 'second of two');
    const other = mail('u3');
    const mailbox = await engine({
      smtp: true,
      mailbox: [first, second, other],
      faults: { onCommand: listedAsDup(['x2']) },
    });
    const target = runStore(kind, mailbox);

    // Act
    const [one, two, three] = await runs(mailbox, target, 3);

    // Assess
    expect(one).toMatchObject({ fetched: 3, archived: 3, forwarded: 3, deleted: 1, failed: 0 });
    for (const later of [two, three]) {
      expect(later).toMatchObject({ fetched: 0, archived: 0, forwarded: 0, deleted: 0 });
    }
    for (const summary of [one, two, three]) {
      expect(alertsAbout(summary as RunSummary, 'UIDL dup (2×)')).toBe(1);
    }
    expect(subjectsSent(mailbox)).toEqual([
      'Fwd: first of two',
      'Fwd: message u3',
      'Fwd: second of two',
    ]);
    const records = await target.view.records();
    expect(new Set(records.map((record) => record.meta.key)).size).toBe(3);
    expect(await target.view.rawKeys()).toHaveLength(3);
    for (const served of [first, second, other]) {
      const record = records.find(
        (candidate) => candidate.meta.subject === parseHeaderBlock(served.data).subject,
      );
      expectSameBytes(await target.view.raw(record?.meta.key ?? ''), served.data);
    }
    const deletes = mailbox.server.commands().filter((line) => line.startsWith('DELE'));
    expect(deletes).toEqual(['DELE 3']);
    expect(mailbox.server.mailbox.messages.map((message) => message.uidl)).toEqual(['dup', 'x2']);
  });
});

describe('a UIDL listed for more than one message', () => {
  const engine = useEngine();
  const runStore = useRunStore();

  it('archives and forwards identical bytes listed twice once, and reads them no more', async () => {
    // Prepare: the same bytes served as messages 1 and 2, both listed as "dup"
    const twin = copy('dup', 'twins');
    const mailbox = await engine({
      smtp: true,
      mailbox: [twin, { uidl: 'x2', data: twin.data }, mail('u3')],
      faults: { onCommand: listedAsDup(['x2']) },
    });
    const target = runStore('local', mailbox);

    // Act
    const [one, two] = await runs(mailbox, target, 2);

    // Assess
    expect(one).toMatchObject({ fetched: 3, archived: 2, alreadyArchived: 1, forwarded: 2 });
    expect(two).toMatchObject({ fetched: 0, forwarded: 0, deleted: 0 });
    expect(subjectsSent(mailbox)).toEqual(['Fwd: message u3', 'Fwd: twins']);
    expect(await target.view.rawKeys()).toHaveLength(2);
    expect(mailbox.server.mailbox.messages).toHaveLength(2);
  });

  it('plans identical copies once even when one read the archive before the other recorded it', async () => {
    // Prepare: twins; the second copy's look at their record is held until the first copy's
    // forward went out, then finds nothing (as if it had looked before the record was written)
    const twin = copy('dup', 'twins');
    const mailbox = await engine({
      smtp: true,
      mailbox: [twin, { uidl: 'x2', data: twin.data }],
      faults: { onCommand: listedAsDup(['x2']) },
    });
    let hidden = false;
    const early: BlobStore = {
      ...mailbox.store,
      location: mailbox.store.location,
      getDocument: async (key) => {
        // Only the look of a copy whose archive write found the bytes already there (the race):
        // other reads of the record (the sender's, the first copy's) may be what the forward
        // itself waits for.
        const racing = new Error().stack?.includes('archive-message') ?? false;
        if (!hidden && racing && key.startsWith(layout.recordsPrefix)) {
          hidden = true;
          const until = Date.now() + 10_000;
          while (sent(mailbox) === 0 && Date.now() < until) await sleep(5);
          return null;
        }
        return mailbox.store.getDocument(key);
      },
    };
    const target = { store: early, view: runStore('local', mailbox).view };

    // Act
    const [one, two] = await runs(mailbox, target, 2);

    // Assess
    expect(hidden).toBe(true);
    expect(one).toMatchObject({ archived: 1, alreadyArchived: 1, forwarded: 1 });
    expect(two).toMatchObject({ fetched: 0, forwarded: 0, pendingActions: 0 });
    expect(subjectsSent(mailbox)).toEqual(['Fwd: twins']);
    const [record] = await target.view.records();
    expect(Object.values(record?.actions ?? {}).map((action) => action.status)).toEqual(['sent']);
  });

  it('archives a third message under the UIDL without repeating the two it knows', async () => {
    // Prepare: two copies archived; then a third of the same LIST size as the first arrives
    const mailbox = await engine({
      smtp: true,
      mailbox: [copy('dup', 'first of two'), copy('x2', 'second of two')],
      faults: { onCommand: listedAsDup(['x2', 'x3']) },
    });
    const target = runStore('local', mailbox);
    const [before] = await runs(mailbox, target, 1, 'keep');
    const third = copy('x3', 'third one!!!');
    expect(third.data.length).toBe(copy('dup', 'first of two').data.length);
    mailbox.server.mailbox.add(third);

    // Act
    const [after, again] = await runs(mailbox, target, 2, 'keep');

    // Assess: both copies of that size are read again; only the new one is archived and sent
    expect(before).toMatchObject({ archived: 2, forwarded: 2 });
    expect(after).toMatchObject({ fetched: 2, archived: 1, alreadyArchived: 1, forwarded: 1 });
    expect(again).toMatchObject({ fetched: 0, forwarded: 0 });
    expect(subjectsSent(mailbox)).toEqual([
      'Fwd: first of two',
      'Fwd: second of two',
      'Fwd: third one!!!',
    ]);
    expect(await target.view.rawKeys()).toHaveLength(3);
    expect(alertsAbout(after as RunSummary, 'UIDL dup (3×)')).toBe(1);
  });

  it('reads a copy the server refused once on the next run, without holding the others back', async () => {
    // Prepare: the first session refuses RETR 2
    const refuseOnce = firstFault(listedAsDup(['x2']), (command) =>
      command.session === 1 && command.name === 'RETR' && command.args[0] === '2'
        ? fault.reply('-ERR [SYS/TEMP] try again later')
        : undefined,
    );
    const mailbox = await engine({
      smtp: true,
      mailbox: [copy('dup', 'first of two'), copy('x2', 'second of two'), mail('u3')],
      faults: { onCommand: refuseOnce },
    });
    const target = runStore('local', mailbox);

    // Act
    const [one, two, three] = await runs(mailbox, target, 3);

    // Assess
    expect(one).toMatchObject({ fetched: 2, archived: 2, failed: 1, forwarded: 2, deleted: 1 });
    expect(two).toMatchObject({ fetched: 1, archived: 1, forwarded: 1, deleted: 0 });
    expect(three).toMatchObject({ fetched: 0, forwarded: 0 });
    expect(subjectsSent(mailbox)).toEqual([
      'Fwd: first of two',
      'Fwd: message u3',
      'Fwd: second of two',
    ]);
    expect(mailbox.server.mailbox.messages).toHaveLength(2);
  });
});
