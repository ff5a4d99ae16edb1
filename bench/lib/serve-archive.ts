/**
 * A large archive for `npm run bench:serve`, written the way `popfwd run` writes one: each raw
 * message through the engine's own archiveMessage (create-once, sha256, headers parsed), then its
 * record as recordNew stores it. Messages are deterministic (seeded): senders, subjects, dates
 * over ten years, text and HTML bodies of 1–8 KB, one in ten with a small attachment, and the
 * search word in exactly one in a hundred bodies.
 */
import { Readable } from 'node:stream';
import { archiveMessage } from '../../lambda/engine/archive-message.js';
import type { MailboxLayout } from '../../lambda/engine/layout.js';
import { encodeRecord, type MessageRecord } from '../../lambda/engine/message-record.js';
import type { BlobStore } from '../../lambda/stores/blob-store.js';
import { SeededRandom } from '../../test/helpers/mail/seeded-random.js';

/** In 1 % of bodies, and nowhere else (no subject, no name, no other body). */
export const SEARCH_WORD = 'quetzalcoatl';

const WORDS =
  'the of and to in is you that it for on are with as be at this have from or by not but what all were when we there can an your which their said if will each about how up out them then she many some so these would other into has more her two like him see time could no make than first been its who now people my made over did down only way find use may water long little very after words called just where most know get through back much before go good new write our used me man too any day same right look think also around another came come work three word must because does part even place well such'.split(
    ' ',
  );
const NAMES = [
  'Ann',
  'Bob',
  'Cy',
  'Dana',
  'Eve',
  'Femi',
  'Gus',
  'Hana',
  'Ivo',
  'Jun',
  'Kai',
  'Lea',
];
const DOMAINS = ['example.com', 'shop.example', 'bank.example', 'news.example', 'work.example'];

const words = (random: SeededRandom, count: number): string =>
  Array.from({ length: count }, () => random.pick(WORDS)).join(' ');

const paragraph = (random: SeededRandom, bytes: number): string => {
  const lines: string[] = [];
  let size = 0;
  while (size < bytes) {
    const line = words(random, random.int(8, 14));
    lines.push(line);
    size += line.length + 2;
  }
  return lines.join('\r\n');
};

const headers = (random: SeededRandom, index: number, date: Date, extra: string[]): string => {
  const name = random.pick(NAMES);
  const domain = random.pick(DOMAINS);
  return [
    `From: ${name} ${random.pick(NAMES)}son <${name.toLowerCase()}${index % 500}@${domain}>`,
    'To: Owner <owner@outlook.example>',
    `Subject: ${words(random, random.int(3, 8))}`,
    `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <bench-${index}@${domain}>`,
    'MIME-Version: 1.0',
    ...extra,
  ].join('\r\n');
};

/** Message number `index`: plain, HTML or with an attachment; the word in 1 % of bodies. */
export const benchMessage = (random: SeededRandom, index: number, start: number): Buffer => {
  const date = new Date(start + index * 3_153_600 + random.int(0, 3_000_000));
  let text = paragraph(random, random.int(1000, 8000));
  if (index % 100 === 42) text = `${text}\r\nThe ${SEARCH_WORD} is in this one.`;
  const kind = index % 10;
  if (kind < 6) {
    return Buffer.from(
      `${headers(random, index, date, ['Content-Type: text/plain; charset=utf-8'])}\r\n\r\n${text}\r\n`,
    );
  }
  if (kind < 9) {
    const html = `<html><body><p>${text.replace(/\r\n/g, '</p><p>')}</p></body></html>`;
    return Buffer.from(
      `${headers(random, index, date, ['Content-Type: text/html; charset=utf-8'])}\r\n\r\n${html}\r\n`,
    );
  }
  const attachment = random
    .bytes(random.int(2000, 20_000))
    .toString('base64')
    .replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    [
      headers(random, index, date, ['Content-Type: multipart/mixed; boundary="b"']),
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      '',
      text,
      '--b',
      `Content-Type: application/pdf; name="statement-${index}.pdf"`,
      'Content-Transfer-Encoding: base64',
      `Content-Disposition: attachment; filename="statement-${index}.pdf"`,
      '',
      attachment,
      '--b--',
      '',
    ].join('\r\n'),
  );
};

/** One message of `size` bytes, most of it a base64 attachment (Outlook.com's 25 MB case). */
export const bigMessage = (size: number): Buffer => {
  const random = new SeededRandom(25);
  const head = [
    'From: Big Sender <big@example.com>',
    'To: Owner <owner@outlook.example>',
    'Subject: The scans you asked for',
    'Date: Fri, 27 Nov 2026 09:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="big"',
    '',
    '--big',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Here are the scans.',
    '--big',
    'Content-Type: application/zip; name="scans.zip"',
    'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename="scans.zip"',
    '',
    '',
  ].join('\r\n');
  const tail = '\r\n--big--\r\n';
  const room = size - head.length - tail.length;
  const decoded = Math.floor((room / 78) * 57);
  const base64 = random.bytes(decoded).toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(`${head}${base64.slice(0, room)}${tail}`);
};

/** Archives one message as a run does and returns its record. */
export const archiveOne = async (
  store: BlobStore,
  layout: MailboxLayout,
  uidl: string,
  data: Buffer,
  archivedAt: number,
  tags: readonly string[] = [],
): Promise<MessageRecord> => {
  const outcome = await archiveMessage({
    store,
    layout,
    uidl,
    stream: Readable.from([data]),
    now: archivedAt,
    // A fresh bench archive: the raw object never exists before, so no record is looked up.
    readRecord: async () => null,
  });
  if (outcome.kind === 'conflict') throw new Error(`${uidl}: archived under other bytes`);
  const record: MessageRecord = {
    v: 1,
    id: outcome.id,
    meta: outcome.meta,
    rules: {
      status: 'evaluated',
      plan: {
        matched: [],
        actions: [],
        tags: [...tags],
        server: 'default',
        discarded: false,
        notes: [],
      },
    },
    tags,
    actions: {},
    updatedAt: new Date(archivedAt).toISOString(),
  };
  await store.putDocument(layout.recordKey(outcome.id), encodeRecord(record), {
    contentType: 'application/json',
  });
  return record;
};
