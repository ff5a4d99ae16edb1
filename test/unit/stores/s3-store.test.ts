import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompleteMultipartUploadCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasCode, type PopfwdError } from '../../../lambda/errors.js';
import type { BlobStore } from '../../../lambda/stores/blob-store.js';
import { createS3Store } from '../../../lambda/stores/s3/s3-store.js';
import { binaryBytes, collectKeys, failingSource, sourceOf } from '../../helpers/pop3/streams.js';
import {
  createS3Fake,
  FAKE_ACCESS_KEY_ID,
  FAKE_SECRET_ACCESS_KEY,
  type S3Fake,
} from '../../helpers/stores/s3-fake.js';
import { describeBlobStoreContract, readBytes } from './blob-store-contract.js';

describeBlobStoreContract('S3 store (stateful fake)', async () => {
  const fake = createS3Fake({ maxKeys: 7 });
  return {
    store: createS3Store({ client: fake.client, bucket: fake.bucket, prefix: 'popfwd' }),
    cleanup: async () => fake.restore(),
  };
});

/** Just over one 5 MiB part: the multipart path with two parts. */
const LARGE = 5 * 1024 * 1024 + 100_000;

const rejection = async (promise: Promise<unknown>): Promise<PopfwdError> => {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!hasCode(error, 'ESTORE', 'ECONFLICT', 'EARGUMENT')) throw new Error(`unexpected: ${error}`);
  return error;
};

describe('createS3Store', () => {
  let fake: S3Fake;
  let spoolDir: string;
  let store: BlobStore;

  beforeEach(async () => {
    fake = createS3Fake({ maxKeys: 2 });
    spoolDir = await mkdtemp(join(tmpdir(), 'popfwd-spool-'));
    store = createS3Store({ client: fake.client, bucket: fake.bucket, prefix: 'popfwd', spoolDir });
  });

  afterEach(async () => {
    fake.restore();
    await rm(spoolDir, { recursive: true, force: true });
  });

  it('names its bucket and prefix as the location', () => {
    expect(store.location).toBe('s3://popfwd-test/popfwd/');
  });

  it('stores a small message with one conditional PutObject under the prefix', async () => {
    await store.create('raw/a.eml', sourceOf('Subject: hi\r\n\r\n'), {
      contentType: 'message/rfc822',
    });

    const [put] = fake.mock.commandCalls(PutObjectCommand);
    expect(put?.args[0].input).toMatchObject({
      Bucket: 'popfwd-test',
      Key: 'popfwd/raw/a.eml',
      IfNoneMatch: '*',
      ContentType: 'message/rfc822',
    });
    expect(fake.calls('CreateMultipartUpload')).toBe(0);
  });

  it('uploads a large message in parts, with If-None-Match checked at Complete', async () => {
    const message = binaryBytes(LARGE);

    const outcome = await store.create('raw/big.eml', sourceOf(message));

    expect(outcome).toBe('created');
    expect(fake.calls('UploadPart')).toBe(2);
    const [complete] = fake.mock.commandCalls(CompleteMultipartUploadCommand);
    expect(complete?.args[0].input).toMatchObject({ IfNoneMatch: '*', Key: 'popfwd/raw/big.eml' });
    expect((await readBytes(store, 'raw/big.eml'))?.equals(message)).toBe(true);
    expect(await readdir(spoolDir)).toEqual([]);
  });

  it('resolves "exists" when Complete meets an existing object, and aborts the upload', async () => {
    await store.create('raw/big.eml', sourceOf('already archived'));

    const outcome = await store.create('raw/big.eml', sourceOf(binaryBytes(LARGE)));

    expect(outcome).toBe('exists');
    expect(fake.calls('AbortMultipartUpload')).toBe(1);
    expect(fake.uploads.size).toBe(0);
    expect((await readBytes(store, 'raw/big.eml'))?.toString()).toBe('already archived');
    expect(await readdir(spoolDir)).toEqual([]);
  });

  it('retries a PutObject that met a concurrent conditional write (409)', async () => {
    fake.fail('PutObject', 'conflict');

    const outcome = await store.create('raw/a.eml', sourceOf('message'));

    expect(outcome).toBe('created');
    expect(fake.calls('PutObject')).toBe(2);
    expect((await readBytes(store, 'raw/a.eml'))?.toString()).toBe('message');
  });

  it('restarts a multipart upload from the spooled copy after a 409 at Complete', async () => {
    fake.fail('CompleteMultipartUpload', 'conflict');
    const message = binaryBytes(LARGE, 3);

    const outcome = await store.create('raw/big.eml', sourceOf(message));

    expect(outcome).toBe('created');
    expect(fake.calls('CreateMultipartUpload')).toBe(2);
    expect(fake.uploads.size).toBe(0);
    expect((await readBytes(store, 'raw/big.eml'))?.equals(message)).toBe(true);
    expect(await readdir(spoolDir)).toEqual([]);
  });

  it('gives up after three 409s with a retryable ESTORE', async () => {
    fake.fail('PutObject', 'conflict', Number.POSITIVE_INFINITY);

    const error = await rejection(store.create('raw/a.eml', sourceOf('message')));

    expect(error).toMatchObject({ code: 'ESTORE', retryable: true });
    expect(fake.calls('PutObject')).toBe(3);
  });

  it.each([
    ['throttle', 503, 'SlowDown'],
    ['internal', 500, 'InternalError'],
  ] as const)(
    'reports a %s fault that outlasted the SDK retries as a retryable ESTORE',
    async (fault, status, code) => {
      fake.fail('PutObject', fault, Number.POSITIVE_INFINITY);

      const error = await rejection(store.create('raw/a.eml', sourceOf('message')));

      expect(error).toMatchObject({ code: 'ESTORE', retryable: true });
      expect(error.context).toMatchObject({
        bucket: 'popfwd-test',
        key: 'popfwd/raw/a.eml',
        status,
        code,
      });
      expect(fake.calls('PutObject')).toBe(1);
    },
  );

  it('aborts a multipart upload whose part keeps failing, leaving no object', async () => {
    fake.fail('UploadPart', 'internal', Number.POSITIVE_INFINITY);

    const error = await rejection(store.create('raw/big.eml', sourceOf(binaryBytes(LARGE))));

    expect(error).toMatchObject({ code: 'ESTORE', retryable: true });
    expect(fake.uploads.size).toBe(0);
    expect(fake.objects.size).toBe(0);
    expect(await readdir(spoolDir)).toEqual([]);
  });

  it('sends nothing when a large source fails mid-way, and keeps no spool file', async () => {
    const dropped = new Error('connection lost');

    const outcome = store.create('raw/big.eml', failingSource(binaryBytes(LARGE), dropped));

    await expect(outcome).rejects.toBe(dropped);
    expect(fake.calls('CreateMultipartUpload') + fake.calls('PutObject')).toBe(0);
    expect(await readdir(spoolDir)).toEqual([]);
  });

  it('keeps the access key and secret out of errors (not even in the cause)', async () => {
    fake.fail('GetObject', 'denied');

    const error = await rejection(store.getDocument('state/m.json'));

    const seen = JSON.stringify({
      message: error.message,
      context: error.context,
      cause: error.cause,
      causeMessage: (error.cause as Error).message,
    });
    expect(error).toMatchObject({ code: 'ESTORE', retryable: false });
    expect(seen).not.toContain(FAKE_ACCESS_KEY_ID);
    expect(seen).not.toContain(FAKE_SECRET_ACCESS_KEY);
  });

  it('writes documents with If-Match, If-None-Match or no condition', async () => {
    const created = await store.putDocument('state/m.json', Buffer.from('1'), { ifVersion: null });
    await store.putDocument('state/m.json', Buffer.from('2'), { ifVersion: created });
    await store.putDocument('state/m.json', Buffer.from('3'));

    const inputs = fake.mock.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(inputs[0]).toMatchObject({ IfNoneMatch: '*' });
    expect(inputs[1]).toMatchObject({ IfMatch: created });
    expect(inputs[2]).not.toHaveProperty('IfMatch');
    expect(inputs[2]).not.toHaveProperty('IfNoneMatch');
  });

  it('treats a 409 on a versioned document write as ECONFLICT', async () => {
    const version = await store.putDocument('state/m.json', Buffer.from('1'));
    fake.fail('PutObject', 'conflict');

    const error = await rejection(
      store.putDocument('state/m.json', Buffer.from('2'), { ifVersion: version }),
    );

    expect(error.code).toBe('ECONFLICT');
  });

  it('wraps a failing GetObject as ESTORE instead of reporting the key missing', async () => {
    fake.fail('GetObject', 'internal');

    const error = await rejection(store.read('raw/a.eml'));

    expect(error).toMatchObject({ code: 'ESTORE', retryable: true });
  });

  it('reads every page of a listing', async () => {
    for (const name of ['a', 'b', 'c', 'd', 'e']) await store.create(`raw/${name}`, sourceOf(name));

    const keys = await collectKeys(store.list('raw/'));

    expect(keys).toEqual(['raw/a', 'raw/b', 'raw/c', 'raw/d', 'raw/e']);
    expect(fake.calls('ListObjectsV2')).toBe(3);
  });
});
