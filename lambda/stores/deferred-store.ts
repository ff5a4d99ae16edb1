import type { BlobStore } from './blob-store.js';

/**
 * A store whose adapter is loaded on first use: the AWS SDK is a fifth of popfwd's start-up time,
 * and a run with a local archive (or a CLI command that never touches the store) does not need it.
 */
export const deferredStore = (location: string, load: () => Promise<BlobStore>): BlobStore => {
  let loading: Promise<BlobStore> | undefined;
  const store = () => {
    loading ??= load();
    return loading;
  };
  return {
    location,
    create: async (key, body, options) => (await store()).create(key, body, options),
    read: async (key) => (await store()).read(key),
    getDocument: async (key) => (await store()).getDocument(key),
    putDocument: async (key, body, options) => (await store()).putDocument(key, body, options),
    delete: async (key) => (await store()).delete(key),
    async *list(prefix) {
      yield* (await store()).list(prefix);
    },
    async *listSizes(prefix) {
      const loaded = await store();
      if (!loaded.listSizes) throw new Error(`${location} cannot list sizes`);
      yield* loaded.listSizes(prefix);
    },
  };
};
