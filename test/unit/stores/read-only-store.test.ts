import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalStore } from '../../../lambda/stores/local/local-store.js';
import { readOnlyStore } from '../../../lambda/stores/read-only-store.js';
import { readAll } from '../../helpers/pop3/streams.js';
import { snapshotDir } from '../../helpers/stores/dir-snapshot.js';

describe('readOnlyStore', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('reads through and refuses every write with ESTORE naming the key, leaving the store as it was', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'popfwd-read-only-'));
    dirs.push(dir);
    const inner = createLocalStore(dir);
    await inner.create('a/raw/1.eml', Readable.from([Buffer.from('hello')]));
    await inner.putDocument('a/state.json', Buffer.from('{}'), { ifVersion: null });
    const store = readOnlyStore(inner);
    const before = await snapshotDir(dir);

    // Act
    const attempts = await Promise.allSettled([
      store.create('a/raw/2.eml', Readable.from([Buffer.from('x')])),
      store.create('a/raw/1.eml', Readable.from([Buffer.from('x')])),
      store.putDocument('a/state.json', Buffer.from('{"x":1}')),
      store.putDocument('a/new.json', Buffer.from('{}'), { ifVersion: null }),
      store.delete('a/raw/1.eml'),
    ]);
    const sizes = [];
    for await (const entry of store.listSizes?.('a/') ?? []) sizes.push(entry);

    // Assess
    expect(attempts.map((attempt) => attempt.status)).toEqual(Array(5).fill('rejected'));
    for (const attempt of attempts) {
      expect((attempt as PromiseRejectedResult).reason).toMatchObject({
        code: 'ESTORE',
        retryable: false,
        message: expect.stringMatching(
          /^(create|putDocument|delete) a\/.* refused: this store is read-only/,
        ),
      });
    }
    expect(await snapshotDir(dir)).toEqual(before);
    expect(await readAll((await store.read('a/raw/1.eml')) as Readable)).toEqual(
      Buffer.from('hello'),
    );
    expect((await store.getDocument('a/state.json'))?.body.toString()).toBe('{}');
    const keys = [];
    for await (const key of store.list('a/')) keys.push(key);
    expect(keys).toEqual(['a/raw/1.eml', 'a/state.json']);
    expect(sizes).toEqual([
      { key: 'a/raw/1.eml', size: 5 },
      { key: 'a/state.json', size: 2 },
    ]);
  });
});
