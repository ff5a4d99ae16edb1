import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { StoreConfig } from '../config/schema.js';
import type { BlobStore } from './blob-store.js';
import { createLocalStore } from './local-store.js';
import { createS3Store } from './s3-store.js';

export type S3StoreConfig = Extract<StoreConfig, { s3: unknown }>['s3'];

export interface OpenStoreOptions {
  /** Used instead of a client built from the config (tests, a shared client). */
  readonly s3Client?: S3Client;
}

/** Attempts per S3 request (1 + retries) for throttling, 5xx and lost connections. */
export const S3_MAX_ATTEMPTS = 5;

/** The archive the config names: a local directory or an S3 bucket. */
export const openStore = (config: StoreConfig, options: OpenStoreOptions = {}): BlobStore => {
  if ('dir' in config) return createLocalStore(config.dir);
  const { bucket, prefix } = config.s3;
  const client = options.s3Client ?? createS3Client(config.s3);
  return createS3Store({ client, bucket, prefix });
};

/** An S3 client for `store.s3`; `overrides` (credentials, a request handler) win. */
export const createS3Client = (config: S3StoreConfig, overrides: S3ClientConfig = {}): S3Client =>
  new S3Client({ ...s3ClientConfig(config), ...overrides });

export const s3ClientConfig = (config: S3StoreConfig): S3ClientConfig => {
  // S3-compatible stores often reject the CRC32 checksums the SDK sends by default.
  const checksums = config.checksums === 'when_required' ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED';
  return {
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
    maxAttempts: S3_MAX_ATTEMPTS,
    retryMode: 'standard',
    requestChecksumCalculation: checksums,
    responseChecksumValidation: checksums,
    // A stalled connection fails (and is retried) instead of holding the run until its deadline.
    requestHandler: { connectionTimeout: 5_000, socketTimeout: 30_000 },
  };
};
