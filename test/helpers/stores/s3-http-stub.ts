import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scripted S3 endpoint on 127.0.0.1 (ephemeral port): the real client runs its whole middleware
 * stack against it (signing, checksums, retries, error parsing), which a mocked `send` skips.
 */
export interface StubRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface StubResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

export interface S3HttpStub {
  readonly endpoint: string;
  readonly requests: StubRequest[];
  close(): Promise<void>;
}

export const startS3HttpStub = async (
  respond: (request: StubRequest, index: number) => StubResponse,
): Promise<S3HttpStub> => {
  const requests: StubRequest[] = [];
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request = {
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(request);
      const response = respond(request, requests.length - 1);
      outgoing.writeHead(response.status, response.headers).end(response.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** An S3 error document. */
export const s3ErrorResponse = (status: number, code: string): StubResponse => ({
  status,
  headers: { 'content-type': 'application/xml', 'x-amz-request-id': 'STUBREQUEST' },
  body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${code} (stub)</Message><RequestId>STUBREQUEST</RequestId></Error>`,
});

export const s3PutResponse = (etag: string): StubResponse => ({
  status: 200,
  headers: { etag: `"${etag}"` },
});
