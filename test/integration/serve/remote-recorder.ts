import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { squarePng } from './serve-corpus.js';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly referer: string | undefined;
}

export interface RemoteRecorder {
  /** `http://127.0.0.1:<port>`: "the Internet" for the hostile message. */
  readonly origin: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

const PIXEL = squarePng(4, [220, 40, 40]);

/**
 * A server standing in for every remote host a message names: it records each request (and its
 * Referer, which must never carry the viewer's URL) and answers with a small red image.
 */
export const startRemoteRecorder = async (): Promise<RemoteRecorder> => {
  const requests: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    requests.push({
      method: request.method ?? '',
      path: (request.url ?? '').split('?')[0] ?? '',
      referer: request.headers.referer,
    });
    response.writeHead(200, { 'content-type': 'image/png', 'access-control-allow-origin': '*' });
    response.end(PIXEL);
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
