import { errorMessage } from '../../errors.js';
import { HttpError, sendError } from './http-response.js';
import { serveInfo, serveList, servePage, serveReload } from './list-routes.js';
import { serveMessageRoute } from './message-routes.js';
import { serveSearch } from './search-route.js';
import type { Exchange, ServeContext } from './serve-context.js';

const segmentsOf = (path: string): string[] => {
  try {
    return path.split('/').slice(1).map(decodeURIComponent);
  } catch {
    throw new HttpError(400, 'a path segment is not valid percent-encoding');
  }
};

const route = async (context: ServeContext, exchange: Exchange): Promise<void> => {
  const { path, request } = exchange;
  const post = request.method === 'POST';
  if (path === '/api/reload') {
    if (!post) throw new HttpError(405, 'reload is a POST');
    return serveReload(context, exchange);
  }
  if (post) throw new HttpError(405, 'only GET and HEAD');
  if (path === '/') return servePage(context, exchange, 'index.html');
  const [area, ...rest] = segmentsOf(path);
  if (area === 'assets' && rest.length === 1) {
    return servePage(context, exchange, rest[0] as string);
  }
  if (area !== 'api') throw new HttpError(404, 'no such page');
  const [what, ...more] = rest;
  if (what === 'info' && more.length === 0) return serveInfo(context, exchange);
  if (what === 'messages' && more.length === 0) return serveList(context, exchange);
  if (what === 'search' && more.length === 0) return serveSearch(context, exchange);
  if (what === 'm' && more.length > 0) return serveMessageRoute(context, exchange, more);
  throw new HttpError(404, 'no such route');
};

/**
 * Answers one request that passed the host and token checks. A request's own mistake is its
 * status (400, 404, …); anything else is a 500 whose cause is logged (never the URL: it holds
 * the token). A response already under way when something fails is cut off, so the browser
 * sees a failed download rather than a short one.
 */
export const handleExchange = async (context: ServeContext, exchange: Exchange): Promise<void> => {
  try {
    await route(context, exchange);
  } catch (error) {
    if (exchange.response.destroyed) return;
    if (error instanceof HttpError) {
      sendError(exchange.response, error.status, error.message);
      return;
    }
    context.log.warn('archive serve: a request failed', { error: errorMessage(error) });
    sendError(exchange.response, 500, errorMessage(error));
  }
};
