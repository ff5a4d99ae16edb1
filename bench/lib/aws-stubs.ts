/**
 * Just enough S3 and SSM, over HTTP on loopback, for the bundled Lambda handler to run unmodified:
 * the real SDK clients (signing, retries, parsing) talk to them through endpoint settings. Every
 * reply waits `latencyMs` first, as a request inside an AWS region does, and every request is
 * counted by operation — the cost model's request counts come from here.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Stub {
  readonly endpoint: string;
  /** Requests by operation (e.g. "GetObject", "PutParameter") since the last take(). */
  take(): Record<string, number>;
  close(): Promise<void>;
}

interface Reply {
  readonly operation: string;
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

type Handler = (request: IncomingMessage, body: Buffer) => Reply;

const serve = async (latencyMs: number, handle: Handler): Promise<Stub> => {
  let counts: Record<string, number> = {};
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const reply = handle(request, Buffer.concat(chunks));
      counts[reply.operation] = (counts[reply.operation] ?? 0) + 1;
      void sleep(latencyMs).then(() => {
        response.writeHead(reply.status, reply.headers).end(reply.body ?? '');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    take() {
      const taken = counts;
      counts = {};
      return taken;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

const s3Error = (status: number, code: string): Omit<Reply, 'operation'> => ({
  status,
  headers: { 'content-type': 'application/xml' },
  body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`,
});

const etagOf = (body: Buffer): string => `"${createHash('md5').update(body).digest('hex')}"`;

const xmlText = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export interface S3Stub extends Stub {
  /** Puts an object straight into the bucket, with no request (setting up a large archive). */
  seed(bucket: string, key: string, body: Buffer): void;
}

/**
 * A path-style S3 bucket in memory: GetObject, PutObject with If-None-Match: * and If-Match
 * (412 when the condition fails), DeleteObject, and ListObjectsV2 pages (continuation tokens
 * included: `archive list` of a large archive pages through its keys). Anything else
 * (multipart) is refused, so a run that needs it fails loudly instead of measuring something
 * else.
 */
export const startS3Stub = async (latencyMs: number): Promise<S3Stub> => {
  const objects = new Map<string, Buffer>();
  const stub = await serve(latencyMs, (request, body): Reply => {
    const url = new URL(request.url ?? '/', 'http://stub');
    const key = decodeURIComponent(url.pathname);
    const existing = objects.get(key);
    // The SDK adds ?x-id=GetObject and the like; multipart uploads and listings are refused.
    const plain = !['uploads', 'uploadId', 'list-type'].some((name) => url.searchParams.has(name));
    if (request.method === 'GET' && plain) {
      if (!existing) return { operation: 'GetObject', ...s3Error(404, 'NoSuchKey') };
      return {
        operation: 'GetObject',
        status: 200,
        headers: { etag: etagOf(existing), 'content-length': String(existing.length) },
        body: existing,
      };
    }
    if (request.method === 'PUT' && plain) {
      const ifNoneMatch = request.headers['if-none-match'];
      const ifMatch = request.headers['if-match'];
      if (
        (ifNoneMatch === '*' && existing) ||
        (ifMatch && (!existing || etagOf(existing) !== ifMatch))
      ) {
        return { operation: 'PutObject', ...s3Error(412, 'PreconditionFailed') };
      }
      objects.set(key, body);
      return { operation: 'PutObject', status: 200, headers: { etag: etagOf(body) } };
    }
    if (request.method === 'GET' && url.searchParams.get('list-type') === '2') {
      const bucket = key.split('/')[1] ?? '';
      const prefix = url.searchParams.get('prefix') ?? '';
      const limit = Math.min(1000, Number(url.searchParams.get('max-keys') ?? 1000));
      // The token is the last key of the previous page (S3's are opaque; any will do).
      const after = url.searchParams.get('continuation-token') ?? '';
      const matching = [...objects.keys()]
        .filter((name) => name.startsWith(`/${bucket}/${prefix}`) && name > after)
        .sort();
      const page = matching.slice(0, limit);
      const truncated = matching.length > limit;
      const contents = page
        .map((name) => {
          const object = objects.get(name) ?? Buffer.alloc(0);
          const objectKey = xmlText(name.slice(bucket.length + 2));
          return `<Contents><Key>${objectKey}</Key><Size>${object.length}</Size><ETag>${xmlText(etagOf(object))}</ETag></Contents>`;
        })
        .join('');
      const next = truncated
        ? `<NextContinuationToken>${xmlText(page[page.length - 1] ?? '')}</NextContinuationToken>`
        : '';
      return {
        operation: 'ListObjectsV2',
        status: 200,
        headers: { 'content-type': 'application/xml' },
        body: `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${xmlText(bucket)}</Name><Prefix>${xmlText(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${limit}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${next}${contents}</ListBucketResult>`,
      };
    }
    if (request.method === 'DELETE' && plain) {
      objects.delete(key);
      return { operation: 'DeleteObject', status: 204 };
    }
    return {
      operation: `unsupported ${request.method} ${url.search}`,
      ...s3Error(501, 'NotImplemented'),
    };
  });
  return { ...stub, seed: (bucket, key, body) => objects.set(`/${bucket}/${key}`, body) };
};

/** SSM Parameter Store's GetParameter and PutParameter (JSON 1.1 protocol) over `parameters`. */
export const startSsmStub = (latencyMs: number, parameters: Map<string, string>): Promise<Stub> => {
  const versions = new Map<string, number>();
  return serve(latencyMs, (request, body) => {
    const operation = String(request.headers['x-amz-target'] ?? '').replace('AmazonSSM.', '');
    const input = JSON.parse(body.toString('utf8') || '{}') as { Name?: string; Value?: string };
    const name = input.Name ?? '';
    const json = (status: number, value: unknown) => ({
      operation,
      status,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify(value),
    });
    if (operation === 'GetParameter') {
      const value = parameters.get(name);
      if (value === undefined) return json(400, { __type: 'ParameterNotFound', message: name });
      return json(200, {
        Parameter: {
          Name: name,
          Type: 'SecureString',
          Value: value,
          Version: versions.get(name) ?? 1,
        },
      });
    }
    if (operation === 'PutParameter') {
      parameters.set(name, input.Value ?? '');
      const version = (versions.get(name) ?? 1) + 1;
      versions.set(name, version);
      return json(200, { Version: version, Tier: 'Standard' });
    }
    return json(400, { __type: 'InvalidAction', message: operation });
  });
};
