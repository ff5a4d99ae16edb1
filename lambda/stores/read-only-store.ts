import { PopfwdError } from '../errors.js';
import type { BlobStore } from './blob-store.js';

/**
 * The same store with every write refused: what `popfwd run --dry-run` reads through, so a dry
 * run cannot change the archive or the state even by mistake. A refused write throws ESTORE (not
 * retryable) naming the key.
 */
export const readOnlyStore = (store: BlobStore): BlobStore => {
  const refuse = (operation: string, key: string): never => {
    throw new PopfwdError(
      'ESTORE',
      `${operation} ${key} refused: this store is read-only (dry run)`,
      { retryable: false, context: { key, operation } },
    );
  };
  return {
    location: store.location,
    create: async (key) => refuse('create', key),
    read: (key) => store.read(key),
    getDocument: (key) => store.getDocument(key),
    putDocument: async (key) => refuse('putDocument', key),
    delete: async (key) => refuse('delete', key),
    list: (prefix) => store.list(prefix),
    ...(store.listSizes
      ? {
          listSizes: (prefix: string) =>
            (store.listSizes as NonNullable<BlobStore['listSizes']>)(prefix),
        }
      : {}),
  };
};
