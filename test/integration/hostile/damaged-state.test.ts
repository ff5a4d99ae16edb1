import { describe, expect, it } from 'vitest';
import { IN_DOUBT_REASON } from '../../../lambda/engine/state-rebuild.js';
import { hasCode } from '../../../lambda/errors.js';
import { rewriteUidls } from '../../helpers/pop3/hostile/uidl-rewrite.js';
import { smtpReply } from '../../helpers/smtp/smtp-test-server.js';
import { type Engine, layout, mail, useEngine } from '../engine/engine-fixture.js';
import { forwardAll, HOUR_MS, vacation } from './mailbox-settings.js';
import { type RunStore, STORE_KINDS, useRunStore } from './store-kinds.js';

/**
 * Issue 11, item 3: damaged or lost bookkeeping must never be taken for "nothing happened yet".
 * Every stored document is checked against its schema; a damaged record stops the run with its
 * name and what to do; a lost state.json or uidls.json is rebuilt from the records, the durable
 * evidence, without repeating a send.
 */

const GARBAGE = Buffer.from('garbage{');

const sent = (mailbox: Engine) => mailbox.smtp?.messages.length ?? 0;

const keysUnder = (target: RunStore, prefix: string) => target.view.keys(prefix);

/** The catalog's segments (their entries files: what makes a segment exist). */
const segmentKeys = async (target: RunStore) =>
  (await keysUnder(target, layout.catalogPrefix)).filter(
    (key) => !key.endsWith('.headers.jsonl.gz'),
  );

/** A segment's file name, as a pattern (engine/catalog-format.ts). */
const SEGMENT_NAME = '\\d{12}-[rcm]\\d{6}-[0-9a-z]+\\.jsonl\\.gz';

/** Replaces (or, with null, deletes) a stored document behind popfwd's back. */
const overwrite = async (target: RunStore, key: string, body: Buffer | null) => {
  if (body === null) await target.store.delete(key);
  else await target.store.putDocument(key, body);
};

const threeMessages = () =>
  ['ann', 'ben', 'cat'].map((name) => mail(name, { from: `${name}@example.org` }));

describe.each(STORE_KINDS)('damaged or lost bookkeeping (%s store)', (kind) => {
  const engine = useEngine();
  const runStore = useRunStore();

  it('refuses, naming the segment, when every catalog segment is garbage and uidls.json is gone: no send repeats', async () => {
    // Prepare: the case
    const mailbox = await engine({ smtp: true, mailbox: threeMessages() });
    const target = runStore(kind, mailbox);
    const run = () => mailbox.run({ rules: [forwardAll] }, { store: target.store });
    expect(await run()).toMatchObject({ archived: 3, forwarded: 3 });
    const records = await segmentKeys(target);
    const originals = await Promise.all(records.map((key) => target.store.getDocument(key)));
    for (const key of records) await overwrite(target, key, GARBAGE);
    await overwrite(target, layout.seenKey, null);

    // Act
    const refused = await run().catch((error: unknown) => error);
    const again = await run().catch((error: unknown) => error);

    // Assess
    for (const error of [refused, again]) {
      expect(hasCode(error, 'ESTORE')).toBe(true);
      expect((error as Error).message).toMatch(
        new RegExp(
          `^${layout.catalogPrefix}${SEGMENT_NAME} is damaged \\(not a complete gzip stream\\); restore it from a backup`,
        ),
      );
    }
    expect(sent(mailbox)).toBe(3);
    expect(mailbox.server.mailbox.messages).toHaveLength(3);

    // Restoring the records is all it takes: the run matches them and sends nothing
    for (const [index, key] of records.entries()) {
      await overwrite(target, key, originals[index]?.body ?? null);
    }
    const restored = await run();
    expect(restored).toMatchObject({ fetched: 3, alreadyArchived: 3, forwarded: 0 });
    expect(restored.alerts.map((alert) => alert.message)).toEqual([
      expect.stringContaining(`${layout.seenKey} was missing`),
    ]);
    expect(Object.keys(await target.view.seen()).sort()).toEqual(['ann', 'ben', 'cat']);
    expect(sent(mailbox)).toBe(3);
  });

  it('rebuilds a deleted state.json from the records: vacation memory kept, no reply twice', async () => {
    // Prepare: three senders answered once; state.json then lost
    const mailbox = await engine({ smtp: true, mailbox: threeMessages() });
    const target = runStore(kind, mailbox);
    const run = () => mailbox.run({ rules: [forwardAll], vacation }, { store: target.store });
    expect(await run()).toMatchObject({ forwarded: 3, replied: 3 });
    await overwrite(target, layout.stateKey, null);
    mailbox.clock.advance(HOUR_MS);
    mailbox.server.mailbox.add(mail('ann2', { from: 'ann@example.org' }));

    // Act
    const rebuilt = await run();
    const next = await run();

    // Assess: the new message is forwarded; ann is not answered again within 7 days
    expect(rebuilt).toMatchObject({ archived: 1, forwarded: 1, replied: 0, skipped: 1 });
    expect(rebuilt.alerts).toEqual([
      {
        code: 'ESTORE',
        message: expect.stringMatching(
          /state\.json was missing and is rebuilt from 3 message record\(s\): vacation replies to 3 sender\(s\) are remembered$/,
        ),
      },
    ]);
    expect(next).toMatchObject({ fetched: 0, forwarded: 0, replied: 0, alerts: [] });
    expect(sent(mailbox)).toBe(7);
    expect(Object.keys((await target.view.state())?.vacation ?? {}).sort()).toEqual([
      'ann@example.org',
      'ben@example.org',
      'cat@example.org',
    ]);
  });
});

describe('sends waiting when their bookkeeping is lost or damaged', () => {
  const engine = useEngine();
  const runStore = useRunStore();

  it('marks the sends whose outcome was lost failed, with the reason, and sends none of them', async () => {
    // Prepare: the SMTP server defers every message, so three forwards wait in state.json
    let defer = true;
    const mailbox = await engine({
      smtp: { dataReply: () => (defer ? smtpReply(451, '4.3.0 try again later') : undefined) },
      mailbox: threeMessages(),
    });
    const target = runStore('local', mailbox);
    const run = () => mailbox.run({ rules: [forwardAll] }, { store: target.store });
    expect(await run()).toMatchObject({ archived: 3, forwarded: 0, pendingActions: 3 });
    await overwrite(target, layout.stateKey, null);
    defer = false;
    mailbox.clock.advance(6 * HOUR_MS);

    // Act
    const rebuilt = await run();
    const next = await run();

    // Assess
    expect(rebuilt).toMatchObject({ forwarded: 0, pendingActions: 0 });
    expect(rebuilt.alerts.map((alert) => alert.message)).toEqual([
      expect.stringContaining('3 send(s) whose outcome was lost are marked failed'),
    ]);
    expect(next).toMatchObject({ forwarded: 0, alerts: [] });
    expect(sent(mailbox)).toBe(0);
    const actions = (await target.view.records()).flatMap((record) =>
      Object.values(record.actions),
    );
    expect(actions.map(({ status, reason }) => ({ status, reason }))).toEqual(
      Array(3).fill({ status: 'failed', reason: IN_DOUBT_REASON }),
    );
    expect((await target.view.state())?.pending).toEqual({});
  });

  it('stops, naming the segment, when the catalog segment of a message whose sends wait is damaged', async () => {
    // Prepare: three forwards deferred, then every catalog segment damaged
    let defer = true;
    const mailbox = await engine({
      smtp: { dataReply: () => (defer ? smtpReply(451, '4.3.0 try again later') : undefined) },
      mailbox: threeMessages(),
    });
    const target = runStore('local', mailbox);
    expect(await mailbox.run({ rules: [forwardAll] })).toMatchObject({ pendingActions: 3 });
    for (const key of await segmentKeys(target)) await overwrite(target, key, GARBAGE);
    defer = false;
    mailbox.clock.advance(6 * HOUR_MS);

    // Act
    const error = await mailbox.run({ rules: [forwardAll] }).catch((caught: unknown) => caught);

    // Assess: nothing sent, and the ledger still knows every waiting send
    expect(hasCode(error, 'ESTORE')).toBe(true);
    expect((error as Error).message).toMatch(
      new RegExp(
        `${layout.catalogPrefix}${SEGMENT_NAME} is damaged \\(not a complete gzip stream\\)`,
      ),
    );
    expect(sent(mailbox)).toBe(0);
    expect(Object.keys((await target.view.state())?.pending ?? {})).toHaveLength(3);
  });
});

describe('documents with the wrong shape', () => {
  const engine = useEngine();
  const runStore = useRunStore();

  it.each([
    ['uidls.json', layout.seenKey, '{"v":1,"uidls":{"ann":{"t":"yesterday"}}}', 'uidls.ann.t'],
    ['uidls.json', layout.seenKey, '{"v":1,"uidls":[]}', 'uidls'],
    [
      'state.json',
      layout.stateKey,
      `{"v":1,"mailbox":"x","lease":null,"pending":{},"vacation":{},"sends":{"day":"","count":"3"}}`,
      'sends.count',
    ],
    [
      'state.json',
      layout.stateKey,
      `{"v":1,"mailbox":"x","lease":{"owner":"me","until":"soon"},"pending":{},"vacation":{},"sends":{"day":"","count":0}}`,
      'lease.until',
    ],
    ['state.json', layout.stateKey, `{"v":2}`, 'v'],
    ['state.json', layout.stateKey, 'garbage{', 'not valid JSON'],
  ])('refuses %s holding %s, naming the file and the field', async (_name, key, body, field) => {
    // Prepare: one run, then the document replaced
    const mailbox = await engine({ smtp: true, mailbox: threeMessages() });
    await mailbox.run({ rules: [forwardAll] });
    mailbox.server.mailbox.add(mail('dan'));
    await mailbox.store.putDocument(key, Buffer.from(body));
    const retrs = mailbox.retrs().length;

    // Act
    const error = await mailbox.run({ rules: [forwardAll] }).catch((caught: unknown) => caught);

    // Assess
    expect(hasCode(error, 'ESTORE')).toBe(true);
    expect((error as Error).message).toContain(`${key} is damaged (`);
    expect((error as Error).message).toContain(field);
    expect((error as Error).message).toContain('restore it from a backup or fix it');
    expect(mailbox.retrs()).toHaveLength(retrs);
    expect(mailbox.smtp?.messages).toHaveLength(3);
  });

  it('rebuilds a damaged content-index entry from the records instead of sending again', async () => {
    // Prepare: a server that renames its messages every session; every index entry damaged
    const mailbox = await engine({
      smtp: true,
      mailbox: threeMessages(),
      faults: { onCommand: rewriteUidls((uidl, _n, session) => `${uidl}.s${session}`) },
    });
    const target = runStore('local', mailbox);
    await mailbox.run({ rules: [forwardAll] });
    const entries = await keysUnder(target, layout.digestPrefix);
    expect(entries).toHaveLength(3);
    for (const key of entries) await overwrite(target, key, GARBAGE);

    // Act
    const summary = await mailbox.run({ rules: [forwardAll] });

    // Assess
    expect(summary).toMatchObject({ fetched: 3, archived: 0, alreadyArchived: 3, forwarded: 0 });
    expect(sent(mailbox)).toBe(3);
    for (const key of entries) {
      const entry = JSON.parse((await target.store.getDocument(key))?.body.toString() ?? '');
      expect(entry).toMatchObject({ v: 1, id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    }
    expect(mailbox.log.records.filter((line) => line.message.includes('is damaged'))).toHaveLength(
      3,
    );
  });
});
