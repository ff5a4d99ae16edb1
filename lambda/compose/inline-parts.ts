import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type AttachmentStream, MailParser, type MessageText } from 'mailparser';
import type { Attachment } from 'nodemailer';
import { isPopfwdError, PopfwdError } from '../errors.js';
import { type BodyClass, createBodyClassifier } from './body-class.js';
import { foldedHeaderText } from './header-safety.js';
import { originalStream } from './original-stream.js';

/**
 * The parts of an original that an inline forward re-sends: its text, its HTML and its
 * attachments.
 *
 * Why attachments are spooled to temporary files rather than streamed through: MailParser emits
 * the text last, after every attachment, and does not go on until each attachment stream has been
 * read; nodemailer writes the text first. Both orders are fixed, so the attachments have to wait
 * somewhere, and memory is not an option for a 25 MB original. Each file is opened and then its
 * directory removed before this returns: nothing is left on disk (Lambda's /tmp outlives an
 * invocation), and the space is freed when the stream is read or destroyed.
 *
 * The text and HTML are held in memory, as MailParser builds them.
 */
export interface InlineParts {
  readonly text: string | undefined;
  readonly html: string | undefined;
  readonly attachments: Attachment[];
  /** An attached message/* part carries 8-bit data as is: the send needs 8BITMIME. */
  readonly eightBit: boolean;
}

/** HTML longer than this is not converted to a plain-text alternative (html-to-text is slow). */
const MAX_HTML_TO_TEXT = 2 * 1024 * 1024;

interface SpooledPart {
  readonly path: string;
  readonly source: AttachmentStream;
  readonly bodyClass: BodyClass;
}

const classifyingPassThrough = () => {
  const classifier = createBodyClassifier();
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      classifier.update(chunk);
      done(null, chunk);
    },
  });
  return { stream, result: () => classifier.result() };
};

const spool = async (part: AttachmentStream, path: string): Promise<SpooledPart> => {
  const scan = classifyingPassThrough();
  await pipeline(part.content, scan.stream, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
  return { path, source: part, bodyClass: scan.result() };
};

const parseAndSpool = async (source: Readable, dir: string) => {
  const parser = new MailParser({
    checksumAlgo: false,
    ignoreEmbedded: true,
    skipTextLinks: true,
    maxHtmlLengthToParse: MAX_HTML_TO_TEXT,
  });
  const parts: SpooledPart[] = [];
  let message: MessageText | undefined;
  // MailParser narrows read() to parsed objects, which hides that it is a Transform
  const stage = parser as unknown as Transform;
  await pipeline(source, stage, async (objects: AsyncIterable<AttachmentStream | MessageText>) => {
    for await (const data of objects) {
      if (data.type === 'text') {
        message = data;
        continue;
      }
      parts.push(await spool(data, join(dir, `part-${parts.length}`)));
      data.release?.();
    }
  });
  return { parts, message };
};

/** message/* may not be encoded (RFC 2046 §5.2.1): binary ones go as octet-stream in base64. */
const toAttachment = (part: SpooledPart, content: Readable): Attachment => {
  const { source, bodyClass } = part;
  const isMessage = /^message\//i.test(source.contentType);
  const filename = source.filename === undefined ? undefined : foldedHeaderText(source.filename);
  const related = source.related === true && source.cid !== undefined;
  const attachment: Attachment = {
    content,
    contentType:
      isMessage && bodyClass === 'binary' ? 'application/octet-stream' : source.contentType,
    contentDisposition: related ? 'inline' : 'attachment',
    ...(filename ? { filename } : isMessage ? { filename: 'message.eml' } : {}),
    ...(related ? { cid: source.cid } : {}),
  };
  if (isMessage && bodyClass !== 'binary') attachment.contentTransferEncoding = bodyClass;
  return attachment;
};

const openSpooled = async (parts: readonly SpooledPart[]): Promise<Attachment[]> => {
  const attachments: Attachment[] = [];
  try {
    for (const part of parts) {
      const handle = await open(part.path, 'r');
      attachments.push(toAttachment(part, handle.createReadStream()));
    }
    return attachments;
  } catch (error) {
    for (const attachment of attachments) (attachment.content as Readable).destroy();
    throw error;
  }
};

const parseError = (error: unknown): PopfwdError => {
  const cause = error instanceof Error ? error.cause : undefined;
  if (isPopfwdError(cause)) return cause;
  if (isPopfwdError(error)) return error;
  return new PopfwdError('EPARSE', 'the original could not be parsed for an inline forward', {
    cause: error,
  });
};

export const extractInlineParts = async (
  openOriginal: () => Promise<Readable>,
): Promise<InlineParts> => {
  const dir = await mkdtemp(join(tmpdir(), 'popfwd-inline-'));
  try {
    const { parts, message } = await parseAndSpool(originalStream(openOriginal), dir).catch(
      (error: unknown) => {
        throw parseError(error);
      },
    );
    return {
      text: message?.text,
      html: message?.html,
      attachments: await openSpooled(parts),
      eightBit: parts.some(
        (part) => /^message\//i.test(part.source.contentType) && part.bodyClass === '8bit',
      ),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
