import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasCode } from '../../../lambda/errors.js';
import type { BlobStore } from '../../../lambda/stores/blob-store.js';
import {
  binaryBytes,
  collectKeys,
  failingSource,
  readAll,
  sourceOf,
} from '../../helpers/pop3/streams.js';

export interface StoreUnderTest {
  readonly store: BlobStore;
  cleanup(): Promise<void>;
}

/** Keys that must never reach the disk or the bucket. */
export const HOSTILE_KEYS = [
  '',
  '/etc/passwd',
  '../outside',
  'raw/../../outside',
  'raw/./x',
  'raw//x',
  'raw/',
  'raw/x\u0000.eml',
  'raw/x\n.eml',
  'raw\\..\\outside',
  'raw/.popfwd.tmp.1234',
];

export const readBytes = async (store: BlobStore, key: string): Promise<Buffer | null> => {
  const stream = await store.read(key);
  return stream === null ? null : readAll(stream);
};

/** The behaviour every BlobStore adapter shares; each adapter's test file runs it. */
export const describeBlobStoreContract = (
  name: string,
  open: () => Promise<StoreUnderTest>,
): void => {
  describe(`${name} — BlobStore contract`, () => {
    let subject: StoreUnderTest;
    let store: BlobStore;

    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });

    afterEach(async () => {
      await subject.cleanup();
    });

    it('names its location', () => {
      expect(store.location).not.toBe('');
    });

    it('stores and returns the exact bytes, 8-bit data and CRLF included', async () => {
      const message = Buffer.concat([Buffer.from('Subject: t\r\n\r\n'), binaryBytes(70_000)]);

      const body = sourceOf(message.subarray(0, 9), message.subarray(9));

      const outcome = await store.create('raw/a.eml', body);

      expect(outcome).toBe('created');
      expect((await readBytes(store, 'raw/a.eml'))?.equals(message)).toBe(true);
    });

    it('stores an empty body', async () => {
      const outcome = await store.create('raw/empty.eml', sourceOf());

      expect(outcome).toBe('created');
      expect(await readBytes(store, 'raw/empty.eml')).toHaveLength(0);
    });

    it('never overwrites: a second create resolves "exists", keeps the first bytes and drains the body', async () => {
      await store.create('raw/a.eml', sourceOf('first'));
      const second = sourceOf('second version');

      const outcome = await store.create('raw/a.eml', second);

      expect(outcome).toBe('exists');
      expect(second.readableEnded).toBe(true);
      expect((await readBytes(store, 'raw/a.eml'))?.toString()).toBe('first');
    });

    it('lets exactly one of two concurrent creates of a key win', async () => {
      const outcomes = await Promise.all([
        store.create('raw/race.eml', sourceOf('one')),
        store.create('raw/race.eml', sourceOf('two')),
      ]);

      expect(outcomes.sort()).toEqual(['created', 'exists']);
      expect(['one', 'two']).toContain((await readBytes(store, 'raw/race.eml'))?.toString());
    });

    it('leaves nothing under the key when the source stream fails mid-way', async () => {
      const dropped = new Error('connection lost');

      const outcome = store.create('raw/cut.eml', failingSource(binaryBytes(100_000), dropped));

      await expect(outcome).rejects.toBe(dropped);
      expect(await store.read('raw/cut.eml')).toBeNull();
      expect(await collectKeys(store.list(''))).toEqual([]);
    });

    it('returns null for a missing key', async () => {
      expect(await store.read('raw/missing.eml')).toBeNull();
      expect(await store.getDocument('state/missing.json')).toBeNull();
    });

    it('returns a document with the version its write resolved', async () => {
      const version = await store.putDocument('state/mailbox.json', Buffer.from('{"n":1}'));

      const document = await store.getDocument('state/mailbox.json');

      expect(document?.body.toString()).toBe('{"n":1}');
      expect(document?.version).toBe(version);
    });

    it('replaces a document whose version is unchanged and gives it a new version', async () => {
      const first = await store.putDocument('state/mailbox.json', Buffer.from('{"n":1}'));

      const second = await store.putDocument('state/mailbox.json', Buffer.from('{"n":2}'), {
        ifVersion: first,
      });

      expect(second).not.toBe(first);
      expect((await store.getDocument('state/mailbox.json'))?.body.toString()).toBe('{"n":2}');
    });

    it('rejects a write with a stale version (ECONFLICT) and keeps the newer document', async () => {
      const first = await store.putDocument('state/mailbox.json', Buffer.from('{"n":1}'));
      await store.putDocument('state/mailbox.json', Buffer.from('{"n":2}'), { ifVersion: first });

      const stale = store.putDocument('state/mailbox.json', Buffer.from('{"n":99}'), {
        ifVersion: first,
      });

      await expect(stale).rejects.toSatisfy((error) => hasCode(error, 'ECONFLICT'));
      expect((await store.getDocument('state/mailbox.json'))?.body.toString()).toBe('{"n":2}');
    });

    it('creates a document with ifVersion null only while it is absent', async () => {
      const created = await store.putDocument('state/lease.json', Buffer.from('a'), {
        ifVersion: null,
      });

      const again = store.putDocument('state/lease.json', Buffer.from('b'), { ifVersion: null });

      expect(typeof created).toBe('string');
      await expect(again).rejects.toSatisfy((error) => hasCode(error, 'ECONFLICT'));
      expect((await store.getDocument('state/lease.json'))?.body.toString()).toBe('a');
    });

    it('rejects a versioned write to a document that was deleted (ECONFLICT)', async () => {
      const version = await store.putDocument('state/lease.json', Buffer.from('a'));
      await store.delete('state/lease.json');

      const write = store.putDocument('state/lease.json', Buffer.from('b'), { ifVersion: version });

      await expect(write).rejects.toSatisfy((error) => hasCode(error, 'ECONFLICT'));
      expect(await store.getDocument('state/lease.json')).toBeNull();
    });

    it('deletes idempotently', async () => {
      await store.create('raw/a.eml', sourceOf('x'));

      await store.delete('raw/a.eml');
      await store.delete('raw/a.eml');

      expect(await store.read('raw/a.eml')).toBeNull();
    });

    it('lists keys under a prefix in lexicographic order, relative to the store', async () => {
      const keys = ['raw/b/2.eml', 'raw/a.eml', 'raw/b/1.eml', 'raw-x/c.eml', 'state/m.json'];
      for (const key of keys) await store.create(key, sourceOf(key));

      expect(await collectKeys(store.list('raw/'))).toEqual([
        'raw/a.eml',
        'raw/b/1.eml',
        'raw/b/2.eml',
      ]);
      expect(await collectKeys(store.list('raw/b'))).toEqual(['raw/b/1.eml', 'raw/b/2.eml']);
      expect(await collectKeys(store.list(''))).toEqual([...keys].sort());
      expect(await collectKeys(store.list('none/'))).toEqual([]);
    });

    it('lists every key of a long listing', async () => {
      const keys = Array.from(
        { length: 23 },
        (_, index) => `raw/${String(index).padStart(3, '0')}.eml`,
      );
      for (const key of keys) await store.create(key, sourceOf('m'));

      expect(await collectKeys(store.list('raw/'))).toEqual(keys);
    });

    it.each(HOSTILE_KEYS)('rejects the hostile key %j (EARGUMENT) in every method', async (key) => {
      const isArgumentError = (error: unknown) => hasCode(error, 'EARGUMENT');

      await expect(store.create(key, sourceOf('x'))).rejects.toSatisfy(isArgumentError);
      await expect(store.read(key)).rejects.toSatisfy(isArgumentError);
      await expect(store.getDocument(key)).rejects.toSatisfy(isArgumentError);
      await expect(store.putDocument(key, Buffer.from('x'))).rejects.toSatisfy(isArgumentError);
      await expect(store.delete(key)).rejects.toSatisfy(isArgumentError);
      expect(await collectKeys(store.list(''))).toEqual([]);
    });

    it('rejects a list prefix that climbs out of the store (EARGUMENT)', async () => {
      await expect(collectKeys(store.list('../'))).rejects.toSatisfy((error) =>
        hasCode(error, 'EARGUMENT'),
      );
    });
  });
};
