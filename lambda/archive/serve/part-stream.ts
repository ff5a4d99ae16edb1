import type { Readable } from 'node:stream';
import { type AttachmentStream, MailParser, type MessageText } from 'mailparser';

export interface FoundPart {
  readonly contentType: string;
  readonly filename: string | undefined;
  /** The decoded content; read it to the end or call `stop`. */
  readonly content: Readable;
  /** Ends the parse (the rest of the message is not needed). */
  stop(): void;
}

/**
 * Finds one attachment part of a raw message (by its position among the parts, or by its
 * Content-ID) and hands its decoded content over as a stream: the parts before it are drained,
 * nothing is buffered, and the parse stops once the caller is done. Resolves null when the
 * message has no such part.
 */
export const findPart = (
  stream: Readable,
  wanted: { readonly index: number } | { readonly cid: string },
): Promise<FoundPart | null> =>
  new Promise((resolve, reject) => {
    const parser = new MailParser({
      checksumAlgo: false,
      skipHtmlToText: true,
      skipImageLinks: true,
      skipTextToHtml: true,
      skipTextLinks: true,
    });
    let index = 0;
    let settled = false;
    let handed: Readable | null = null;
    const stop = () => {
      stream.unpipe(parser);
      stream.destroy();
      parser.destroy();
    };
    const settle = (part: FoundPart | null) => {
      if (settled) return;
      settled = true;
      resolve(part);
    };

    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') return;
      const match = 'index' in wanted ? index === wanted.index : data.cid === wanted.cid;
      index += 1;
      if (!match || settled) {
        data.content.on('error', () => {});
        data.content.once('end', () => data.release?.());
        data.content.resume();
        return;
      }
      data.content.once('end', () => data.release?.());
      handed = data.content;
      settle({
        contentType: data.contentType,
        filename: data.filename,
        content: data.content,
        stop,
      });
    });
    parser.once('end', () => settle(null));
    parser.on('error', (error: Error) => {
      stop();
      // A part cut short by broken MIME must not look complete to whoever reads it.
      handed?.destroy(error);
      settle(null);
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
