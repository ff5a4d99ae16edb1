import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  type S3ClientResolvedConfig,
  S3ServiceException,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { type AwsStub, mockClient } from 'aws-sdk-client-mock';

/**
 * A stateful S3 on aws-sdk-client-mock: objects in a Map with MD5 ETags, If-None-Match / If-Match
 * on PutObject and CompleteMultipartUpload (412, 404), multipart uploads, paginated listing, and
 * injectable faults. Mocking `send` bypasses the SDK's middleware, so nothing here is retried by
 * the SDK: an injected fault is what the adapter sees after the SDK gave up.
 */

export const FAKE_ACCESS_KEY_ID = 'AKIAFAKEFAKEFAKEFAKE';
export const FAKE_SECRET_ACCESS_KEY = 'fake/secret/access/key/never/in/errors';

export const FAKE_COMMANDS = [
  'PutObject',
  'GetObject',
  'DeleteObject',
  'ListObjectsV2',
  'CreateMultipartUpload',
  'UploadPart',
  'CompleteMultipartUpload',
  'AbortMultipartUpload',
] as const;
export type FakeCommand = (typeof FAKE_COMMANDS)[number];

/** throttle: 503 SlowDown; internal: 500 InternalError; conflict: 409 ConditionalRequestConflict;
 * denied: 403 InvalidAccessKeyId carrying the key id, as S3's error document does. */
export type FakeFault = 'throttle' | 'internal' | 'conflict' | 'denied';

export interface FakeObject {
  readonly body: Buffer;
  readonly etag: string;
  readonly contentType?: string;
}

export interface PendingUpload {
  readonly key: string;
  readonly parts: Map<number, { body: Buffer; etag: string }>;
}

export interface S3Fake {
  readonly client: S3Client;
  readonly mock: AwsStub<ServiceInputTypes, ServiceOutputTypes, S3ClientResolvedConfig>;
  readonly bucket: string;
  readonly objects: Map<string, FakeObject>;
  /** Multipart uploads begun and neither completed nor aborted. */
  readonly uploads: Map<string, PendingUpload>;
  /** Calls of `command` so far, failed ones included. */
  calls(command: FakeCommand): number;
  /**
   * Fails the next `times` calls of `command` (Infinity: every call); with `key`, only the calls
   * for keys it matches (the others go through and do not count).
   */
  fail(command: FakeCommand, fault: FakeFault, times?: number, key?: RegExp): void;
  restore(): void;
}

export interface S3FakeOptions {
  readonly bucket?: string;
  /** Largest ListObjectsV2 page, small to exercise pagination. @default 1000 */
  readonly maxKeys?: number;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;

export const createS3Fake = (options: S3FakeOptions = {}): S3Fake => {
  const bucket = options.bucket ?? 'popfwd-test';
  const maxKeys = options.maxKeys ?? 1000;
  const client = new S3Client({
    region: 'eu-west-1',
    credentials: { accessKeyId: FAKE_ACCESS_KEY_ID, secretAccessKey: FAKE_SECRET_ACCESS_KEY },
  });
  const mock = mockClient(client);
  const objects = new Map<string, FakeObject>();
  const uploads = new Map<string, PendingUpload>();
  const callCounts = new Map<FakeCommand, number>();
  const faults = new Map<FakeCommand, { fault: FakeFault; remaining: number; key?: RegExp }>();

  /** Counts the call, checks the bucket, and throws the fault queued for `command`, if any. */
  const enter = (command: FakeCommand, input: { Bucket?: string; Key?: string }): void => {
    callCounts.set(command, (callCounts.get(command) ?? 0) + 1);
    const queued = faults.get(command);
    if (queued !== undefined && (queued.key === undefined || queued.key.test(input.Key ?? ''))) {
      queued.remaining -= 1;
      if (queued.remaining <= 0) faults.delete(command);
      throw faultError(queued.fault);
    }
    if (input.Bucket !== bucket) throw serviceError('NoSuchBucket', 404, 'client');
  };

  const checkConditions = (
    key: string,
    input: { IfNoneMatch?: string; IfMatch?: string },
  ): void => {
    const existing = objects.get(key);
    if (input.IfNoneMatch === '*' && existing !== undefined) {
      throw serviceError('PreconditionFailed', 412, 'client');
    }
    if (input.IfMatch !== undefined) {
      if (existing === undefined) throw noSuchKey();
      if (existing.etag !== input.IfMatch) throw serviceError('PreconditionFailed', 412, 'client');
    }
  };

  const store = (key: string, body: Buffer, etag: string, contentType?: string) => {
    objects.set(key, { body, etag, ...(contentType !== undefined && { contentType }) });
    return { ETag: etag, $metadata: { httpStatusCode: 200 } };
  };

  mock.on(PutObjectCommand).callsFake(async (input) => {
    enter('PutObject', input);
    const body = await collect(input.Body);
    // Check and write in one synchronous step: concurrent calls see each other's effects.
    checkConditions(input.Key, input);
    return store(input.Key, body, `"${md5(body).toString('hex')}"`, input.ContentType);
  });

  mock.on(GetObjectCommand).callsFake(async (input) => {
    enter('GetObject', input);
    const object = objects.get(input.Key);
    if (object === undefined) throw noSuchKey();
    return {
      Body: streamBody(object.body),
      ETag: object.etag,
      ContentLength: object.body.length,
      ContentType: object.contentType,
      $metadata: { httpStatusCode: 200 },
    };
  });

  mock.on(DeleteObjectCommand).callsFake(async (input) => {
    enter('DeleteObject', input);
    objects.delete(input.Key);
    return { $metadata: { httpStatusCode: 204 } };
  });

  mock.on(ListObjectsV2Command).callsFake(async (input) => {
    enter('ListObjectsV2', input);
    const prefix: string = input.Prefix ?? '';
    const after: string = input.ContinuationToken ?? input.StartAfter ?? '';
    const matching = [...objects.keys()].filter((key) => key.startsWith(prefix) && key > after);
    matching.sort();
    const page = matching.slice(0, Math.min(input.MaxKeys ?? 1000, maxKeys));
    const truncated = page.length < matching.length;
    return {
      Contents: page.map((Key) => ({ Key, Size: objects.get(Key)?.body.length })),
      KeyCount: page.length,
      IsTruncated: truncated,
      ...(truncated && { NextContinuationToken: page.at(-1) }),
      $metadata: { httpStatusCode: 200 },
    };
  });

  mock.on(CreateMultipartUploadCommand).callsFake(async (input) => {
    enter('CreateMultipartUpload', input);
    const UploadId = randomUUID();
    uploads.set(UploadId, { key: input.Key, parts: new Map() });
    return { Bucket: bucket, Key: input.Key, UploadId, $metadata: { httpStatusCode: 200 } };
  });

  mock.on(UploadPartCommand).callsFake(async (input) => {
    enter('UploadPart', input);
    const body = await collect(input.Body);
    const upload = pendingUpload(input.UploadId, input.Key);
    const etag = `"${md5(body).toString('hex')}"`;
    upload.parts.set(input.PartNumber, { body, etag });
    return { ETag: etag, $metadata: { httpStatusCode: 200 } };
  });

  mock.on(CompleteMultipartUploadCommand).callsFake(async (input) => {
    enter('CompleteMultipartUpload', input);
    const upload = pendingUpload(input.UploadId, input.Key);
    checkConditions(input.Key, input);
    const listed: { PartNumber: number; ETag: string }[] = input.MultipartUpload?.Parts ?? [];
    const parts = listed.map(({ PartNumber, ETag }, index) => {
      const part = upload.parts.get(PartNumber);
      if (part === undefined || part.etag !== ETag)
        throw serviceError('InvalidPart', 400, 'client');
      if (index > 0 && PartNumber <= (listed[index - 1]?.PartNumber ?? 0)) {
        throw serviceError('InvalidPartOrder', 400, 'client');
      }
      if (index < listed.length - 1 && part.body.length < MIN_PART_SIZE) {
        throw serviceError('EntityTooSmall', 400, 'client');
      }
      return part;
    });
    uploads.delete(input.UploadId);
    const digests = parts.map((part) => md5(part.body));
    const etag = `"${md5(Buffer.concat(digests)).toString('hex')}-${parts.length}"`;
    const body = Buffer.concat(parts.map((part) => part.body));
    return { ...store(input.Key, body, etag), Bucket: bucket, Key: input.Key };
  });

  mock.on(AbortMultipartUploadCommand).callsFake(async (input) => {
    enter('AbortMultipartUpload', input);
    pendingUpload(input.UploadId, input.Key);
    uploads.delete(input.UploadId);
    return { $metadata: { httpStatusCode: 204 } };
  });

  const pendingUpload = (uploadId: string, key: string): PendingUpload => {
    const upload = uploads.get(uploadId);
    if (upload === undefined || upload.key !== key)
      throw serviceError('NoSuchUpload', 404, 'client');
    return upload;
  };

  return {
    client,
    mock,
    bucket,
    objects,
    uploads,
    calls: (command) => callCounts.get(command) ?? 0,
    fail: (command, fault, times = 1, key) => {
      faults.set(command, { fault, remaining: times, ...(key ? { key } : {}) });
    },
    restore: () => mock.restore(),
  };
};

const md5 = (data: Buffer): Buffer => createHash('md5').update(data).digest();

const serviceError = (
  name: string,
  status: number,
  fault: 'client' | 'server',
  extra: Record<string, unknown> = {},
): S3ServiceException =>
  Object.assign(
    new S3ServiceException({
      name,
      $fault: fault,
      $metadata: { httpStatusCode: status, requestId: 'FAKEREQUESTID' },
      message: `${name} (fake S3)`,
    }),
    extra,
  );

const noSuchKey = (): NoSuchKey =>
  new NoSuchKey({
    $metadata: { httpStatusCode: 404, requestId: 'FAKEREQUESTID' },
    message: 'The specified key does not exist.',
  });

const faultError = (fault: FakeFault): S3ServiceException => {
  switch (fault) {
    case 'throttle':
      return serviceError('SlowDown', 503, 'server');
    case 'internal':
      return serviceError('InternalError', 500, 'server');
    case 'conflict':
      return serviceError('ConditionalRequestConflict', 409, 'client');
    case 'denied':
      return serviceError('InvalidAccessKeyId', 403, 'client', {
        AWSAccessKeyId: FAKE_ACCESS_KEY_ID,
      });
  }
};

const collect = async (body: unknown): Promise<Buffer> => {
  if (body === undefined) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof Readable) {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks);
  }
  throw new TypeError(`fake S3: unsupported body type ${typeof body}`);
};

/** A body as the SDK returns it in Node: a Readable with the `transformTo…` helpers. */
const streamBody = (data: Buffer): Readable =>
  Object.assign(Readable.from([data], { objectMode: false }), {
    transformToByteArray: async () => new Uint8Array(data),
    transformToString: async (encoding: BufferEncoding = 'utf8') => data.toString(encoding),
    transformToWebStream: () => Readable.toWeb(Readable.from([data], { objectMode: false })),
  });
