/**
 * The mail every interop server is filled with: the cases where POP3 servers and clients differ.
 * Each message carries `Message-ID: <NAME@interop.popfwd.test>`, so a message can be recognized in
 * whatever a server serves (even inside a substitute it generated).
 */
import { noise } from '../mail/hostile/build.js';

export interface InteropMessage {
  /** Kebab-case, unique; also the Message-ID's local part. */
  readonly name: string;
  /** What the message probes. */
  readonly probe: string;
  /** The message with CRLF line ends, as a client should receive it. */
  readonly data: Buffer;
}

const DOMAIN = 'interop.popfwd.test';
const BIG_BYTES = 10 * 1024 * 1024;

/** A string whose characters are bytes (`\xe9` is the single byte 0xE9). */
const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');

const message = (
  name: string,
  probe: string,
  head: readonly (string | Buffer)[],
  body: string | Buffer,
): InteropMessage => {
  const lines = [
    ...head,
    'To: Alice <alice@example.test>',
    'Date: Thu, 26 Nov 2026 10:00:00 +0000',
    `Message-ID: <${name}@${DOMAIN}>`,
    'MIME-Version: 1.0',
  ];
  const header = Buffer.concat(
    lines.map((line) => Buffer.concat([typeof line === 'string' ? latin1(line) : line, CRLF])),
  );
  return { name, probe, data: Buffer.concat([header, CRLF, latin1Or(body)]) };
};

const latin1Or = (body: string | Buffer): Buffer =>
  typeof body === 'string' ? latin1(body) : body;

const CRLF = latin1('\r\n');

/** 76-character base64 lines of deterministic bytes. */
const base64Lines = (bytes: number): string =>
  (
    noise(bytes, 11)
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n');

const big = (): InteropMessage => {
  const attachment = base64Lines(Math.ceil((BIG_BYTES * 3) / 4));
  return message(
    'big-10mb',
    'a 10 MB message (base64 attachment)',
    [
      'From: Bob <bob@example.org>',
      'Subject: big 10 MB',
      'Content-Type: multipart/mixed; boundary="B"',
    ],
    `--B\r\nContent-Type: text/plain\r\n\r\nten megabytes\r\n--B\r\n` +
      'Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n' +
      `Content-Disposition: attachment; filename="big.bin"\r\n\r\n${attachment}\r\n--B--\r\n`,
  );
};

/** The interop corpus, in delivery order. */
export const interopCorpus = (): InteropMessage[] => [
  message(
    'plain-ascii',
    'a plain 7-bit message (baseline)',
    ['From: Bob <bob@example.org>', 'Subject: plain ascii'],
    'Hello Alice,\r\n\r\njust a plain message.\r\n',
  ),
  message(
    'utf8-headers',
    'raw UTF-8 bytes in From and Subject (no encoded words)',
    [
      Buffer.from('From: "Zoë Ångström" <zoe@example.org>', 'utf8'),
      Buffer.from('Subject: Grüße aus Köln — ✓ 日本', 'utf8'),
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
    ],
    Buffer.from('Grüße, Zoë — ✓\r\n', 'utf8'),
  ),
  message(
    'latin1-headers',
    'raw Latin-1 bytes in From and Subject',
    [
      'From: Ren\xe9 M\xfcller <rene@example.org>',
      'Subject: Caf\xe9 cr\xe8me \xe0 la fran\xe7aise',
      'Content-Type: text/plain; charset=iso-8859-1',
      'Content-Transfer-Encoding: 8bit',
    ],
    'Gr\xfc\xdfe, Ren\xe9\r\n',
  ),
  message(
    'dot-lines',
    'lines that are ".", "..", "...", start with "." or are ". "',
    ['From: Bob <bob@example.org>', 'Subject: dot lines'],
    'before\r\n.\r\n..\r\n...\r\n.hidden\r\n..double\r\n. \r\nafter\r\n.\r\n',
  ),
  message(
    'bare-cr',
    'bare CR inside lines (no LF after it)',
    ['From: Bob <bob@example.org>', 'Subject: bare cr'],
    'col1\rcol2\r\n\rleading cr\r\ntrailing cr\r \r\n.\rafter a dot\r\n',
  ),
  message(
    'long-line-1500',
    'a 2,000-byte header line and a 1,500-byte body line (over 998)',
    ['From: Bob <bob@example.org>', 'Subject: long line 1500', `X-Long: ${'h'.repeat(1_992)}`],
    `${'a'.repeat(1_500)}\r\nend\r\n`,
  ),
  message(
    'long-line-12000',
    'a 12,000-byte body line (over 10,000)',
    ['From: Bob <bob@example.org>', 'Subject: long line 12000'],
    `${'0123456789'.repeat(1_200)}\r\nend\r\n`,
  ),
  message(
    'no-final-newline',
    'the message ends without a newline',
    ['From: Bob <bob@example.org>', 'Subject: no final newline'],
    'first line\r\nlast line without newline',
  ),
  message(
    'from-lines',
    'body lines starting with "From " and ">From " (mbox escaping)',
    ['From: Bob <bob@example.org>', 'Subject: from lines'],
    'From the start of a line\r\n>From quoted once\r\n>>From quoted twice\r\nFromage\r\n',
  ),
  big(),
];

/** The name of the corpus message whose Message-ID occurs first in `data`, if any. */
export const recognize = (data: Buffer, corpus: readonly InteropMessage[]): string | undefined => {
  const text = data.toString('latin1');
  let best: { name: string; at: number } | undefined;
  for (const { name } of corpus) {
    const at = text.indexOf(`<${name}@${DOMAIN}>`);
    if (at !== -1 && (!best || at < best.at)) best = { name, at };
  }
  return best?.name;
};
