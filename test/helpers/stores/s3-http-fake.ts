/**
 * A stateful S3 over HTTP on 127.0.0.1, for code that builds its own S3 client (the Lambda bundle
 * carries its own SDK, which aws-sdk-client-mock cannot reach): point it here with
 * AWS_ENDPOINT_URL_S3. Path-style requests (the SDK uses them for an IP endpoint), no signature
 * check. The subset popfwd uses: GetObject, HeadObject, PutObject and CompleteMultipartUpload with
 * If-None-Match: * / If-Match (412 PreconditionFailed, 404 for If-Match on a missing key),
 * DeleteObject, ListObjectsV2 with pagination, and multipart uploads.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  type S3HttpStub,
  type StubRequest,
  type StubResponse,
  s3ErrorResponse,
  startS3HttpStub,
} from './s3-http-stub.js';

export interface StoredObject {
  readonly body: Buffer;
  /** Quoted, as S3 sends it. */
  readonly etag: string;
  readonly contentType: string;
}

export interface S3HttpFake {
  /** For AWS_ENDPOINT_URL_S3. */
  readonly endpoint: string;
  readonly bucket: string;
  /** Key → object. */
  readonly objects: Map<string, StoredObject>;
  /** Multipart uploads begun and neither completed nor aborted. */
  readonly uploads: Map<string, { readonly key: string; readonly parts: Map<number, Buffer> }>;
  /** Completed multipart uploads, by key. */
  readonly multipartKeys: string[];
  readonly requests: readonly StubRequest[];
  close(): Promise<void>;
}

const XML = { 'content-type': 'application/xml' } as const;

const md5 = (data: Buffer): string => createHash('md5').update(data).digest('hex');

const escapeXml = (text: string): string =>
  text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);

const xml = (root: string, inner: string): StubResponse => ({
  status: 200,
  headers: XML,
  body: `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</${root}>`,
});

const element = (name: string, value: string | number | boolean): string =>
  `<${name}>${escapeXml(String(value))}</${name}>`;

export const startS3HttpFake = async (options: {
  readonly bucket: string;
  /** Largest ListObjectsV2 page. @default 1000 */
  readonly maxKeys?: number;
}): Promise<S3HttpFake> => {
  const { bucket } = options;
  const maxKeys = options.maxKeys ?? 1000;
  const objects = new Map<string, StoredObject>();
  const uploads = new Map<string, { key: string; parts: Map<number, Buffer> }>();
  const multipartKeys: string[] = [];

  /** The answer to If-None-Match / If-Match before a write of `key`, or undefined to go ahead. */
  const precondition = (request: StubRequest, key: string): StubResponse | undefined => {
    const existing = objects.get(key);
    if (request.headers['if-none-match'] === '*' && existing) {
      return s3ErrorResponse(412, 'PreconditionFailed');
    }
    const ifMatch = request.headers['if-match'];
    if (typeof ifMatch === 'string') {
      if (!existing) return s3ErrorResponse(404, 'NoSuchKey');
      if (existing.etag !== ifMatch) return s3ErrorResponse(412, 'PreconditionFailed');
    }
    return undefined;
  };

  const store = (key: string, body: Buffer, etag: string, request: StubRequest) => {
    const contentType = request.headers['content-type'] ?? 'application/octet-stream';
    objects.set(key, { body, etag, contentType });
  };

  const list = (query: URLSearchParams): StubResponse => {
    const prefix = query.get('prefix') ?? '';
    const token = query.get('continuation-token');
    const after = token === null ? '' : Buffer.from(token, 'base64url').toString('utf8');
    const limit = Math.min(maxKeys, Number(query.get('max-keys') ?? maxKeys));
    const keys = [...objects.keys()].filter((key) => key.startsWith(prefix) && key > after).sort();
    const page = keys.slice(0, limit);
    const truncated = keys.length > page.length;
    const contents = page
      .map((key) => {
        const object = objects.get(key) as StoredObject;
        return `<Contents>${element('Key', key)}${element('LastModified', new Date().toISOString())}${element('ETag', object.etag)}${element('Size', object.body.length)}${element('StorageClass', 'STANDARD')}</Contents>`;
      })
      .join('');
    const next = truncated
      ? element('NextContinuationToken', Buffer.from(page.at(-1) ?? '').toString('base64url'))
      : '';
    return xml(
      'ListBucketResult',
      `${element('Name', bucket)}${element('Prefix', prefix)}${element('KeyCount', page.length)}${element('MaxKeys', limit)}${element('IsTruncated', truncated)}${contents}${next}`,
    );
  };

  const completeUpload = (request: StubRequest, key: string, uploadId: string): StubResponse => {
    const upload = uploads.get(uploadId);
    if (!upload || upload.key !== key) return s3ErrorResponse(404, 'NoSuchUpload');
    const refused = precondition(request, key);
    if (refused) return refused;
    const numbers = [
      ...request.body.toString('utf8').matchAll(/<PartNumber>(\d+)<\/PartNumber>/g),
    ].map((match) => Number(match[1]));
    const parts = numbers.map((n) => upload.parts.get(n));
    if (parts.some((part) => part === undefined)) return s3ErrorResponse(400, 'InvalidPart');
    const bodies = parts as Buffer[];
    const etag = `"${md5(Buffer.concat(bodies.map((part) => Buffer.from(md5(part), 'hex'))))}-${bodies.length}"`;
    store(key, Buffer.concat(bodies), etag, request);
    uploads.delete(uploadId);
    multipartKeys.push(key);
    return xml(
      'CompleteMultipartUploadResult',
      `${element('Location', `/${bucket}/${key}`)}${element('Bucket', bucket)}${element('Key', key)}${element('ETag', etag)}`,
    );
  };

  const respond = (request: StubRequest): StubResponse => {
    const url = new URL(request.url, 'http://s3.local');
    const [, first = '', ...rest] = url.pathname.split('/');
    if (decodeURIComponent(first) !== bucket) return s3ErrorResponse(404, 'NoSuchBucket');
    const key = decodeURIComponent(rest.join('/'));
    const query = url.searchParams;
    const uploadId = query.get('uploadId');

    if (key === '') {
      return request.method === 'GET' && query.get('list-type') === '2'
        ? list(query)
        : s3ErrorResponse(501, 'NotImplemented');
    }
    if (request.method === 'POST' && query.has('uploads')) {
      const id = randomUUID();
      uploads.set(id, { key, parts: new Map() });
      return xml(
        'InitiateMultipartUploadResult',
        `${element('Bucket', bucket)}${element('Key', key)}${element('UploadId', id)}`,
      );
    }
    if (uploadId !== null) {
      const upload = uploads.get(uploadId);
      if (request.method === 'POST') return completeUpload(request, key, uploadId);
      if (!upload) return s3ErrorResponse(404, 'NoSuchUpload');
      if (request.method === 'DELETE') {
        uploads.delete(uploadId);
        return { status: 204 };
      }
      upload.parts.set(Number(query.get('partNumber')), request.body);
      return { status: 200, headers: { etag: `"${md5(request.body)}"` } };
    }
    const object = objects.get(key);
    switch (request.method) {
      case 'GET':
      case 'HEAD':
        if (!object) return s3ErrorResponse(404, 'NoSuchKey');
        return {
          status: 200,
          headers: {
            etag: object.etag,
            'content-type': object.contentType,
            'content-length': String(object.body.length),
            'last-modified': new Date().toUTCString(),
          },
          ...(request.method === 'GET' ? { body: object.body } : {}),
        };
      case 'PUT': {
        const refused = precondition(request, key);
        if (refused) return refused;
        const etag = `"${md5(request.body)}"`;
        store(key, request.body, etag, request);
        return { status: 200, headers: { etag } };
      }
      case 'DELETE':
        objects.delete(key);
        return { status: 204 };
      default:
        return s3ErrorResponse(405, 'MethodNotAllowed');
    }
  };

  const stub: S3HttpStub = await startS3HttpStub(respond);
  return {
    endpoint: stub.endpoint,
    bucket,
    objects,
    uploads,
    multipartKeys,
    requests: stub.requests,
    close: () => stub.close(),
  };
};
