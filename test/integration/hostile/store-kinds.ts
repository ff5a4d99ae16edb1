import { afterEach } from 'vitest';
import type { BlobStore } from '../../../lambda/stores/blob-store.js';
import { createS3Store } from '../../../lambda/stores/s3/s3-store.js';
import { createS3Fake } from '../../helpers/stores/s3-fake.js';
import { type StoreView, storeView } from '../../helpers/stores/store-view.js';
import { type Engine, OWNER } from '../engine/engine-fixture.js';

/** The hostile cases hold for both stores: the local directory and S3 (the stateful fake). */
export const STORE_KINDS = ['local', 's3'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export interface RunStore {
  readonly store: BlobStore;
  readonly view: StoreView;
}

/** Per test: the store its runs use (pass `{ store }` to `mailbox.run`) and a view of it. */
export const useRunStore = () => {
  const restores: Array<() => void> = [];
  afterEach(() => {
    for (const restore of restores.splice(0)) restore();
  });
  return (kind: StoreKind, mailbox: Engine): RunStore => {
    if (kind === 'local') return { store: mailbox.store, view: storeView(mailbox.store, OWNER) };
    const fake = createS3Fake({ maxKeys: 5 });
    restores.push(() => fake.restore());
    const store = createS3Store({ client: fake.client, bucket: fake.bucket, prefix: 'popfwd/' });
    return { store, view: storeView(store, OWNER) };
  };
};
