/** RFC 2047 encoded words: broken, extreme, and crafted to inject. */
import { type HostileCase, headers, join, repeat, utf8 } from './build.js';

const BODY = 'body\r\n';
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const withSubject = (name: string, subject: string | Buffer): Buffer =>
  join(
    headers(name).replace(`Subject: hostile ${name}\r\n`, ''),
    'Subject: ',
    subject,
    '\r\n\r\n',
    BODY,
  );
const withFrom = (name: string, from: string): Buffer =>
  join(headers(name).replace(/From: .*\r\n/, `From: ${from}\r\n`), '\r\n', BODY);

export const ENCODED_WORD_CASES: readonly HostileCase[] = [
  [
    'ew-bad-base64',
    'an encoded word with invalid base64',
    () => withSubject('ew-bad-base64', '=?UTF-8?B?!!!not*base64?='),
  ],
  [
    'ew-bad-qp',
    'an encoded word with invalid Q escapes',
    () => withSubject('ew-bad-qp', '=?UTF-8?Q?=ZZ=4?='),
  ],
  [
    'ew-unknown-charset',
    'an encoded word in an unknown charset',
    () => withSubject('ew-unknown-charset', '=?x-martian?B?SGVsbG8=?='),
  ],
  [
    'ew-charset-language',
    'RFC 2231 language suffix in the charset',
    () => withSubject('ew-charset-language', '=?UTF-8*en?Q?Hello?='),
  ],
  [
    'ew-very-long',
    'a single 20 KB encoded word',
    () => withSubject('ew-very-long', `=?UTF-8?B?${b64(repeat('é', 7_000))}?=`),
  ],
  [
    'ew-thousand-words',
    '1,000 adjacent encoded words',
    () =>
      withSubject(
        'ew-thousand-words',
        Array.from({ length: 1_000 }, (_, i) => `=?UTF-8?Q?w${i}?=`).join(' '),
      ),
  ],
  [
    'ew-unterminated',
    'an encoded word without its closing ?=',
    () => withSubject('ew-unterminated', '=?UTF-8?B?SGVsbG8'),
  ],
  [
    'ew-empty-text',
    'an encoded word with empty text',
    () => withSubject('ew-empty-text', '=?UTF-8?Q??= tail'),
  ],
  [
    'ew-split-multibyte',
    'one UTF-8 character split across two encoded words',
    () => withSubject('ew-split-multibyte', '=?UTF-8?Q?caf=C3?= =?UTF-8?Q?=A9?='),
  ],
  [
    'ew-mixed-charsets',
    'adjacent words in UTF-8, ISO-8859-1 and KOI8-R',
    () =>
      withSubject(
        'ew-mixed-charsets',
        '=?UTF-8?B?4pyT?= =?ISO-8859-1?Q?caf=E9?= =?KOI8-R?B?8NLJ18XU?=',
      ),
  ],
  [
    'ew-encoded-crlf',
    'an encoded word that decodes to CRLF and a Bcc line (header injection)',
    () => withSubject('ew-encoded-crlf', `=?UTF-8?B?${b64('hi\r\nBcc: victim@example.org\r\n')}?=`),
  ],
  [
    'ew-encoded-nul',
    'an encoded word that decodes to NUL',
    () => withSubject('ew-encoded-nul', '=?UTF-8?Q?a=00b?='),
  ],
  [
    'ew-nested',
    'an encoded word whose text is another encoded word',
    () => withSubject('ew-nested', `=?UTF-8?B?${b64('=?UTF-8?B?SGVsbG8=?=')}?=`),
  ],
  [
    'ew-in-address',
    'an encoded word in the local part of an address',
    () => withFrom('ew-in-address', `=?UTF-8?B?${b64('bob')}?=@example.org`),
  ],
  [
    'ew-in-display-name',
    'an encoded display name containing "<", "," and "@"',
    () =>
      withFrom(
        'ew-in-display-name',
        `=?UTF-8?B?${b64('Boss <boss@example.com>, x@y')}?= <m@example.net>`,
      ),
  ],
  [
    'ew-in-quoted-string',
    'an encoded word inside a quoted display name',
    () => withFrom('ew-in-quoted-string', '"=?UTF-8?Q?Zo=C3=AB?=" <zoe@example.org>'),
  ],
  [
    'ew-raw-utf8-and-encoded',
    'raw UTF-8 next to an encoded word',
    () => withSubject('ew-raw-utf8-and-encoded', utf8('Grüße =?UTF-8?Q?und_Tsch=C3=BCss?=')),
  ],
];
