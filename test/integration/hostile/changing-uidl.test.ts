import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PopfwdError } from '../../../lambda/errors.js';
import { parseHeaderBlock } from '../../../lambda/mail/parse-headers.js';
import type { BlobStore } from '../../../lambda/stores/blob-store.js';
import { rewriteUidls } from '../../helpers/pop3/hostile/uidl-rewrite.js';
import { type Engine, expectSameBytes, layout, mail, useEngine } from '../engine/engine-fixture.js';
import { forwardAll, HOUR_MS, vacation } from './mailbox-settings.js';
import { STORE_KINDS, useRunStore } from './store-kinds.js';

/**
 * Issue 11, item 17: a server that gives every message a new UIDL in every session. RFC 1939
 * forbids it, but no forward or reply may go out twice for bytes already archived: the content
 * index recognises them, nothing new is archived, and the run warns.
 */

const renamedEachSession = rewriteUidls((uidl, _n, session) => `${uidl}.s${session}`);

const sentCount = (mailbox: Engine) => mailbox.smtp?.messages.length ?? 0;

describe.each(STORE_KINDS)(
  'a server that renames every message each session (%s store)',
  (kind) => {
    const engine = useEngine();
    const runStore = useRunStore();

    it('archives, forwards and answers each message once over three runs, and warns', async () => {
      // Prepare
      const mailbox = await engine({
        smtp: true,
        mailbox: ['ann', 'ben', 'cat'].map((name) => mail(name, { from: `${name}@example.org` })),
        faults: { onCommand: renamedEachSession },
      });
      const target = runStore(kind, mailbox);

      // Act
      const summaries = [];
      for (let run = 0; run < 3; run += 1) {
        summaries.push(
          await mailbox.run({ rules: [forwardAll], vacation }, { store: target.store }),
        );
        mailbox.clock.advance(HOUR_MS);
      }

      // Assess
      const [one, ...later] = summaries;
      expect(one).toMatchObject({ archived: 3, forwarded: 3, replied: 3, alerts: [] });
      for (const summary of later) {
        expect(summary).toMatchObject({
          fetched: 3,
          archived: 0,
          alreadyArchived: 3,
          forwarded: 0,
          replied: 0,
          failed: 0,
        });
        expect(summary.alerts).toEqual([
          {
            code: 'EPROTOCOL',
            message: expect.stringMatching(/^3 message\(s\) came under new UIDLs/),
          },
        ]);
      }
      expect(sentCount(mailbox)).toBe(6);
      expect(await target.view.rawKeys()).toHaveLength(3);
      const records = await target.view.records();
      expect(records.map((record) => record.meta.uidl).sort()).toEqual([
        'ann.s1',
        'ben.s1',
        'cat.s1',
      ]);
      const seen = await target.view.seen();
      expect(Object.keys(seen).sort()).toEqual(['ann.s3', 'ben.s3', 'cat.s3']);
      expect(seen['ann.s3']?.id).toBe(layout.idFor('ann.s1'));
    });
  },
);

describe('identical bytes under different UIDLs', () => {
  const engine = useEngine();
  const runStore = useRunStore();

  it('go out once when both arrive in one session, and both may then be deleted', async () => {
    // Prepare
    const original = mail('a1');
    const mailbox = await engine({
      smtp: true,
      mailbox: [original, { uidl: 'a2', data: original.data }],
    });

    // Act
    const summary = await mailbox.run({ rules: [forwardAll], retention: 'delete' });

    // Assess
    expect(summary).toMatchObject({
      fetched: 2,
      archived: 1,
      alreadyArchived: 1,
      forwarded: 1,
      deleted: 2,
    });
    // One copy kept: whichever of the two, archived side by side, claimed the bytes first.
    const kept = await runStore('local', mailbox).view.rawKeys();
    expect(kept).toHaveLength(1);
    expect([layout.rawKey(layout.idFor('a1')), layout.rawKey(layout.idFor('a2'))]).toContain(
      kept[0],
    );
  });

  it('also when the renamed session lists two different messages under one UIDL', async () => {
    // Prepare: both messages are "dup.sN" in session N
    const onCommand = rewriteUidls((_uidl, _n, session) => `dup.s${session}`);
    const mailbox = await engine({
      smtp: true,
      mailbox: [mail('one', { subject: 'first' }), mail('two', { subject: 'second' })],
      faults: { onCommand },
    });

    // Act
    const one = await mailbox.run({ rules: [forwardAll] });
    const two = await mailbox.run({ rules: [forwardAll] });

    // Assess
    expect(one).toMatchObject({ archived: 2, forwarded: 2 });
    expect(two).toMatchObject({ fetched: 2, archived: 0, alreadyArchived: 2, forwarded: 0 });
    expect(await runStore('local', mailbox).view.rawKeys()).toHaveLength(2);
    const subjects = (mailbox.smtp?.messages ?? []).map(
      (sent) => parseHeaderBlock(sent.raw).subject,
    );
    expect(subjects.sort()).toEqual(['Fwd: first', 'Fwd: second']);
  });

  it('restore an archived copy removed by hand before the renamed message leaves the server', async () => {
    // Prepare: archived and kept; then its raw file deleted behind popfwd's back
    const original = mail('m');
    const mailbox = await engine({
      smtp: true,
      mailbox: [original],
      faults: { onCommand: renamedEachSession },
    });
    await mailbox.run({ rules: [forwardAll] });
    const key = layout.rawKey(layout.idFor('m.s1'));
    await rm(join(mailbox.dir, key));

    // Act: the next session renames it, and retention deletes what is archived
    const summary = await mailbox.run({ rules: [forwardAll], retention: 'delete' });

    // Assess: the bytes are back under the original key before the DELE; nothing sent again
    expect(summary).toMatchObject({ archived: 0, alreadyArchived: 1, forwarded: 0, deleted: 1 });
    expectSameBytes(await mailbox.raw(key), original.data);
    expect(await runStore('local', mailbox).view.rawKeys()).toEqual([key]);
    expect(sentCount(mailbox)).toBe(1);
  });

  it('complete a message whose run died between claiming its bytes and writing its record', async () => {
    // Prepare: every catalog write of the first run fails after the content index named the
    // message (its lease then stays, as a killed run's does, until it expires)
    const mailbox = await engine({
      smtp: true,
      mailbox: [mail('m')],
      faults: { onCommand: renamedEachSession },
    });
    let failRecord = true;
    const flaky: BlobStore = {
      ...mailbox.store,
      location: mailbox.store.location,
      putDocument: (key, body, options) => {
        if (failRecord && key.startsWith(layout.catalogPrefix))
          return Promise.reject(new PopfwdError('ESTORE', 'disk full'));
        return mailbox.store.putDocument(key, body, options);
      },
    };
    await expect(mailbox.run({ rules: [forwardAll] }, { store: flaky })).rejects.toThrow(
      'disk full',
    );
    const view = runStore('local', mailbox).view;
    expect(await view.records()).toEqual([]);
    failRecord = false;
    mailbox.clock.advance(12 * 60_000);

    // Act: the next session calls the same message "m.s2"
    const next = await mailbox.run({ rules: [forwardAll] });
    const again = await mailbox.run({ rules: [forwardAll] });

    // Assess: recorded under the id the index named, the second copy removed, one forward
    expect(next).toMatchObject({ archived: 1, forwarded: 1, failed: 0 });
    expect(again).toMatchObject({ archived: 0, alreadyArchived: 1, forwarded: 0 });
    expect(sentCount(mailbox)).toBe(1);
    expect(await view.rawKeys()).toEqual([layout.rawKey(layout.idFor('m.s1'))]);
    const [record] = await view.records();
    expect(record).toMatchObject({ id: layout.idFor('m.s1'), meta: { uidl: 'm.s2' } });
  });
});
