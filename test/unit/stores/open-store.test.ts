import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoreConfig } from '../../../lambda/config/config-schema.js';
import { hasCode } from '../../../lambda/errors.js';
import { openStore } from '../../../lambda/stores/open-store.js';
import {
  createS3Client,
  S3_MAX_ATTEMPTS,
  type S3StoreConfig,
} from '../../../lambda/stores/s3/s3-client.js';
import { binaryBytes, sourceOf } from '../../helpers/pop3/streams.js';
import { createS3Fake } from '../../helpers/stores/s3-fake.js';
import {
  type S3HttpStub,
  type StubRequest,
  type StubResponse,
  s3ErrorResponse,
  s3PutResponse,
  startS3HttpStub,
} from '../../helpers/stores/s3-http-stub.js';
import { readBytes } from './blob-store-contract.js';

const s3Config = (overrides: Partial<S3StoreConfig> = {}): S3StoreConfig => ({
  bucket: 'popfwd-test',
  prefix: 'popfwd/',
  region: 'eu-west-1',
  forcePathStyle: true,
  checksums: 'when_supported',
  ...overrides,
});

const xml = (body: string): StubResponse => ({
  status: 200,
  headers: { 'content-type': 'application/xml' },
  body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}`,
});

const credentials = { accessKeyId: 'AKIASTUBSTUBSTUBSTUB', secretAccessKey: 'stub-secret' };

describe('openStore', () => {
  it('opens a local directory store for { dir }', async () => {
    const root = await mkdtemp(join(tmpdir(), 'popfwd-open-store-'));
    const store = openStore({ dir: root });

    await store.create('raw/a.eml', sourceOf('a'));

    expect(store.location).toBe(root);
    expect((await readBytes(store, 'raw/a.eml'))?.toString()).toBe('a');
    await rm(root, { recursive: true, force: true });
  });

  it('opens an S3 store for { s3 } on the injected client', async () => {
    const fake = createS3Fake();
    const store = openStore({ s3: s3Config() } satisfies StoreConfig, { s3Client: fake.client });

    await store.create('raw/a.eml', sourceOf('a'));

    expect(store.location).toBe('s3://popfwd-test/popfwd/');
    expect([...fake.objects.keys()]).toEqual(['popfwd/raw/a.eml']);
    fake.restore();
  });
});

describe('createS3Client', () => {
  let stub: S3HttpStub | undefined;

  afterEach(async () => {
    await stub?.close();
    stub = undefined;
  });

  const storeAgainst = async (
    respond: (index: number) => StubResponse,
    overrides: Partial<S3StoreConfig> = {},
  ) => {
    stub = await startS3HttpStub((_, index) => respond(index));
    const config = s3Config({ endpoint: stub.endpoint, ...overrides });
    return openStore({ s3: config }, { s3Client: createS3Client(config, { credentials }) });
  };

  it.each([
    ['when_required', 'WHEN_REQUIRED'],
    ['when_supported', 'WHEN_SUPPORTED'],
  ] as const)('passes checksums: %s to the client as %s', async (checksums, mode) => {
    const client = createS3Client(s3Config({ checksums }), { credentials });

    expect(await client.config.requestChecksumCalculation()).toBe(mode);
    expect(await client.config.responseChecksumValidation()).toBe(mode);
    expect(await client.config.maxAttempts()).toBe(S3_MAX_ATTEMPTS);
  });

  it('sends no CRC32 checksum to S3-compatible stores in when_required mode', async () => {
    const store = await storeAgainst(() => s3PutResponse('e1'), { checksums: 'when_required' });

    await store.putDocument('state/m.json', Buffer.from('{}'));

    expect(stub?.requests[0]?.headers).not.toHaveProperty('x-amz-checksum-crc32');
  });

  it('sends the SDK default CRC32 checksum in when_supported mode', async () => {
    const store = await storeAgainst(() => s3PutResponse('e1'));

    await store.putDocument('state/m.json', Buffer.from('{}'));

    expect(stub?.requests[0]?.headers).toHaveProperty('x-amz-checksum-crc32');
  });

  it('retries throttling (503 SlowDown) and a 500, then succeeds', async () => {
    const script = [s3ErrorResponse(503, 'SlowDown'), s3ErrorResponse(500, 'InternalError')];
    const store = await storeAgainst((index) => script[index] ?? s3PutResponse('e3'));

    const version = await store.putDocument('state/m.json', Buffer.from('{}'));

    expect(version).toBe('"e3"');
    expect(stub?.requests).toHaveLength(3);
  });

  it(`gives up after ${S3_MAX_ATTEMPTS} attempts of a persistent 500 with a retryable ESTORE`, async () => {
    const store = await storeAgainst(() => s3ErrorResponse(500, 'InternalError'));

    const write = store.putDocument('state/m.json', Buffer.from('{}'));

    await expect(write).rejects.toSatisfy(
      (error) => hasCode(error, 'ESTORE') && error.retryable && error.context.status === 500,
    );
    expect(stub?.requests).toHaveLength(S3_MAX_ATTEMPTS);
  });

  it('sends If-None-Match: * and reads a real 412 answer as "exists"', async () => {
    const store = await storeAgainst(() => s3ErrorResponse(412, 'PreconditionFailed'));

    const outcome = await store.create('raw/a.eml', sourceOf('message'));

    expect(outcome).toBe('exists');
    expect(stub?.requests[0]?.headers['if-none-match']).toBe('*');
    expect(stub?.requests[0]?.url).toBe('/popfwd-test/popfwd/raw/a.eml?x-id=PutObject');
  });

  /** Answers a multipart upload the way S3 does; Complete answers `complete`. */
  const multipartScript =
    (complete: StubResponse) =>
    ({ method, url }: StubRequest): StubResponse => {
      if (method === 'POST' && url.includes('?uploads')) {
        return xml(
          '<InitiateMultipartUploadResult><Bucket>popfwd-test</Bucket><Key>popfwd/raw/big.eml</Key><UploadId>U1</UploadId></InitiateMultipartUploadResult>',
        );
      }
      if (method === 'PUT') return s3PutResponse(`part-${url.match(/partNumber=(\d+)/)?.[1]}`);
      if (method === 'DELETE') return { status: 204 };
      return complete;
    };

  it('checks If-None-Match only at CompleteMultipartUpload of a large message', async () => {
    const message = binaryBytes(5 * 1024 * 1024 + 1000);
    stub = await startS3HttpStub(
      multipartScript(
        xml(
          '<CompleteMultipartUploadResult><ETag>"whole-2"</ETag></CompleteMultipartUploadResult>',
        ),
      ),
    );
    const config = s3Config({ endpoint: stub.endpoint, checksums: 'when_required' });
    const store = openStore({ s3: config }, { s3Client: createS3Client(config, { credentials }) });

    const outcome = await store.create('raw/big.eml', sourceOf(message));

    const requests = stub.requests;
    const conditional = requests.filter((request) => request.headers['if-none-match'] === '*');
    const partNumber = (request: StubRequest) => Number(request.url.match(/partNumber=(\d+)/)?.[1]);
    const parts = requests
      .filter((request) => request.method === 'PUT')
      .sort((a, b) => partNumber(a) - partNumber(b));
    expect(outcome).toBe('created');
    expect(conditional.map((request) => request.url)).toEqual([
      '/popfwd-test/popfwd/raw/big.eml?uploadId=U1',
    ]);
    expect(Buffer.concat(parts.map((part) => part.body)).equals(message)).toBe(true);
  });

  it('aborts the multipart upload when Complete answers 412, and resolves "exists"', async () => {
    stub = await startS3HttpStub(multipartScript(s3ErrorResponse(412, 'PreconditionFailed')));
    const config = s3Config({ endpoint: stub.endpoint, checksums: 'when_required' });
    const store = openStore({ s3: config }, { s3Client: createS3Client(config, { credentials }) });

    const outcome = await store.create('raw/big.eml', sourceOf(binaryBytes(5 * 1024 * 1024 + 1)));

    expect(outcome).toBe('exists');
    expect(stub.requests.at(-1)).toMatchObject({
      method: 'DELETE',
      url: '/popfwd-test/popfwd/raw/big.eml?uploadId=U1&x-id=AbortMultipartUpload',
    });
  });

  it('reads a real 404 NoSuchKey answer as a missing key', async () => {
    const store = await storeAgainst(() => s3ErrorResponse(404, 'NoSuchKey'));

    expect(await store.read('raw/missing.eml')).toBeNull();
    expect(stub?.requests).toHaveLength(1);
  });
});
