import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { StoreConfig } from '../../config/config-schema.js';

export type S3StoreConfig = Extract<StoreConfig, { s3: unknown }>['s3'];

/** Attempts per S3 request (1 + retries) for throttling, 5xx and lost connections. */
export const S3_MAX_ATTEMPTS = 5;

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
