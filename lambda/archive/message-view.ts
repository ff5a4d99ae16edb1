import type { Readable } from 'node:stream';
import { type AttachmentStream, MailParser, type MessageText } from 'mailparser';
import { htmlParseLimit, stripTags } from '../mail/body-facts.js';

/**
 * What `archive show` prints of a message beyond its catalog entry: the text body (the text part,
 * else the HTML part converted to text) and the attachments, read from the raw bytes with
 * mailparser's streaming parser. Attachments stream through and are only counted; the text kept
 * is capped. Broken MIME gives what could be read, with `parseError` set.
 */
export interface AttachmentInfo {
  /** The file name the message gives, '' when it gives none. */
  readonly name: string;
  readonly contentType: string;
  /** Decoded bytes. */
  readonly size: number;
  /** An inline part (an image an HTML body shows) rather than an attached file. */
  readonly inline: boolean;
}

export interface MessageView {
  /** The top-level Date field as written (unfolded, at most 300 characters), or null. */
  readonly dateHeader: string | null;
  readonly text: string;
  /** Where the text came from: the text part, the HTML part converted, or nothing readable. */
  readonly textFrom: 'text' | 'html' | 'none';
  /** The text was longer than the cap and was cut. */
  readonly textTruncated: boolean;
  readonly attachments: readonly AttachmentInfo[];
  readonly parseError?: string;
}

export interface MessageViewOptions {
  /** Characters of text kept. */
  readonly textLimit: number;
}

const bodyText = (message: MessageText, limit: number): Pick<MessageView, 'text' | 'textFrom'> => {
  // mailparser fills `text` from the HTML itself when there is no text part (html-to-text).
  if (message.text) return { text: message.text, textFrom: message.html ? 'html' : 'text' };
  if (message.html) {
    return { text: stripTags(message.html.slice(0, htmlParseLimit(limit))), textFrom: 'html' };
  }
  return { text: '', textFrom: 'none' };
};

const attachmentInfo = (attachment: AttachmentStream, size: number): AttachmentInfo => ({
  name: attachment.filename ?? '',
  contentType: attachment.contentType || 'application/octet-stream',
  size,
  inline: attachment.related === true && attachment.contentDisposition !== 'attachment',
});

/** Reads `stream` to its end; rejects only when the stream itself fails. */
export const readMessageView = (
  stream: Readable,
  options: MessageViewOptions,
): Promise<MessageView> =>
  new Promise((resolve, reject) => {
    const parser = new MailParser({
      checksumAlgo: false,
      skipImageLinks: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      maxHtmlLengthToParse: htmlParseLimit(options.textLimit),
    });
    const attachments: AttachmentInfo[] = [];
    const counting: Array<Promise<void>> = [];
    let body: Pick<MessageView, 'text' | 'textFrom'> = { text: '', textFrom: 'none' };
    let dateHeader: string | null = null;
    let settled = false;

    // The catalog keeps the parsed date; a person reading the message sees the field as written.
    parser.once('headerLines', (lines: ReadonlyArray<{ key: string; line: string }>) => {
      const field = lines.find((entry) => entry.key === 'date')?.line;
      if (field === undefined) return;
      const value = field.slice(field.indexOf(':') + 1).replace(/\r?\n[ \t]*/g, ' ');
      dateHeader = value.trim().slice(0, 300);
    });

    const settle = async (parseError?: string) => {
      if (settled) return;
      settled = true;
      // After a parse error an attachment's stream may never end: report the sizes counted.
      if (parseError === undefined) await Promise.all(counting);
      // A text part may carry the text of every part of a text-only multipart: cap it here.
      const truncated = body.text.length > options.textLimit;
      resolve({
        dateHeader,
        text: truncated ? body.text.slice(0, options.textLimit) : body.text,
        textFrom: body.textFrom,
        textTruncated: truncated,
        attachments,
        ...(parseError ? { parseError } : {}),
      });
    };

    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') {
        body = bodyText(data, options.textLimit);
        return;
      }
      const index = attachments.length;
      attachments.push(attachmentInfo(data, 0));
      let size = 0;
      counting.push(
        new Promise<void>((done) => {
          data.content.on('data', (chunk: Buffer) => {
            size += chunk.length;
          });
          const finish = () => {
            attachments[index] = attachmentInfo(data, size);
            data.release?.();
            done();
          };
          data.content.once('end', finish);
          data.content.once('error', finish);
        }),
      );
    });
    parser.once('end', () => void settle());
    // `on`, not `once`: a parser may emit more than one error, and an unheard one throws.
    parser.on('error', (error: Error) => {
      stream.unpipe(parser);
      stream.destroy();
      void settle(`the message could not be fully parsed: ${error.message}`);
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
