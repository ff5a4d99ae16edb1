import { listRow } from './archive-index.js';
import { pageCsp } from './csp.js';
import { HttpError, sendJson, writeHead } from './http-response.js';
import { parseFilter, parsePage } from './query.js';
import type { Exchange, ServeContext } from './serve-context.js';

/** The page itself: index.html under the token, its assets under /assets/. */
export const servePage = (context: ServeContext, exchange: Exchange, name: string): void => {
  const asset = context.assets.get(name);
  if (!asset || (name === 'index.html') !== (exchange.path === '/')) {
    throw new HttpError(404, 'no such file');
  }
  writeHead(exchange.response, 200, {
    'content-type': asset.contentType,
    'content-length': asset.body.length,
    ...(name === 'index.html' ? { 'content-security-policy': pageCsp(exchange.base) } : {}),
  });
  exchange.response.end(exchange.request.method === 'HEAD' ? undefined : asset.body);
};

/** `api/info`: the mailbox, where its archive is, how many messages and which tags. */
export const serveInfo = (context: ServeContext, exchange: Exchange): void => {
  const index = context.index();
  sendJson(exchange.response, 200, {
    mailbox: context.mailbox,
    location: context.store.location,
    messages: index.size,
    tags: index.tags().slice(0, 200),
  });
};

/** `api/messages?offset&limit&<filters>`: one page of the list, newest first, and the total. */
export const serveList = (context: ServeContext, exchange: Exchange): void => {
  const filter = parseFilter(exchange.params);
  const { offset, limit } = parsePage(exchange.params);
  const selection = context.index().select(filter);
  sendJson(exchange.response, 200, {
    total: selection.length,
    offset,
    rows: selection.slice(offset, offset + limit).map(listRow),
  });
};

/** `POST api/reload`: read the catalog again, for messages archived since the start. */
export const serveReload = async (context: ServeContext, exchange: Exchange): Promise<void> => {
  const index = await context.reload();
  sendJson(exchange.response, 200, { messages: index.size });
};
