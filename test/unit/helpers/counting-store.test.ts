import { describe, expect, it } from 'vitest';
import { createS3Store } from '../../../lambda/stores/s3/s3-store.js';
import { collectKeys, sourceOf } from '../../helpers/pop3/streams.js';
import { countingStore } from '../../helpers/stores/counting-store.js';
import { createS3Fake } from '../../helpers/stores/s3-fake.js';

const countedFake = () => {
  const fake = createS3Fake({ maxKeys: 1 });
  const store = countingStore(createS3Store({ client: fake.client, bucket: fake.bucket }));
  return { fake, store };
};

describe('countingStore', () => {
  it('counts every call per method and in total, failed calls included', async () => {
    const { fake, store } = countedFake();

    await store.create('raw/a', sourceOf('a'));
    await store.create('raw/b', sourceOf('b'));
    await store.read('raw/a');
    await store.getDocument('state/m');
    await store.putDocument('state/m', Buffer.from('1'));
    await store.delete('raw/b');
    await store.read('../escape').catch(() => {});

    expect(store.counts).toEqual({
      create: 2,
      read: 2,
      getDocument: 1,
      putDocument: 1,
      delete: 1,
      list: 0,
    });
    expect(store.total()).toBe(7);
    fake.restore();
  });

  it('counts a listing once, however many pages the adapter reads', async () => {
    const { fake, store } = countedFake();
    for (const key of ['raw/a', 'raw/b', 'raw/c']) await store.create(key, sourceOf(key));
    store.reset();

    const keys = await collectKeys(store.list('raw/'));

    expect(keys).toHaveLength(3);
    expect(store.counts.list).toBe(1);
    expect(store.total()).toBe(1);
    expect(fake.calls('ListObjectsV2')).toBe(3);
    fake.restore();
  });

  it('starts again from zero after reset and passes the location through', async () => {
    const { fake, store } = countedFake();
    await store.getDocument('state/m');

    store.reset();

    expect(store.total()).toBe(0);
    expect(store.location).toBe('s3://popfwd-test/');
    fake.restore();
  });
});
