// @ts-check
/**
 * The viewer's HTTP API, relative to the page's own URL (which carries the token).
 *
 * @typedef {{id: string, uidl: string, from: string, fromAddress: string, subject: string,
 *   date: string, size: number, tags: string[], attachment: boolean}} Row
 * @typedef {{name: string, address: string}} Mailbox
 * @typedef {{index: number, fileName: string, contentType: string, size: number,
 *   cid: string | null, inline: boolean}} Part
 * @typedef {{id: string, uidl: string, key: string, sha256: string, size: number,
 *   archivedAt: string, date: string | null, subject: string, from: Mailbox[], to: Mailbox[],
 *   cc: Mailbox[], replyTo: Mailbox[], messageId: string | null, tags: string[],
 *   text: string | null, html: boolean, truncated: boolean, remoteOrigins: string[],
 *   parts: Part[], partsOmitted: number, parseError: string | null}} Message
 * @typedef {{mailbox: string, location: string, messages: number,
 *   tags: {tag: string, count: number}[]}} Info
 * @typedef {{type: 'match', row: Row} | {type: 'progress', searched: number, total: number}
 *   | {type: 'done', searched: number, matched: number, ms: number}
 *   | {type: 'error', message: string}} SearchLine
 */

/**
 * @param {Response} response
 * @returns {Promise<Response>}
 */
const checked = async (response) => {
  if (response.ok) return response;
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    message = body?.error?.message ?? message;
  } catch {}
  throw new Error(message);
};

/**
 * @param {string} path
 * @param {AbortSignal} [signal]
 */
export const getJson = async (path, signal) =>
  (await checked(await fetch(path, { signal, credentials: 'omit' }))).json();

/** @returns {Promise<Info>} */
export const getInfo = () => getJson('api/info');

/**
 * @param {URLSearchParams} filters
 * @param {number} offset
 * @param {number} limit
 * @returns {Promise<{total: number, offset: number, rows: Row[]}>}
 */
export const getPage = (filters, offset, limit) => {
  const params = new URLSearchParams(filters);
  params.set('offset', String(offset));
  params.set('limit', String(limit));
  return getJson(`api/messages?${params}`);
};

/**
 * @param {string} id
 * @param {AbortSignal} [signal]
 * @returns {Promise<Message>}
 */
export const getMessage = (id, signal) => getJson(`api/m/${encodeURIComponent(id)}`, signal);

/**
 * @param {string} id
 * @param {AbortSignal} [signal]
 */
export const getSource = async (id, signal) =>
  (await checked(await fetch(`api/m/${encodeURIComponent(id)}/source`, { signal }))).text();

export const reloadCatalog = async () =>
  (await checked(await fetch('api/reload', { method: 'POST' }))).json();

/** @param {string} id @param {string} what */
export const messageUrl = (id, what) => `api/m/${encodeURIComponent(id)}/${what}`;

/**
 * Runs a search and calls `onLine` for each NDJSON line as it arrives.
 * @param {string} text
 * @param {URLSearchParams} filters
 * @param {AbortSignal} signal
 * @param {(line: SearchLine) => void} onLine
 */
export const search = async (text, filters, signal, onLine) => {
  const params = new URLSearchParams(filters);
  params.set('q', text);
  const response = await checked(await fetch(`api/search?${params}`, { signal }));
  if (!response.body) throw new Error('the search returned nothing');
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    pending += value;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line) onLine(JSON.parse(line));
  }
};
