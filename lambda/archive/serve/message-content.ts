import type { Readable } from 'node:stream';
import { type AttachmentStream, MailParser, type MessageText } from 'mailparser';
import { safeFileName } from './file-names.js';
import { htmlText } from './html-text.js';

/** A part mailparser hands out as an attachment (a file, or an image the HTML shows). */
export interface PartInfo {
  /** Position among the message's attachment parts: the `part/<index>` of its download. */
  readonly index: number;
  /** Safe to offer as a download name. */
  readonly fileName: string;
  readonly contentType: string;
  /** Decoded bytes. */
  readonly size: number;
  /** Content-ID without brackets, for `cid:` URLs. */
  readonly cid: string | null;
  /** Shown inside the HTML (multipart/related, not marked as an attachment). */
  readonly inline: boolean;
}

export interface InlinePart {
  readonly contentType: string;
  readonly body: Buffer;
}

/** What the reading pane shows of a message, within the limits below. */
export interface MessageContent {
  readonly text: string | null;
  readonly html: string | null;
  /** Set when text or HTML was cut at its limit. */
  readonly truncated: boolean;
  readonly parts: readonly PartInfo[];
  /** Parts past MAX_PARTS, counted but not listed. */
  readonly partsOmitted: number;
  /** Inline images kept in memory by Content-ID, so a frame's cid: requests need no re-parse. */
  readonly inline: ReadonlyMap<string, InlinePart>;
  /** Bytes held: text, HTML and inline images (for the cache's budget). */
  readonly bytes: number;
  readonly parseError?: string;
}

export const CONTENT_LIMITS = {
  /** Characters of plain text shown; a longer body is cut and says so. */
  text: 2_000_000,
  /** Characters of HTML rendered. */
  html: 5_000_000,
  /** HTML converted to text (html-to-text is slow on megabytes of markup). */
  htmlToText: 1_000_000,
  /** One inline image kept in memory, and all of a message's together. */
  inlinePart: 4 * 1024 * 1024,
  inlineTotal: 16 * 1024 * 1024,
  /** Attachment parts listed (a hostile message may have thousands). */
  parts: 500,
} as const;

/** The download name of part `index`: its own file name made safe, else `part-<n>[.ext]`. */
export const partFileName = (
  fileName: string | undefined,
  contentType: string,
  index: number,
): string => {
  const extension = /^image\/(png|jpeg|gif|webp)$/.exec(contentType)?.[1];
  return safeFileName(fileName, `part-${index + 1}${extension ? `.${extension}` : ''}`);
};

/** A part the HTML shows: in multipart/related and not declared an attachment. */
const isInline = (part: AttachmentStream): boolean =>
  part.related === true && part.contentDisposition !== 'attachment';

/** Drains a part, counting its bytes and keeping them when `keep` says so and they fit `max`. */
const consume = (part: AttachmentStream, keep: boolean, max: number) =>
  new Promise<{ size: number; body: Buffer | null }>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    part.content.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (keep && size <= max) chunks.push(chunk);
    });
    part.content.once('end', () =>
      resolve({ size, body: keep && size <= max ? Buffer.concat(chunks) : null }),
    );
    part.content.once('error', () => resolve({ size, body: null }));
  });

/** mailparser converts only a top-level HTML body to text; this covers HTML in multiparts. */
const textOfHtml = (html: string | null): string | undefined =>
  html === null ? undefined : htmlText(html.slice(0, CONTENT_LIMITS.htmlToText));

const cut = (value: string | undefined, limit: number): { value: string | null; cut: boolean } =>
  value === undefined
    ? { value: null, cut: false }
    : { value: value.length > limit ? value.slice(0, limit) : value, cut: value.length > limit };

/**
 * Reads a raw message with mailparser's streaming parser: the text and HTML bodies (cut at their
 * limits), every attachment part's name, type and size (the content streams through, never
 * buffered), and the small inline images an HTML body shows. Broken MIME gives what could be
 * read, with `parseError`; the promise rejects only when `stream` fails.
 */
export const readMessageContent = (stream: Readable): Promise<MessageContent> =>
  new Promise((resolve, reject) => {
    const parser = new MailParser({
      checksumAlgo: false,
      skipImageLinks: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      maxHtmlLengthToParse: CONTENT_LIMITS.htmlToText,
    });
    const parts: PartInfo[] = [];
    const inline = new Map<string, InlinePart>();
    let partCount = 0;
    let inlineBytes = 0;
    let body: MessageText | null = null;
    let settled = false;

    const settle = (parseError?: string) => {
      if (settled) return;
      settled = true;
      const html = cut(body?.html, CONTENT_LIMITS.html);
      const text = cut(body?.text ?? textOfHtml(html.value), CONTENT_LIMITS.text);
      resolve({
        text: text.value,
        html: html.value,
        truncated: text.cut || html.cut,
        parts,
        partsOmitted: Math.max(0, partCount - parts.length),
        inline,
        bytes: 2 * ((text.value?.length ?? 0) + (html.value?.length ?? 0)) + inlineBytes,
        ...(parseError ? { parseError } : {}),
      });
    };

    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') {
        body = data;
        return;
      }
      const index = partCount;
      partCount += 1;
      const cid = data.cid ?? null;
      const room = Math.min(CONTENT_LIMITS.inlinePart, CONTENT_LIMITS.inlineTotal - inlineBytes);
      const keep = cid !== null && data.contentType.startsWith('image/') && room > 0;
      void consume(data, keep, room).then(({ size, body: kept }) => {
        if (kept && cid !== null && !inline.has(cid)) {
          inline.set(cid, { contentType: data.contentType, body: kept });
          inlineBytes += kept.length;
        }
        if (index < CONTENT_LIMITS.parts) {
          parts.push({
            index,
            fileName: partFileName(data.filename, data.contentType, index),
            contentType: data.contentType,
            size,
            cid,
            inline: isInline(data),
          });
        }
        data.release?.();
      });
    });
    parser.once('end', () => settle());
    parser.on('error', (error: Error) => {
      stream.unpipe(parser);
      stream.destroy();
      settle(`the message could not be fully parsed: ${error.message}`);
    });
    stream.on('error', (error) => {
      parser.destroy();
      if (!settled) {
        settled = true;
        reject(error);
      }
    });
    stream.pipe(parser);
  });
