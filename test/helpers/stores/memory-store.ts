import { Readable } from 'node:stream';
import { PopfwdError } from '../../../lambda/errors.js';
import type { BlobStore } from '../../../lambda/stores/blob-store.js';
import { validateKey, validatePrefix } from '../../../lambda/stores/key.js';
import { readAll } from '../pop3/streams.js';

/**
 * A BlobStore in memory with the port's two guarantees (create never overwrites, `ifVersion` is a
 * compare-and-swap). For bulk setup where the local store's per-file fsyncs would dominate a test.
 */
export const memoryStore = (): BlobStore & { readonly entries: ReadonlyMap<string, Buffer> } => {
  const entries = new Map<string, Buffer>();
  const versions = new Map<string, string>();
  let written = 0;
  return {
    location: 'memory:',
    entries,
    async create(key, body) {
      validateKey(key);
      const bytes = await readAll(body);
      if (entries.has(key)) return 'exists';
      entries.set(key, bytes);
      return 'created';
    },
    async read(key) {
      const bytes = entries.get(validateKey(key));
      return bytes ? Readable.from([bytes]) : null;
    },
    async getDocument(key) {
      const body = entries.get(validateKey(key));
      return body ? { body, version: versions.get(key) ?? 'created' } : null;
    },
    async putDocument(key, body, options = {}) {
      validateKey(key);
      const current = entries.has(key) ? (versions.get(key) ?? 'created') : null;
      if (options.ifVersion !== undefined && options.ifVersion !== current)
        throw new PopfwdError('ECONFLICT', `memory store: ${key} changed`, { context: { key } });
      written += 1;
      const version = `v${written}`;
      entries.set(key, Buffer.from(body));
      versions.set(key, version);
      return version;
    },
    async delete(key) {
      entries.delete(validateKey(key));
      versions.delete(key);
    },
    async *list(prefix) {
      validatePrefix(prefix);
      yield* [...entries.keys()].filter((key) => key.startsWith(prefix)).sort();
    },
  };
};
