import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { BlobStore, PutDocumentOptions } from '../blob-store.js';
import { normalizePrefix, validateKey, validatePrefix } from '../key.js';
import { sweepTempFiles } from '../local/local-files.js';
import { guardReadStream } from '../stream-io.js';
import { isConditionalConflict, isNoSuchKey, isPreconditionFailed, s3Error } from './s3-errors.js';
import { discardSpooled, type Spooled, spool } from './spool.js';

export interface S3StoreOptions {
  /** Built by `createS3Client` (retries, timeouts, checksum mode) or injected by tests. */
  readonly client: S3Client;
  readonly bucket: string;
  /** Key prefix in the bucket, e.g. "popfwd/"; a missing trailing '/' is added. @default '' */
  readonly prefix?: string;
  /** Human-readable location. @default `s3://<bucket>/<prefix>` */
  readonly location?: string;
  /** Multipart part size; also the largest body held in memory. @default 5 MiB (S3's minimum) */
  readonly partSize?: number;
  /** Parts in flight at once. @default 2 */
  readonly queueSize?: number;
  /** Where bodies larger than one part wait while they upload. @default os.tmpdir() */
  readonly spoolDir?: string;
  /** Upload attempts when S3 answers 409 ConditionalRequestConflict. @default 3 */
  readonly conflictAttempts?: number;
  /**
   * Spool files a killed run left in `spoolDir` are removed when their process is gone, or once
   * this old. @default 3600000
   */
  readonly spoolMaxAgeMs?: number;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;

/**
 * The archive in S3. `create` is a conditional write (`If-None-Match: *`, on PutObject or at
 * CompleteMultipartUpload), so an existing object is never replaced; documents use the ETag as
 * their version and `If-Match` for compare-and-swap.
 *
 * Retries: the client's own strategy retries throttling, 5xx and lost connections for every
 * request here, because every body handed to the SDK is a Buffer (lib-storage cuts streams into
 * Buffer parts). What it cannot retry is a whole upload after a 409; for that `create` first spools
 * the body (memory up to one part, a temp file beyond), since the caller's stream is read once.
 */
export const createS3Store = (options: S3StoreOptions): BlobStore => {
  const { client, bucket } = options;
  const base = normalizePrefix(options.prefix ?? '');
  const partSize = Math.max(options.partSize ?? MIN_PART_SIZE, MIN_PART_SIZE);
  const queueSize = options.queueSize ?? 2;
  const spoolDir = options.spoolDir ?? tmpdir();
  const conflictAttempts = options.conflictAttempts ?? 3;
  // A warm Lambda keeps /tmp: spool files of an invocation killed at its timeout would pile up.
  let swept: Promise<void> | undefined;
  const sweepSpool = () => {
    swept ??= sweepTempFiles(spoolDir, options.spoolMaxAgeMs ?? 3_600_000);
    return swept;
  };
  const objectKey = (key: string): string => base + validateKey(key);

  const call = async <T>(operation: string, key: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw s3Error(error, operation, bucket, key);
    }
  };

  const upload = async (key: string, body: Spooled, contentType?: string): Promise<void> => {
    const params = { Bucket: bucket, Key: key, ContentType: contentType, IfNoneMatch: '*' };
    if (body.kind === 'memory') {
      await client.send(new PutObjectCommand({ ...params, Body: body.body }));
      return;
    }
    const stream = createReadStream(body.path);
    try {
      await new Upload({
        client,
        partSize,
        queueSize,
        params: { ...params, Body: stream, ContentLength: body.size },
      }).done();
    } finally {
      stream.destroy();
    }
  };

  /** The object, or null when the key does not exist. */
  const get = (key: string): Promise<GetObjectCommandOutput | null> =>
    call('GetObject', key, () =>
      client
        .send(new GetObjectCommand({ Bucket: bucket, Key: key }))
        .catch((error: unknown) => (isNoSuchKey(error) ? null : Promise.reject(error))),
    );

  /** One ListObjectsV2 page per 1,000 keys; the sizes come with them. */
  async function* listing(prefix: string) {
    const listPrefix = base + validatePrefix(prefix);
    let token: string | undefined;
    do {
      const page = await call('ListObjectsV2', listPrefix, () =>
        client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: listPrefix,
            ContinuationToken: token,
          }),
        ),
      );
      for (const { Key, Size } of page.Contents ?? []) {
        if (Key !== undefined) yield { key: Key.slice(base.length), size: Size ?? 0 };
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  return {
    location: options.location ?? `s3://${bucket}/${base}`,

    async create(key, body, createOptions = {}) {
      const objectName = objectKey(key);
      await sweepSpool();
      const spooled = await spool(body, partSize, spoolDir, key);
      try {
        for (let attempt = 1; ; attempt++) {
          try {
            await upload(objectName, spooled, createOptions.contentType);
            return 'created';
          } catch (error) {
            if (isPreconditionFailed(error)) return 'exists';
            if (!isConditionalConflict(error) || attempt >= conflictAttempts) {
              throw s3Error(error, 'upload', bucket, objectName);
            }
            await sleep(backoffMs(attempt));
          }
        }
      } finally {
        await discardSpooled(spooled);
      }
    },

    async read(key) {
      const objectName = objectKey(key);
      const object = await get(objectName);
      if (object === null) return null;
      if (!(object.Body instanceof Readable)) {
        throw s3Error(new Error('no stream body'), 'GetObject', bucket, objectName);
      }
      return guardReadStream(object.Body, (error) =>
        s3Error(error, 'GetObject', bucket, objectName),
      );
    },

    async getDocument(key) {
      const objectName = objectKey(key);
      const object = await get(objectName);
      if (object === null) return null;
      const { Body, ETag } = object;
      if (Body === undefined || ETag === undefined) {
        throw s3Error(new Error('no body or no ETag'), 'GetObject', bucket, objectName);
      }
      const bytes = await call('GetObject', objectName, () => Body.transformToByteArray());
      return { body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), version: ETag };
    },

    async putDocument(key, body, { ifVersion, contentType }: PutDocumentOptions = {}) {
      const objectName = objectKey(key);
      const condition =
        ifVersion === undefined
          ? {}
          : ifVersion === null
            ? { IfNoneMatch: '*' }
            : { IfMatch: ifVersion };
      try {
        const { ETag } = await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: objectName,
            Body: body,
            ContentType: contentType,
            ...condition,
          }),
        );
        if (ETag === undefined) throw new Error('PutObject returned no ETag');
        return ETag;
      } catch (error) {
        // If-Match on a deleted object answers 404: the version is gone too.
        const lostRace =
          isPreconditionFailed(error) || isConditionalConflict(error) || isNoSuchKey(error);
        if (ifVersion !== undefined && lostRace) {
          throw s3Error(error, 'PutObject', bucket, objectName, 'ECONFLICT');
        }
        throw s3Error(error, 'PutObject', bucket, objectName);
      }
    },

    async delete(key) {
      const objectName = objectKey(key);
      await call('DeleteObject', objectName, () =>
        client.send(new DeleteObjectCommand({ Bucket: bucket, Key: objectName })),
      );
    },

    async *list(prefix) {
      for await (const { key } of listing(prefix)) yield key;
    },

    listSizes: listing,
  };
};

/** 100, 200, 400 … ms with jitter, so two conflicting writers do not collide again. */
const backoffMs = (attempt: number): number => 100 * 2 ** (attempt - 1) * (0.5 + Math.random());
