/**
 * Synthetic but realistic mail, deterministic by seed (a realistic mailbox generator):
 * 60% UTF-8 8-bit text, 30% multipart/alternative, 10% with a 50 KB–3 MB base64 attachment; list,
 * noreply and MAILER-DAEMON senders among ordinary ones; 3% of body lines start with ".", 1% are
 * a lone "."; optionally one extra message with a 30 MB attachment.
 */
import { chown, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SeededRandom } from './seeded-random.js';

export interface CorpusOptions {
  /** @default 1 */
  readonly seed?: number;
  /** Adds one message with a 30 MB attachment after the n others. @default false */
  readonly big?: boolean;
  /** Unix time of the first message; the others follow a minute apart. @default 2026-11-01 */
  readonly startTime?: number;
}

export type CorpusKind = 'text' | 'alternative' | 'attachment' | 'big';

export interface CorpusMessage {
  /** Maildir file name (sorts in message order). */
  readonly name: string;
  readonly kind: CorpusKind;
  /** CRLF line endings. */
  readonly data: Buffer;
}

const WORDS =
  'lorem ipsum dolor sit amet invoice meeting report quarterly draft review schedule please find attached thanks regards hello team update'.split(
    ' ',
  );
const SENDERS = [
  'bob@example.org',
  'carol@example.net',
  'news@lists.example.com',
  'noreply@shop.example',
  'dave@example.org',
  'MAILER-DAEMON@mx.example',
];
const ATTACHMENT_SIZES = [50_000, 200_000, 1_000_000, 3_000_000];
const BIG_ATTACHMENT = 30_000_000;
const DEFAULT_START = Date.UTC(2026, 10, 1) / 1000;

/** Python's base64.encodebytes: 76-character lines, each ending with a newline. */
const base64Lines = (data: Buffer): string =>
  (data.toString('base64').match(/.{1,76}/g) ?? []).map((line) => `${line}\r\n`).join('');

const rfc2822Date = (unix: number): string =>
  new Date(unix * 1000).toUTCString().replace('GMT', '-0000');

const titleCase = (word: string): string =>
  word.replace(/[A-Za-z]+/g, (part) => part[0]?.toUpperCase() + part.slice(1).toLowerCase());

class CorpusWriter {
  private readonly random: SeededRandom;

  constructor(private readonly seed: number) {
    this.random = new SeededRandom(seed);
  }

  message(index: number, time: number): CorpusMessage {
    const from = this.random.pick(SENDERS);
    const roll = this.random.next();
    const local = from.split('@')[0] ?? from;
    const headers = [
      `Return-Path: <${from}>`,
      `From: ${titleCase(local)} <${from}>`,
      'To: Alice <alice@example.test>',
      `Subject: ${this.words(4)} #${index}`,
      `Date: ${rfc2822Date(time)}`,
      `Message-ID: <m${index}.${this.seed}@example.org>`,
      'MIME-Version: 1.0',
    ];
    if (from.startsWith('news@')) {
      headers.push('List-Id: <news.lists.example.com>', 'Precedence: list');
    }
    if (from.startsWith('noreply@')) headers.push('Auto-Submitted: auto-generated');
    const [kind, body] =
      roll < 0.6
        ? this.textBody(headers)
        : roll < 0.9
          ? this.alternativeBody(headers, index)
          : this.attachmentBody(headers, index);
    const data = Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body}`, 'utf8');
    return { name: `${time}.M${index}P${this.seed}.corpus`, kind, data };
  }

  big(time: number): CorpusMessage {
    const data = base64Lines(this.random.bytes(BIG_ATTACHMENT));
    const text = [
      'From: bob@example.org',
      'To: alice@example.test',
      'Subject: big',
      `Message-ID: <big.${this.seed}@example.org>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="BIG"',
      '',
      '--BIG',
      'Content-Type: text/plain',
      '',
      'big one',
      '--BIG',
      'Content-Type: application/octet-stream',
      'Content-Disposition: attachment; filename="big.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      `${data}--BIG--\r\n`,
    ].join('\r\n');
    return { name: `${time}.Mbig.corpus`, kind: 'big', data: Buffer.from(text, 'latin1') };
  }

  private words(count: number): string {
    return Array.from({ length: count }, () => this.random.pick(WORDS)).join(' ');
  }

  private bodyText(lines: number): string {
    const out: string[] = [];
    for (let line = 0; line < lines; line += 1) {
      let text = this.words(this.random.int(5, 14));
      if (this.random.next() < 0.03) text = `.${text}`;
      if (this.random.next() < 0.01) text = '.';
      out.push(text);
    }
    return out.join('\r\n');
  }

  private textBody(headers: string[]): [CorpusKind, string] {
    headers.push('Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit');
    return ['text', `${this.bodyText(this.random.int(5, 60))}\r\nGrüße, Zoë — ✓\r\n`];
  }

  private alternativeBody(headers: string[], index: number): [CorpusKind, string] {
    const boundary = `b${index}`;
    headers.push(`Content-Type: multipart/alternative; boundary="${boundary}"`);
    const text = this.bodyText(this.random.int(10, 80));
    const html = `<html><body><p>${text.replaceAll('\r\n', '</p><p>')}</p></body></html>`;
    return [
      'alternative',
      `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n` +
        `--${boundary}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n--${boundary}--\r\n`,
    ];
  }

  private attachmentBody(headers: string[], index: number): [CorpusKind, string] {
    const boundary = `a${index}`;
    const size = this.random.pick(ATTACHMENT_SIZES);
    const data = base64Lines(this.random.bytes(size));
    headers.push(`Content-Type: multipart/mixed; boundary="${boundary}"`);
    return [
      'attachment',
      `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${this.bodyText(8)}\r\n` +
        `--${boundary}\r\nContent-Type: application/pdf; name="doc${index}.pdf"\r\n` +
        `Content-Disposition: attachment; filename="doc${index}.pdf"\r\n` +
        `Content-Transfer-Encoding: base64\r\n\r\n${data}--${boundary}--\r\n`,
    ];
  }
}

/** The corpus as CRLF Buffers, generated lazily (the 30 MB message only when reached). */
export function* generateCorpus(
  count: number,
  options: CorpusOptions = {},
): Generator<CorpusMessage> {
  const writer = new CorpusWriter(options.seed ?? 1);
  const start = options.startTime ?? DEFAULT_START;
  for (let index = 0; index < count; index += 1) yield writer.message(index, start + index * 60);
  if (options.big) yield writer.big(start + count * 60);
}

export const corpusMessages = (count: number, options: CorpusOptions = {}): CorpusMessage[] => [
  ...generateCorpus(count, options),
];

/** CRLF → LF, as mkcorpus stores files (Dovecot converts back on RETR). */
export const toLf = (data: Buffer): Buffer => {
  const text = data.toString('latin1');
  return text.includes('\r\n') ? Buffer.from(text.replaceAll('\r\n', '\n'), 'latin1') : data;
};

export interface WriteMaildirOptions extends CorpusOptions {
  /** chown every file and folder (e.g. to the `mail` user when running as root). */
  readonly owner?: { readonly uid: number; readonly gid: number };
}

/** Fills `dir` (a Maildir: cur/, new/, tmp/) with the corpus in new/, LF endings. */
export const writeMaildir = async (
  dir: string,
  count: number,
  options: WriteMaildirOptions = {},
): Promise<{ files: string[]; totalBytes: number }> => {
  const { owner } = options;
  for (const sub of ['cur', 'new', 'tmp']) {
    await mkdir(join(dir, sub), { recursive: true });
    if (owner) await chown(join(dir, sub), owner.uid, owner.gid);
  }
  if (owner) await chown(dir, owner.uid, owner.gid);
  const files: string[] = [];
  let totalBytes = 0;
  for (const message of generateCorpus(count, options)) {
    const path = join(dir, 'new', message.name);
    const data = toLf(message.data);
    await writeFile(path, data);
    if (owner) await chown(path, owner.uid, owner.gid);
    files.push(path);
    totalBytes += data.length;
  }
  return { files, totalBytes };
};
