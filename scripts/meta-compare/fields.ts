import type { MailAddress } from '../../lambda/mail/message-meta.js';
import type { ParsedHeaders } from '../../lambda/mail/parse-headers.js';

/** The fields compared, named as in MessageMeta. */
export const FIELDS = ['from', 'to', 'cc', 'subject', 'date', 'messageId'] as const;
export type Field = (typeof FIELDS)[number];

/** A field's value on either side, in one comparable form. */
export type Value = readonly MailAddress[] | string | null;

/** What python_meta.py prints for one message. */
export interface PythonResult {
  readonly file: string;
  readonly fatal?: string;
  readonly errors?: readonly string[];
  readonly from?: MailAddress[];
  readonly to?: MailAddress[];
  readonly cc?: MailAddress[];
  readonly subject?: string | null;
  readonly date?: string | null;
  readonly naive?: boolean;
  readonly message_id?: string | null;
}

const spaces = (text: string): string => text.replace(/\s+/g, ' ').trim();

const mailboxes = (list: readonly MailAddress[] | undefined): MailAddress[] =>
  (list ?? []).map((entry) => ({ name: spaces(entry.name), address: entry.address.trim() }));

/**
 * Python's Message-ID as popfwd states one: the first `<…>` token, else the value without spaces
 * in brackets (Python keeps the field text, comments and all).
 */
const pythonMessageId = (value: string | null | undefined): string | null => {
  if (!value?.trim()) return null;
  const bracketed = /<[^<>\s]+>/.exec(value)?.[0];
  if (bracketed) return bracketed;
  const bare = value.replace(/[\s<>]+/g, '');
  return bare ? `<${bare}>` : null;
};

export const popfwdValue = (parsed: ParsedHeaders, field: Field): Value => {
  switch (field) {
    case 'from':
    case 'to':
    case 'cc':
      return mailboxes(parsed[field]);
    case 'subject':
      return spaces(parsed.subject);
    case 'date':
      return parsed.date;
    case 'messageId':
      return parsed.messageId;
  }
};

export const pythonValue = (result: PythonResult, field: Field): Value => {
  switch (field) {
    case 'from':
    case 'to':
    case 'cc':
      return mailboxes(result[field]);
    case 'subject':
      return spaces(result.subject ?? '');
    case 'date':
      return result.date ?? null;
    case 'messageId':
      return pythonMessageId(result.message_id);
  }
};

export const sameValue = (a: Value, b: Value): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The raw header field names behind each compared field. */
export const RAW_NAMES: Readonly<Record<Field, string>> = {
  from: 'from',
  to: 'to',
  cc: 'cc',
  subject: 'subject',
  date: 'date',
  messageId: 'message-id',
};

/**
 * Every field of the header block, unfolded, bytes shown one per character (latin1), for the
 * report and the classifier: what the sender wrote, before either parser decoded anything.
 */
export const rawFields = (message: Buffer): Map<string, string[]> => {
  const text = message.subarray(0, 256 * 1024).toString('latin1');
  const fields = new Map<string, string[]>();
  let current: { name: string; value: string } | null = null;
  const flush = () => {
    if (!current) return;
    const list = fields.get(current.name) ?? [];
    list.push(current.value);
    fields.set(current.name, list);
  };
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (current) current.value += line;
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    current =
      colon > 0
        ? { name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1) }
        : null;
  }
  flush();
  return fields;
};
