import { pipeline } from 'node:stream/promises';
import type { MessageRecord } from '../../engine/message-record.js';
import { isImageType, safeContentType } from './content-type.js';
import { mailCsp } from './csp.js';
import { attachmentDisposition, emlFileName } from './file-names.js';
import { HttpError, sendJson, writeHead } from './http-response.js';
import { partFileName } from './message-content.js';
import { findPart } from './part-stream.js';
import type { Exchange, ServeContext } from './serve-context.js';

/** The raw source shown in the page; the whole message is one click away (.eml). */
export const SOURCE_LIMIT = 1024 * 1024;
/** Origins a "load remote content" may open to: beyond this, the rest stays blocked. */
const MAX_REMOTE_ORIGINS = 100;

const findRecord = (context: ServeContext, ref: string): MessageRecord => {
  const record = context.index().find(ref);
  if (!record) throw new HttpError(404, 'no such message in the archive');
  return record;
};

const rawStream = async (context: ServeContext, record: MessageRecord) => {
  const stream = await context.store.read(record.meta.key);
  if (!stream) throw new HttpError(404, 'the raw message is missing from the archive');
  return stream;
};

/** `api/m/<ref>`: the headers that matter, the text, the parts, what remote content there is. */
const serveMessage = async (context: ServeContext, exchange: Exchange, record: MessageRecord) => {
  const opened = await context.messages.open(record);
  const { meta } = record;
  const { content } = opened;
  sendJson(exchange.response, 200, {
    id: record.id,
    uidl: meta.uidl,
    key: meta.key,
    sha256: meta.sha256,
    size: meta.size,
    archivedAt: meta.archivedAt,
    date: meta.date,
    subject: meta.subject,
    from: meta.from,
    to: meta.to,
    cc: meta.cc,
    replyTo: meta.replyTo,
    messageId: meta.messageId,
    tags: record.tags,
    text: content.text,
    html: content.html !== null,
    truncated: content.truncated,
    remoteOrigins: opened.blocked?.remoteOrigins ?? [],
    parts: content.parts,
    partsOmitted: content.partsOmitted,
    parseError: content.parseError ?? meta.parseError ?? null,
  });
};

/** `api/m/<id>/html[?remote=1]`: the HTML body as a document for the sandboxed frame. */
const serveHtml = async (context: ServeContext, exchange: Exchange, record: MessageRecord) => {
  const opened = await context.messages.open(record);
  const remote = exchange.params.get('remote') === '1';
  const html = remote ? opened.withRemote() : opened.blocked;
  if (!html) throw new HttpError(404, 'this message has no HTML body');
  const body = Buffer.from(html.html, 'utf8');
  writeHead(exchange.response, 200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': body.length,
    'content-security-policy': mailCsp({
      pageOrigin: exchange.origin,
      cidBase: `${exchange.base}api/m/${record.id}/cid/`,
      remoteOrigins: remote ? html.remoteOrigins.slice(0, MAX_REMOTE_ORIGINS) : [],
    }),
  });
  exchange.response.end(exchange.request.method === 'HEAD' ? undefined : body);
};

/** `api/m/<ref>/source`: the first MiB of the raw message, as text. */
const serveSource = async (context: ServeContext, exchange: Exchange, record: MessageRecord) => {
  const stream = await rawStream(context, record);
  writeHead(exchange.response, 200, { 'content-type': 'text/plain; charset=utf-8' });
  await pipeline(
    stream,
    async function* (source: AsyncIterable<Buffer>) {
      let sent = 0;
      for await (const chunk of source) {
        const piece = chunk.subarray(0, SOURCE_LIMIT - sent);
        sent += piece.length;
        yield piece;
        if (sent >= SOURCE_LIMIT) return;
      }
    },
    exchange.response,
  );
};

/** `api/m/<ref>/eml`: the archived bytes, exactly, as a download. */
const serveEml = async (context: ServeContext, exchange: Exchange, record: MessageRecord) => {
  const stream = await rawStream(context, record);
  writeHead(exchange.response, 200, {
    'content-type': 'message/rfc822',
    'content-disposition': attachmentDisposition(
      emlFileName(record.meta.subject, record.meta.uidl),
    ),
  });
  await pipeline(stream, exchange.response);
};

/** `api/m/<ref>/part/<n>`: one attachment, decoded, under its own (safe) name and type. */
const servePart = async (
  context: ServeContext,
  exchange: Exchange,
  record: MessageRecord,
  wanted: { index: number } | { cid: string },
) => {
  const byCid = 'cid' in wanted;
  if (byCid) {
    const kept = (await context.messages.open(record)).content.inline.get(wanted.cid);
    if (kept && isImageType(safeContentType(kept.contentType))) {
      writeHead(exchange.response, 200, {
        'content-type': safeContentType(kept.contentType),
        'content-length': kept.body.length,
        'cross-origin-resource-policy': 'cross-origin',
      });
      exchange.response.end(kept.body);
      return;
    }
  }
  const part = await findPart(await rawStream(context, record), wanted);
  if (!part || (byCid && !isImageType(safeContentType(part.contentType)))) {
    part?.stop();
    throw new HttpError(404, 'no such part in this message');
  }
  const type = safeContentType(part.contentType);
  writeHead(exchange.response, 200, {
    'content-type': type,
    ...(byCid
      ? { 'cross-origin-resource-policy': 'cross-origin' }
      : {
          'content-disposition': attachmentDisposition(
            partFileName(part.filename, part.contentType, wanted.index),
          ),
        }),
  });
  try {
    await pipeline(part.content, exchange.response);
  } finally {
    part.stop();
  }
};

/** Routes under `api/m/<ref>`. */
export const serveMessageRoute = async (
  context: ServeContext,
  exchange: Exchange,
  segments: readonly string[],
): Promise<void> => {
  const [ref = '', action, argument, ...extra] = segments;
  const record = findRecord(context, ref);
  if (action === undefined) return serveMessage(context, exchange, record);
  if (action === 'html' && ref !== record.id) {
    // The frame's cid: images resolve against its URL, which must name the message by id.
    writeHead(exchange.response, 307, {
      location: `${exchange.base}api/m/${record.id}/html?${exchange.params}`,
    });
    exchange.response.end();
    return;
  }
  if (extra.length > 0) throw new HttpError(404, 'no such route');
  if (action === 'html' && argument === undefined) return serveHtml(context, exchange, record);
  if (action === 'source' && argument === undefined) return serveSource(context, exchange, record);
  if (action === 'eml' && argument === undefined) return serveEml(context, exchange, record);
  if (action === 'part' && argument !== undefined && /^\d{1,6}$/.test(argument)) {
    return servePart(context, exchange, record, { index: Number(argument) });
  }
  if (action === 'cid' && argument !== undefined) {
    return servePart(context, exchange, record, { cid: argument });
  }
  throw new HttpError(404, 'no such route');
};
