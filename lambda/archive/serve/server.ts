import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MailboxLayout } from '../../engine/layout.js';
import { PopfwdError } from '../../errors.js';
import { type Log, silentLog } from '../../log.js';
import type { BlobStore } from '../../stores/blob-store.js';
import { type CatalogView, readCatalog } from '../catalog.js';
import { newAccessToken, pathAfterToken } from './access-token.js';
import { ArchiveIndex } from './archive-index.js';
import { sendError, writeHead } from './http-response.js';
import { allowedHost, assertLoopbackHost, isLoopbackAddress } from './loopback.js';
import { MessageCache, type MessageCacheOptions } from './message-cache.js';
import { loadPageAssets, PAGE_DIR } from './page-assets.js';
import { handleExchange } from './router.js';
import type { ServeContext } from './serve-context.js';

export interface ArchiveServerOptions {
  readonly store: BlobStore;
  readonly layout: MailboxLayout;
  /** The mailbox address, shown in the page. */
  readonly mailbox: string;
  /** The catalog as read at the start (the command shows progress while reading it). */
  readonly catalog: CatalogView;
  /** A loopback address; anything else is refused. @default 127.0.0.1 */
  readonly host?: string;
  /** @default 0: a free port */
  readonly port?: number;
  /** Where failures are logged; never a URL (they carry the token). */
  readonly log?: Log;
  /** Raw objects one search reads at once. @default 8 */
  readonly searchConcurrency?: number;
  readonly cache?: MessageCacheOptions;
}

export interface ArchiveServer {
  /** The one URL to open: it carries the token. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Longest request line the viewer accepts (a filter and a search fit many times over). */
const MAX_URL = 8 * 1024;

const listen = (server: ReturnType<typeof createServer>, host: string, port: number) =>
  new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const taken = error.code === 'EADDRINUSE' || error.code === 'EACCES';
      reject(
        taken
          ? new PopfwdError(
              'EUSAGE',
              `cannot listen on ${host}:${port}: ${error.code}; choose another --port`,
              {
                cause: error,
              },
            )
          : error,
      );
    });
    server.listen({ host, port, exclusive: true }, () => resolve(server.address() as AddressInfo));
  });

/**
 * `popfwd archive serve`: the archive in a web page, on loopback, behind a token. Every request
 * passes three checks before any route sees it: a Host this server answers to (no DNS
 * rebinding), the token as the first path segment, and no request body (none is needed).
 */
export const startArchiveServer = async (options: ArchiveServerOptions): Promise<ArchiveServer> => {
  const host = options.host ?? '127.0.0.1';
  assertLoopbackHost(host);
  const token = newAccessToken();
  const log = options.log ?? silentLog;
  // Nothing below keeps `options`: the catalog it holds is copied into the index, slimmed.
  const { store, layout } = options;
  let index = new ArchiveIndex(options.catalog);
  let reloading: Promise<ArchiveIndex> | null = null;
  const context: ServeContext = {
    store,
    mailbox: options.mailbox,
    messages: new MessageCache(store, options.cache),
    assets: await loadPageAssets(PAGE_DIR),
    log,
    index: () => index,
    reload: () => {
      reloading ??= readCatalog(store, layout)
        .then((catalog) => {
          index = new ArchiveIndex(catalog);
          return index;
        })
        .finally(() => {
          reloading = null;
        });
      return reloading;
    },
    search: { concurrency: options.searchConcurrency ?? 8, maxActive: 2, active: 0 },
  };
  let port = 0;

  /** The request's path after the token and its query, or why it is refused. */
  const admit = (
    request: IncomingMessage,
  ): { path: string; params: URLSearchParams } | [status: number, reason: string] => {
    const url = request.url ?? '';
    if (url.length > MAX_URL) return [414, 'request too long'];
    if (!url.startsWith('/')) return [400, 'not a path'];
    if (!allowedHost(request.headers.host, host, port)) return [403, 'forbidden'];
    // Joined, not resolved: `//host/x` stays a path (and fails the token check).
    const { pathname, searchParams } = new URL(`http://viewer.invalid${url}`);
    const path = pathAfterToken(pathname, token);
    if (path === null) return [403, 'forbidden'];
    if (!['GET', 'HEAD', 'POST'].includes(request.method ?? '')) {
      return [405, 'only GET, HEAD and POST'];
    }
    const length = Number(request.headers['content-length'] ?? 0);
    if (length > 0 || request.headers['transfer-encoding'] !== undefined) {
      return [413, 'the viewer takes no request body'];
    }
    return { path, params: searchParams };
  };

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    let admitted: ReturnType<typeof admit>;
    try {
      admitted = admit(request);
    } catch {
      admitted = [400, 'not a valid request target'];
    }
    if (Array.isArray(admitted)) {
      sendError(response, admitted[0], admitted[1]);
      return;
    }
    if (admitted.path === '') {
      writeHead(response, 308, { location: `/${token}/` });
      response.end();
      return;
    }
    const origin = `http://${request.headers.host}`;
    void handleExchange(context, {
      request,
      response,
      path: admitted.path,
      params: admitted.params,
      origin,
      base: `${origin}/${token}/`,
    });
  };

  const server = createServer(
    { maxHeaderSize: 16 * 1024, requestTimeout: 30_000, headersTimeout: 10_000 },
    handle,
  );
  server.maxConnections = 64;
  const address = await listen(server, host, options.port ?? 0);
  if (!isLoopbackAddress(address.address)) {
    server.close();
    throw new PopfwdError('EUSAGE', `bound to ${address.address}, which is not loopback`);
  }
  port = address.port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/${token}/`,
    host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
