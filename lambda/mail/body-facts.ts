import type { Readable } from 'node:stream';
import { type AttachmentStream, MailParser, type MessageText } from 'mailparser';
import type { BodyFacts } from './message-meta.js';

export interface BodyReadOptions {
  /** Characters of text kept for `body` conditions (limits.bodyScanLimit). */
  readonly limit: number;
}

/**
 * HTML longer than this is not converted with html-to-text (slow on megabytes of markup); its
 * first part is stripped of tags instead.
 */
export const htmlParseLimit = (limit: number): number => Math.max(4 * limit, 1024 * 1024);

/** Inline images of an HTML message (multipart/related) are part of the text, not attachments. */
const isAttachment = (attachment: AttachmentStream): boolean =>
  !(attachment.related === true && attachment.contentDisposition !== 'attachment');

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

/**
 * Tags out, a few entities decoded: enough for `body` conditions when html-to-text declined. A tag
 * ends at the next `<` too: `<[^>]*>` would rescan the rest of the text from every `<` of a
 * hostile `<<<<…` (quadratic); this way each character is read once.
 */
export const stripTags = (html: string): string =>
  html
    .replace(/<[^<>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|apos|nbsp);/g, (_, name: string) => ENTITIES[name] ?? '')
    .replace(/[ \t]+/g, ' ');

const textOf = (message: MessageText, limit: number): string => {
  if (message.text) return message.text.slice(0, limit);
  if (message.html) return stripTags(message.html.slice(0, htmlParseLimit(limit))).slice(0, limit);
  return '';
};

/**
 * Reads the body with mailparser's streaming MailParser: text parts (HTML converted when there is
 * no text part), attachments counted and drained as they pass, never buffered. Broken MIME yields
 * whatever could be read, with `parseError` set; the promise rejects only when `stream` itself
 * fails. Memory: attachments stream through; an inline text part is held whole by the parser
 * (so a hostile 50 MB text/plain part costs about that much), and the text kept is capped.
 */
export const readBodyFacts = (stream: Readable, options: BodyReadOptions): Promise<BodyFacts> =>
  new Promise((resolve, reject) => {
    const parser = new MailParser({
      checksumAlgo: false,
      skipImageLinks: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      maxHtmlLengthToParse: htmlParseLimit(options.limit),
    });
    let attachmentCount = 0;
    let text = '';
    let settled = false;

    const settle = (parseError?: string) => {
      if (settled) return;
      settled = true;
      resolve({
        text,
        hasAttachment: attachmentCount > 0,
        attachmentCount,
        ...(parseError ? { parseError } : {}),
      });
    };

    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') {
        text = textOf(data, options.limit);
        return;
      }
      if (isAttachment(data)) attachmentCount += 1;
      data.content.on('error', () => {});
      data.content.resume();
      data.release?.();
    });
    parser.once('end', () => settle());
    // `on`, not `once`: a parser or stream may emit more than one error, and an unheard one throws.
    parser.on('error', (error: Error) => {
      stream.unpipe(parser);
      stream.destroy();
      settle(`the message body could not be fully parsed: ${error.message}`);
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
