import { declaredCharset } from './declared-charset.js';
import { cleanValue, decodeFieldBytes, decodeWords } from './header-text.js';
import type { HeaderField, MailAddress, MessageMeta } from './message-meta.js';
import { parseAddressList, parseReturnPath } from './parse-address.js';
import { parseMailDate } from './parse-date.js';

/** Everything MessageMeta holds that the header block alone determines. */
export type ParsedHeaders = Omit<MessageMeta, 'uidl' | 'key' | 'size' | 'sha256' | 'archivedAt'>;

export const HEADER_LIMITS = {
  /**
   * Bytes of header block read: all the archive captures (engine/message-tap.ts). A longer block
   * is parsed up to here and flagged with `parseError`, so rules are not applied to a message
   * whose later fields (a From after thousands of padding lines) were never seen.
   */
  maxBytes: 1024 * 1024,
  /** References kept (the most recent ones). */
  maxReferences: 100,
  /** Longest Message-ID kept (RFC 5322 line limit). */
  maxMessageIdLength: 998,
} as const;

/**
 * Length of the header block including the blank line that ends it; the whole buffer when there
 * is no blank line (a truncated or body-less message).
 */
export const headerBlockLength = (message: Buffer): number => {
  if (message[0] === 0x0a) return 1;
  if (message[0] === 0x0d && message[1] === 0x0a) return 2;
  let from = 0;
  while (from < message.length) {
    const newline = message.indexOf(0x0a, from);
    if (newline < 0) break;
    if (message[newline + 1] === 0x0a) return newline + 2;
    if (message[newline + 1] === 0x0d && message[newline + 2] === 0x0a) return newline + 3;
    from = newline + 1;
  }
  return message.length;
};

interface RawField {
  readonly name: string;
  /** Unfolded value, one character per byte (latin1) until decodeFields. */
  raw: string;
}

// Field names are printable ASCII without the colon (RFC 5322 ftext).
const FIELD_NAME = /^[!-9;-~]+$/;

/**
 * Splits and unfolds the block read one character per byte, so that no byte is decoded before the
 * message's charset is known. Lines that are neither a field nor a continuation (an mbox "From "
 * line) are skipped.
 */
const splitFields = (text: string): RawField[] => {
  const fields: RawField[] = [];
  let current: RawField | null = null;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    const first = line.charCodeAt(0);
    if (first === 0x20 || first === 0x09) {
      if (current) current.raw += line;
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trimEnd() : '';
    if (!name || !FIELD_NAME.test(name)) {
      current = null;
      continue;
    }
    current = { name: name.toLowerCase(), raw: line.slice(colon + 1) };
    fields.push(current);
  }
  return fields;
};

const MSG_ID = /<[^<>\s]+>/g;

const messageIds = (raw: string): string[] => raw.match(MSG_ID) ?? [];

/** The msg-id as written, with brackets; a bare id is bracketed, a hopeless one is null. */
const messageId = (raw: string | undefined): string | null => {
  if (raw === undefined) return null;
  const id = messageIds(raw)[0] ?? raw.replace(/[\s\u0000-\u001f\u007f<>]+/g, '');
  if (!id) return null;
  const bracketed = id.startsWith('<') ? id : `<${id}>`;
  return bracketed.length > HEADER_LIMITS.maxMessageIdLength ? null : bracketed;
};

const CONTENT_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/;

const contentType = (raw: string | undefined): string => {
  const type = (raw ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return CONTENT_TYPE.test(type) ? type : '';
};

/** Every value from bytes to text, in the declared charset where that is what they are. */
const decodeFields = (fields: RawField[]): RawField[] => {
  const charset = declaredCharset(fields);
  for (const field of fields) field.raw = decodeFieldBytes(field.raw, charset);
  return fields;
};

const EMPTY: ParsedHeaders = {
  from: [],
  sender: null,
  replyTo: [],
  to: [],
  cc: [],
  bcc: [],
  resent: [],
  returnPath: null,
  subject: '',
  date: null,
  messageId: null,
  inReplyTo: null,
  references: [],
  contentType: '',
  headers: [],
};

const build = (fields: readonly RawField[]): ParsedHeaders => {
  const byName = new Map<string, string[]>();
  const headers: HeaderField[] = [];
  for (const field of fields) {
    const values = byName.get(field.name);
    if (values) values.push(field.raw);
    else byName.set(field.name, [field.raw]);
    headers.push({ name: field.name, value: cleanValue(decodeWords(field.raw)) });
  }
  const first = (name: string): string | undefined => byName.get(name)?.[0];
  const addresses = (...names: string[]): MailAddress[] =>
    names.flatMap((name) => (byName.get(name) ?? []).flatMap(parseAddressList));
  const from = first('from');
  const sender = first('sender');
  const returnPath = first('return-path');
  const subject = first('subject');
  return {
    from: from === undefined ? [] : parseAddressList(from),
    sender: sender === undefined ? null : (parseAddressList(sender)[0] ?? null),
    replyTo: addresses('reply-to'),
    to: addresses('to'),
    cc: addresses('cc'),
    bcc: addresses('bcc'),
    resent: addresses('resent-to', 'resent-cc', 'resent-bcc'),
    returnPath: returnPath === undefined ? null : parseReturnPath(returnPath),
    subject: subject === undefined ? '' : cleanValue(decodeWords(subject)),
    date: parseMailDate(cleanValue(first('date') ?? '')),
    messageId: messageId(first('message-id')),
    inReplyTo: messageId(first('in-reply-to')),
    references: (byName.get('references') ?? [])
      .flatMap(messageIds)
      .slice(-HEADER_LIMITS.maxReferences),
    contentType: contentType(first('content-type')),
    headers,
  };
};

const TRUNCATED = `the header block is longer than ${HEADER_LIMITS.maxBytes / 1024 / 1024} MiB; the fields after that were not read`;

/**
 * The header block (up to and including the blank line, or a whole message) to ParsedHeaders.
 * Never throws: hostile or broken input yields empty fields, and `parseError` says so when no
 * header field at all could be read, or when the block does not end within HEADER_LIMITS.maxBytes
 * (the fields read are kept, for display; the rules must not run on them).
 */
export const parseHeaderBlock = (header: Buffer): ParsedHeaders => {
  try {
    const capped = header.subarray(0, Math.min(header.length, HEADER_LIMITS.maxBytes));
    const length = headerBlockLength(capped);
    const block = capped.subarray(0, length);
    const truncated = length === capped.length && header.length >= HEADER_LIMITS.maxBytes;
    const fields = decodeFields(splitFields(block.toString('latin1')));
    if (fields.length === 0) {
      return {
        ...EMPTY,
        parseError: truncated
          ? TRUNCATED
          : block.length === 0
            ? 'the message is empty'
            : 'no header fields found',
      };
    }
    return truncated ? { ...build(fields), parseError: TRUNCATED } : build(fields);
  } catch (error) {
    return {
      ...EMPTY,
      parseError: `the header block could not be parsed: ${(error as Error).message}`,
    };
  }
};
