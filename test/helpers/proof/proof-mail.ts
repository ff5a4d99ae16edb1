import { SeededRandom } from '../mail/seeded-random.js';

/**
 * A small mailbox for the proof tests, deterministic per address: mail from the boss (forwarded by
 * proof-config.ts's rule), from people (answered by its vacation, once per sender), and from a list
 * and a no-reply sender (answered by nobody). Two messages are large enough to reach the archive in several chunks.
 */

type Sender = 'boss' | 'bob' | 'carol' | 'dave' | 'list' | 'noreply';

const FROM: Record<Sender, string> = {
  boss: 'Boss <boss@boss.example>',
  bob: 'Bob <bob@example.org>',
  carol: 'Carol <carol@example.net>',
  dave: 'Dave <dave@example.org>',
  list: 'News <news@lists.example.com>',
  noreply: 'Shop <noreply@shop.example>',
};

const EXTRA: Partial<Record<Sender, string[]>> = {
  list: ['List-Id: <news.lists.example.com>', 'Precedence: list'],
  noreply: ['Auto-Submitted: auto-generated'],
};

/** Sender of each message, in mailbox order; `big` ones carry a 150 KB attachment. */
const PLAN: readonly { readonly from: Sender; readonly big?: true }[] = [
  { from: 'boss' },
  { from: 'bob' },
  { from: 'list' },
  { from: 'boss', big: true },
  { from: 'carol' },
  { from: 'noreply' },
  { from: 'boss' },
  { from: 'bob', big: true },
  { from: 'dave' },
  { from: 'carol' },
  { from: 'boss' },
  { from: 'bob' },
];

/**
 * What a complete run of PLAN sends: 4 forwards (the boss's mail) and 4 vacation replies (boss,
 * bob, carol, dave). `actions` counts what is planned before the once-per-sender rule skips the
 * repeats: the forwards and a vacation action for each of the 10 answerable messages.
 */
export const PLANNED_SENDS = { forwards: 4, replies: 4, actions: 14 } as const;

const base64Lines = (data: Buffer): string =>
  (data.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');

const message = (
  address: string,
  index: number,
  from: Sender,
  big: boolean,
  random: SeededRandom,
): Buffer => {
  const local = address.split('@')[0] ?? address;
  const headers = [
    `From: ${FROM[from]}`,
    `To: ${address}`,
    `Subject: proof ${local} #${index}`,
    `Date: ${new Date(Date.UTC(2026, 10, 20, 9, index)).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <proof.${index}.${local}@example.org>`,
    'MIME-Version: 1.0',
    ...(EXTRA[from] ?? []),
  ];
  const text = `Hello,\r\n\r\nmessage ${index} for ${address}.\r\n.\r\n..a line that starts with dots\r\n`;
  if (!big) {
    headers.push('Content-Type: text/plain; charset=utf-8');
    return Buffer.from(`${headers.join('\r\n')}\r\n\r\n${text}`, 'utf8');
  }
  const boundary = `proof-${index}`;
  headers.push(`Content-Type: multipart/mixed; boundary="${boundary}"`);
  const body = [
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    `--${boundary}`,
    'Content-Type: application/octet-stream; name="data.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(random.bytes(150_000)),
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body}`, 'utf8');
};

/** The twelve PLAN messages addressed to `address`, CRLF line endings. */
export const proofMessages = (address: string): Buffer[] => {
  const random = new SeededRandom(address.length);
  return PLAN.map((entry, index) => message(address, index + 1, entry.from, !!entry.big, random));
};

/** `count` small plain messages (no rule or vacation applies: list mail), for volume tests. */
export const bulkMessages = (address: string, count: number, offset = 0): Buffer[] =>
  Array.from({ length: count }, (_, index) => {
    const n = offset + index + 1;
    return Buffer.from(
      [
        `From: ${FROM.list}`,
        `To: ${address}`,
        `Subject: bulk #${n}`,
        `Message-ID: <bulk.${n}@lists.example.com>`,
        ...(EXTRA.list ?? []),
        '',
        `Bulk message ${n}.`,
        '',
      ].join('\r\n'),
      'utf8',
    );
  });
