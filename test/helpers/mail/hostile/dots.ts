/**
 * Dot-stuffing and framing edge cases: lines that look like the POP3 terminator, stuffed or not,
 * at the start, middle and end of a message, with every line ending.
 */
import { bytes, type HostileCase, join, mail, repeat } from './build.js';

export const DOT_CASES: readonly HostileCase[] = [
  [
    'dot-line',
    'a line that is exactly "." in the middle',
    () => mail('dot-line', 'before\r\n.\r\nafter\r\n'),
  ],
  ['dot-line-lf', 'a "." line ended by bare LF', () => mail('dot-line-lf', 'before\n.\nafter\n')],
  [
    'dot-cr',
    'a line ".\\r" followed by text (CR without LF)',
    () => mail('dot-cr', 'before\r\n.\rafter\r\n'),
  ],
  ['dot-cr-lf-cr', 'a "." line ended by CR CR LF', () => mail('dot-cr-lf-cr', 'x\r\n.\r\r\ny\r\n')],
  ['dot-dot-line', 'a line that is exactly ".."', () => mail('dot-dot-line', 'a\r\n..\r\nb\r\n')],
  [
    'dot-dot-dot-line',
    'a line that is exactly "..."',
    () => mail('dot-dot-dot-line', 'a\r\n...\r\nb\r\n'),
  ],
  ['dot-space', 'a line ". " (dot then space)', () => mail('dot-space', 'a\r\n. \r\nb\r\n')],
  ['dot-tab', 'a line ".\\t"', () => mail('dot-tab', 'a\r\n.\t\r\nb\r\n')],
  [
    'dot-text',
    'lines starting with "." and text',
    () => mail('dot-text', '.hidden\r\n.env\r\n..x\r\n'),
  ],
  [
    'terminator-in-body',
    '"\\r\\n.\\r\\n" in the middle of the body',
    () => mail('terminator-in-body', 'part one\r\n.\r\npart two\r\n.\r\n\r\npart three\r\n'),
  ],
  [
    'final-line-dot',
    'the last line is "." with CRLF (the stored message ends like a terminator)',
    () => mail('final-line-dot', 'text\r\n.\r\n'),
  ],
  [
    'final-line-dot-no-newline',
    'the message ends with "\\r\\n." and no newline',
    () => mail('final-line-dot-no-newline', 'text\r\n.'),
  ],
  [
    'final-line-dot-lf',
    'the message ends with "\\n.\\n"',
    () => mail('final-line-dot-lf', 'text\n.\n'),
  ],
  [
    'final-line-dot-cr',
    'the message ends with "\\r\\n.\\r"',
    () => mail('final-line-dot-cr', 'text\r\n.\r'),
  ],
  [
    'final-line-dot-dot',
    'the last line is ".."',
    () => mail('final-line-dot-dot', 'text\r\n..\r\n'),
  ],
  [
    'final-crlf-dot-crlf-crlf',
    'the message ends with ".\\r\\n\\r\\n"',
    () => mail('final-crlf-dot-crlf-crlf', 'text\r\n.\r\n\r\n'),
  ],
  [
    'no-final-newline',
    'the body ends without a newline',
    () => mail('no-final-newline', 'last line'),
  ],
  ['ends-with-cr', 'the body ends with a bare CR', () => mail('ends-with-cr', 'last line\r')],
  [
    'ends-with-blank-lines',
    'the body ends with several empty lines',
    () => mail('ends-with-blank-lines', 'text\r\n\r\n\r\n\r\n'),
  ],
  ['body-is-dot', 'the body is a single "."', () => mail('body-is-dot', '.')],
  ['body-is-dot-crlf', 'the body is ".\\r\\n"', () => mail('body-is-dot-crlf', '.\r\n')],
  [
    'body-is-crlf-dot-crlf',
    'the body is "\\r\\n.\\r\\n"',
    () => mail('body-is-crlf-dot-crlf', '\r\n.\r\n'),
  ],
  ['message-is-dot', 'the whole message is "."', () => bytes('.')],
  ['message-is-dot-crlf', 'the whole message is ".\\r\\n"', () => bytes('.\r\n')],
  ['message-is-dot-dot-crlf', 'the whole message is "..\\r\\n"', () => bytes('..\r\n')],
  [
    'message-starts-with-dot',
    'the first header line starts with "."',
    () => join('.From: m@example.net\r\n', mail('message-starts-with-dot', 'body\r\n')),
  ],
  [
    'many-dot-lines',
    '10,000 lines that are "."',
    () => mail('many-dot-lines', repeat('.\r\n', 10_000)),
  ],
  [
    'alternating-dots',
    'lines ".", "..", ".x", "" repeated',
    () => mail('alternating-dots', repeat('.\r\n..\r\n.x\r\n\r\n', 1_000)),
  ],
  [
    'dot-after-bare-cr',
    '"\\r." where a bare CR precedes the dot',
    () => mail('dot-after-bare-cr', 'a\r.b\r\n\r.\r\n'),
  ],
  [
    'dot-after-bare-lf',
    'a "." line after a bare LF inside CRLF text',
    () => mail('dot-after-bare-lf', 'a\r\nb\n.\nc\r\n'),
  ],
  [
    'dot-lines-in-headers',
    'a folded header whose continuation is " ."',
    () => mail('dot-lines-in-headers', 'body\r\n', ['X-Folded: first', ' .', '\t.']),
  ],
  [
    'crlf-dot-at-64k',
    '"\\r\\n.\\r\\n" straddling the 64 KB mark (stream chunk boundaries)',
    () => {
      const pad = repeat('p', 65_536 - 40);
      return mail('crlf-dot-at-64k', `${pad}\r\n.\r\n${pad}\r\n.\r\n`);
    },
  ],
  [
    'smtp-style-terminator-lf',
    'a body with "\\n.\\n" and "\\r\\n.\\n" variants',
    () => mail('smtp-style-terminator-lf', 'a\n.\nb\r\n.\nc\n.\r\nd\r\n'),
  ],
];
