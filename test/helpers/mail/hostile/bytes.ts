/** Hostile bytes and line endings: NUL, bare CR / LF, mixed endings, huge lines, binary. */
import { bytes, type HostileCase, headers, join, mail, noise, repeat, utf8 } from './build.js';

const MB = 1024 * 1024;

export const BYTE_CASES: readonly HostileCase[] = [
  [
    'nul-in-body',
    'NUL bytes inside body lines',
    () => mail('nul-in-body', 'a\0b\r\n\0\r\nend\0\r\n'),
  ],
  [
    'nul-in-header',
    'NUL inside a header value',
    () => mail('nul-in-header', 'body\r\n', ['X-Nul: before\0after']),
  ],
  [
    'nul-only-body',
    '4 KB of NUL bytes as the body',
    () => mail('nul-only-body', Buffer.alloc(4096)),
  ],
  [
    'bare-cr-endings',
    'every line ends with a bare CR',
    () => bytes('From: m@example.net\rSubject: hostile bare-cr-endings\r\rline one\rline two\r'),
  ],
  [
    'bare-lf-endings',
    'every line ends with a bare LF (Unix mbox style)',
    () => bytes('From: m@example.net\nSubject: hostile bare-lf-endings\n\nline one\nline two\n'),
  ],
  [
    'mixed-endings',
    'CRLF, LF and CR endings in one message',
    () => mail('mixed-endings', 'crlf\r\nlf\ncr\rcrlf again\r\nlf again\n'),
  ],
  [
    'bare-lf-in-crlf-body',
    'one bare LF among CRLF lines',
    () => mail('bare-lf-in-crlf-body', 'one\r\ntwo\nthree\r\n'),
  ],
  [
    'bare-cr-in-crlf-body',
    'one bare CR among CRLF lines',
    () => mail('bare-cr-in-crlf-body', 'one\r\ntwo\rthree\r\n'),
  ],
  ['cr-cr-lf', 'CR CR LF line endings', () => mail('cr-cr-lf', 'one\r\r\ntwo\r\r\n')],
  ['lf-cr', 'reversed LF CR endings', () => mail('lf-cr', 'one\n\rtwo\n\r')],
  [
    'lf-headers-crlf-body',
    'header block with LF, body with CRLF',
    () => join(headers('lf-headers-crlf-body').replaceAll('\r\n', '\n'), '\n', 'body\r\nmore\r\n'),
  ],
  [
    'crlf-headers-lf-body',
    'header block with CRLF, body with LF',
    () => mail('crlf-headers-lf-body', 'body\nmore\n'),
  ],
  ['line-1mb', 'one body line of 1 MB', () => mail('line-1mb', `${repeat('x', MB)}\r\n`)],
  [
    'line-1mb-no-newline',
    'a 1 MB last line without a newline',
    () => mail('line-1mb-no-newline', repeat('y', MB)),
  ],
  [
    'line-1mb-of-dots',
    'a 1 MB line made of "." characters',
    () => mail('line-1mb-of-dots', `${repeat('.', MB)}\r\n`),
  ],
  [
    'header-line-1mb',
    'an unfolded 1 MB header line',
    () => mail('header-line-1mb', 'body\r\n', [`X-Long: ${repeat('h', MB)}`]),
  ],
  [
    'many-short-lines',
    '200,000 one-character lines',
    () => mail('many-short-lines', repeat('a\r\n', 200_000)),
  ],
  [
    'many-empty-lines',
    '100,000 empty lines',
    () => mail('many-empty-lines', repeat('\r\n', 100_000)),
  ],
  [
    'all-byte-values',
    'every byte value 0x00–0xFF, twice',
    () => {
      const all = Buffer.from(Array.from({ length: 256 }, (_, index) => index));
      return mail('all-byte-values', join(all, all, '\r\n'));
    },
  ],
  [
    'binary-body',
    '64 KB of random binary as an 8bit body',
    () =>
      mail('binary-body', join(noise(64 * 1024, 7), '\r\n'), [
        'Content-Type: application/octet-stream',
      ]),
  ],
  [
    'utf8-bom',
    'a UTF-8 byte order mark before the first header',
    () => join(utf8('\ufeff'), mail('utf8-bom', 'body\r\n')),
  ],
  [
    'terminal-escapes',
    'ANSI escape sequences in headers (log and terminal injection)',
    () => mail('terminal-escapes', 'body\r\n', ['X-Evil: \x1b[2J\x1b[31mred\x1b]0;title\x07']),
  ],
  [
    'control-characters',
    'form feed, vertical tab, backspace and DEL in the body',
    () => mail('control-characters', 'a\fb\vc\bd\x7fe\r\n'),
  ],
  [
    'invalid-utf8',
    'invalid UTF-8 sequences labelled utf-8',
    () =>
      mail('invalid-utf8', bytes('\xc3\x28 \xa0\xa1 \xe2\x28\xa1 \xf0\x28\x8c\x28 \xc0\xaf\r\n'), [
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 8bit',
      ]),
  ],
  [
    'overlong-utf8-dot',
    'an overlong UTF-8 encoding of "." at a line start',
    () => mail('overlong-utf8-dot', bytes('\xc0\xae\r\n\xe0\x80\xae\r\n')),
  ],
  [
    'header-8bit-utf8',
    'raw UTF-8 in Subject and From',
    () =>
      join(utf8('From: Zoë Ünïcødé <zoe@example.org>\r\nSubject: Grüße ✓ 🎉\r\n'), '\r\nbody\r\n'),
  ],
  [
    'header-8bit-latin1',
    'raw ISO-8859-1 bytes in a header',
    () => join(bytes('From: Fran\xe7ois <f@example.net>\r\nSubject: caf\xe9\r\n'), '\r\nbody\r\n'),
  ],
];
