import type { S3Client } from '@aws-sdk/client-s3';
import type { StoreConfig } from '../config/config-schema.js';
import type { BlobStore } from './blob-store.js';
import { deferredStore } from './deferred-store.js';
import { normalizePrefix } from './key.js';
import { createLocalStore } from './local/local-store.js';

export interface OpenStoreOptions {
  /** Used instead of a client built from the config (tests, a shared client). */
  readonly s3Client?: S3Client;
}

/** The archive the config names: a local directory or an S3 bucket (the SDK loads on first use). */
export const openStore = (config: StoreConfig, options: OpenStoreOptions = {}): BlobStore => {
  if ('dir' in config) return createLocalStore(config.dir);
  const { bucket, prefix } = config.s3;
  return deferredStore(`s3://${bucket}/${normalizePrefix(prefix)}`, async () => {
    const [{ createS3Store }, { createS3Client }] = await Promise.all([
      import('./s3/s3-store.js'),
      import('./s3/s3-client.js'),
    ]);
    return createS3Store({ client: options.s3Client ?? createS3Client(config.s3), bucket, prefix });
  });
};
