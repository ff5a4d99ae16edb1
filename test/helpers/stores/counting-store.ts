import type { BlobStore } from '../../../lambda/stores/blob-store.js';

export const BLOB_STORE_METHODS = [
  'create',
  'read',
  'getDocument',
  'putDocument',
  'delete',
  'list',
] as const;
export type BlobStoreMethod = (typeof BLOB_STORE_METHODS)[number];

export interface CountingStore extends BlobStore {
  /** Calls per method since creation or the last `reset`; failed calls count too. */
  readonly counts: Readonly<Record<BlobStoreMethod, number>>;
  total(): number;
  reset(): void;
}

/**
 * Counts every call at the port, e.g. to prove that an empty poll costs O(1) storage requests.
 * A `list` counts once however many pages it reads.
 */
export const countingStore = (inner: BlobStore): CountingStore => {
  const counts = zeroCounts();
  const count = (method: BlobStoreMethod): void => {
    counts[method] += 1;
  };
  return {
    counts,
    total: () => BLOB_STORE_METHODS.reduce((sum, method) => sum + counts[method], 0),
    reset: () => Object.assign(counts, zeroCounts()),
    get location() {
      return inner.location;
    },
    create: (key, body, options) => {
      count('create');
      return inner.create(key, body, options);
    },
    read: (key) => {
      count('read');
      return inner.read(key);
    },
    getDocument: (key) => {
      count('getDocument');
      return inner.getDocument(key);
    },
    putDocument: (key, body, options) => {
      count('putDocument');
      return inner.putDocument(key, body, options);
    },
    delete: (key) => {
      count('delete');
      return inner.delete(key);
    },
    list: (prefix) => {
      count('list');
      return inner.list(prefix);
    },
  };
};

const zeroCounts = (): Record<BlobStoreMethod, number> => ({
  create: 0,
  read: 0,
  getDocument: 0,
  putDocument: 0,
  delete: 0,
  list: 0,
});
