import { readdir } from 'node:fs/promises';
import { pipeline, Transform } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Pop3CommandInfo } from '../../../lambda/cli/sandbox/pop3-server.js';
import type { PopfwdError } from '../../../lambda/errors.js';
import type { BlobStore } from '../../../lambda/stores/blob-store.js';
import { fault } from '../../helpers/pop3/pop3-faults.js';
import {
  type Engine,
  expectSameBytes,
  layout,
  mail,
  mails,
  useEngine,
} from '../engine/engine-fixture.js';

/**
 * Issue 11, item 9. A RETR that never ends on a message LISTed at a few hundred bytes wrote 5 GB
 * of temp file; maxBytesPerRun trusted LIST sizes. Real bytes count now: against
 * limits.maxMessageSize (the temp file stops there) and against limits.maxBytesPerRun. A message
 * over the limit is a fetch failure like the others: recorded, set aside after three, never
 * deleted; from its second run it is fetched after the others, so it holds back only itself.
 */

const MiB = 1024 * 1024;

/** The store the runs use, counting the bytes handed to it per key. */
const measuredStore = (mailbox: Engine) => {
  const written = new Map<string, number>();
  const store: BlobStore = {
    ...mailbox.store,
    location: mailbox.store.location,
    create: (key, body, options) => {
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          written.set(key, (written.get(key) ?? 0) + chunk.length);
          done(null, chunk);
        },
      });
      return mailbox.store.create(
        key,
        pipeline(body, counter, () => {}),
        options,
      );
    },
  };
  return { store, written };
};

/** A RETR reply that never ends, counting what the server managed to write. */
const endlessRetr = () => {
  const sent = { bytes: 0 };
  const line = Buffer.from(`${'x'.repeat(1022)}\r\n`);
  const chunk = Buffer.concat(Array.from({ length: 64 }, () => line));
  const chunks = async function* () {
    yield Buffer.from('+OK 232 octets\r\nSubject: endless\r\n\r\n');
    for (;;) {
      sent.bytes += chunk.length;
      yield chunk;
    }
  };
  return { sent, chunks };
};

const tempFiles = async (dir: string): Promise<string[]> =>
  (await readdir(dir, { recursive: true })).filter((name) => name.includes('.tmp'));

const failureOf = (promise: Promise<unknown>): Promise<PopfwdError> =>
  promise.then(
    () => {
      throw new Error('expected the run to fail');
    },
    (error: unknown) => error as PopfwdError,
  );

describe('a message larger than limits.maxMessageSize', () => {
  const engine = useEngine();

  it('is cut off at the limit when its RETR never ends, recorded, set aside after three runs, and never deleted', async () => {
    // Prepare: message 2 of 3 is listed at its real size but its RETR never ends
    const endless = endlessRetr();
    const onCommand = (command: Pop3CommandInfo) =>
      command.name === 'RETR' && command.args[0] === '2' ? fault.stream(endless.chunks) : undefined;
    const messages = mails(3);
    const mailbox = await engine({ mailbox: messages, faults: { onCommand } });
    const { store, written } = measuredStore(mailbox);
    const settings = { retention: 'delete', limits: { maxMessageSize: '1MiB' } };
    const endlessKey = layout.rawKey(layout.idFor('m0002'));

    // Act: three runs meet it, the fourth goes past it
    const failures: PopfwdError[] = [];
    const thirdKey = layout.rawKey(layout.idFor('m0003'));
    const thirdArchivedAfter: boolean[] = [];
    for (let run = 0; run < 3; run += 1) {
      written.clear();
      failures.push(await failureOf(mailbox.run(settings, { store })));
      await mailbox.server.idle();
      expect(written.get(endlessKey)).toBeGreaterThan(MiB / 2);
      expect(written.get(endlessKey)).toBeLessThanOrEqual(MiB);
      thirdArchivedAfter.push((await mailbox.raw(thirdKey)) !== null);
    }
    const past = await mailbox.run(settings, { store });

    // Assess
    for (const error of failures) {
      expect(error.code).toBe('ESIZE');
      expect(error.message).toMatch(/message 2 is larger than limits\.maxMessageSize \(1\.0 MiB\)/);
    }
    // The server could write ahead only as far as the socket buffers, never gigabytes
    expect(endless.sent.bytes).toBeLessThan(3 * 32 * MiB);
    // Message 3 waits behind the endless one only once: from the second run it is read first
    expect(thirdArchivedAfter).toEqual([false, true, true]);
    expect(past).toMatchObject({ archived: 0, deleted: 2 });
    expect(past.alerts).toEqual([
      expect.objectContaining({
        code: 'ESIZE',
        message: expect.stringMatching(/could not be read 3 times in a row .*UIDL m0002/),
      }),
    ]);
    expect(mailbox.server.mailbox.messages.map((m) => m.uidl)).toEqual(['m0002']);
    expect(await mailbox.raw(endlessKey)).toBeNull();
    for (const kept of [messages[0], messages[2]]) {
      if (!kept) throw new Error('missing fixture');
      expectSameBytes(await mailbox.raw(layout.rawKey(layout.idFor(kept.uidl))), kept.data);
    }
    expect(await tempFiles(mailbox.dir)).toEqual([]);
  });

  it('is not even asked for when LIST says it is too large, and the rest of the mailbox goes on', async () => {
    // Prepare
    const big = mail('big', { body: `${'y'.repeat(2 * MiB)}\r\n` });
    const mailbox = await engine({ mailbox: [mail('a'), big, mail('b')] });
    const settings = { retention: 'delete', limits: { maxMessageSize: '1MiB' } };

    // Act
    const first = await mailbox.run(settings);

    // Assess
    expect(first).toMatchObject({ archived: 2, deleted: 2, failed: 1, remaining: 0 });
    expect(mailbox.retrs()).toEqual(['RETR 1', 'RETR 3']);
    expect((await mailbox.state())?.fetchFailures?.big).toMatchObject({
      count: 1,
      code: 'ESIZE',
      message: expect.stringMatching(/lists this message at 2\.0 MiB, over limits\.maxMessageSize/),
    });
    expect(mailbox.server.mailbox.messages.map((m) => m.uidl)).toEqual(['big']);
  });
});

describe('limits.maxBytesPerRun', () => {
  const engine = useEngine();

  it('counts the bytes that arrive, not the sizes LIST claims', async () => {
    // Prepare: six messages of ~300 KB that LIST claims are 159 bytes each; a 1 MB budget
    const messages = mails(6, 'p', { body: `${'z'.repeat(300_000)}\r\n` });
    const onCommand = (command: Pop3CommandInfo) =>
      command.name === 'LIST'
        ? fault.rewrite((reply) =>
            Buffer.from(reply.toString('latin1').replace(/^(\d+) \d+\r$/gm, '$1 159\r')),
          )
        : undefined;
    const mailbox = await engine({ mailbox: messages, faults: { onCommand } });
    const { store, written } = measuredStore(mailbox);
    const settings = { retention: 'delete', limits: { maxBytesPerRun: '1MB' } };

    // Act
    const first = await mailbox.run(settings, { store });
    const bytesFirst = [...written.values()].reduce((sum, bytes) => sum + bytes, 0);
    const second = await mailbox.run(settings, { store });

    // Assess: the first run stopped near the budget, although all six RETRs were pipelined
    expect(first).toMatchObject({
      fetched: 3,
      failed: 0,
      remaining: 3,
      deleted: 0,
      stoppedBy: 'maxBytesPerRun',
    });
    expect(bytesFirst).toBeLessThan(1_000_000 + 2 * 159 + 64 * 1024 + 64 * 1024);
    expect(mailbox.retrs().slice(0, 6)).toEqual(messages.map((_, i) => `RETR ${i + 1}`));
    expect((await mailbox.state())?.fetchFailures).toBeUndefined();
    expect(second).toMatchObject({ fetched: 3, remaining: 0, deleted: 6, stoppedBy: null });
    for (const message of messages) {
      expectSameBytes(await mailbox.raw(layout.rawKey(layout.idFor(message.uidl))), message.data);
    }
    expect(await tempFiles(mailbox.dir)).toEqual([]);
  });
});
