import { once } from 'node:events';
import { errorMessage } from '../../errors.js';
import { searchArchive } from '../search.js';
import { listRow } from './archive-index.js';
import { HttpError, writeHead } from './http-response.js';
import { parseFilter, parseSearchText } from './query.js';
import type { Exchange, ServeContext } from './serve-context.js';

/** How often a running search says how far it got. */
const PROGRESS_MS = 250;

/**
 * `api/search?q&<filters>`: a full-text search over the filtered messages, newest first, streamed
 * as NDJSON while it runs, one line each:
 *   {"type":"match","row":{…}}                      a message that contains the text
 *   {"type":"progress","searched":N,"total":T}      at most four times a second
 *   {"type":"done","searched":N,"matched":M,"ms":D} or {"type":"error","message":…}
 * Memory stays bounded: a few messages are read at once (search.ts), a slow reader holds the
 * search back (the response's backpressure) and a closed connection stops it.
 */
export const serveSearch = async (context: ServeContext, exchange: Exchange): Promise<void> => {
  const text = parseSearchText(exchange.params);
  const records = context.index().select(parseFilter(exchange.params));
  const { search } = context;
  if (search.active >= search.maxActive) {
    throw new HttpError(429, 'too many searches at once; wait for one to finish');
  }
  search.active += 1;
  const { response } = exchange;
  const controller = new AbortController();
  response.once('close', () => controller.abort());
  const started = Date.now();
  let searched = 0;
  let matched = 0;
  let reported = -1;
  const progress = setInterval(() => {
    // Progress is worth nothing to a reader who is behind: skipped while the response is full.
    if (searched === reported || response.writableNeedDrain) return;
    reported = searched;
    response.write(`${JSON.stringify({ type: 'progress', searched, total: records.length })}\n`);
  }, PROGRESS_MS);
  const send = async (line: unknown): Promise<void> => {
    if (!response.write(`${JSON.stringify(line)}\n`)) {
      await once(response, 'drain', { signal: controller.signal });
    }
  };
  try {
    writeHead(response, 200, { 'content-type': 'application/x-ndjson; charset=utf-8' });
    await send({ type: 'progress', searched: 0, total: records.length });
    const found = searchArchive(context.store, records, text, {
      concurrency: search.concurrency,
      signal: controller.signal,
      onProgress: (count) => {
        searched = count;
      },
    });
    for await (const record of found) {
      matched += 1;
      await send({ type: 'match', row: listRow(record) });
    }
    if (controller.signal.aborted) return;
    await send({ type: 'done', searched, matched, ms: Date.now() - started });
    response.end();
  } catch (error) {
    if (controller.signal.aborted) return;
    context.log.warn('archive serve: a search failed', { error: errorMessage(error) });
    response.end(`${JSON.stringify({ type: 'error', message: errorMessage(error) })}\n`);
  } finally {
    clearInterval(progress);
    search.active -= 1;
  }
};
