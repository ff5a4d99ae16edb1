import type { ServerResponse } from 'node:http';

/**
 * Headers on every response. Mail is private and changes meaning with context, so nothing is
 * cached; no response is sniffed into another type; no URL (they carry the token) is ever sent
 * as a Referer; and whatever is opened as a document on its own gets a policy that runs nothing
 * and loads nothing (the page and the mail's HTML set their own, see csp.ts).
 */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'x-dns-prefetch-control': 'off',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; sandbox",
};

export const writeHead = (
  response: ServerResponse,
  status: number,
  headers: Readonly<Record<string, string | number>>,
): void => {
  response.writeHead(status, { ...BASE_HEADERS, ...headers });
};

export const sendJson = (response: ServerResponse, status: number, value: unknown): void => {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  writeHead(response, status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
  });
  response.end(response.req.method === 'HEAD' ? undefined : body);
};

/** An error as JSON: `{error: {status, message}}`; the message never holds the token. */
export const sendError = (response: ServerResponse, status: number, message: string): void => {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  sendJson(response, status, { error: { status, message } });
};

/** An error the request itself caused: a bad parameter, an unknown message. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
