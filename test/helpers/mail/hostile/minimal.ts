/** The smallest messages: empty, a lone line ending, header-only, body-only. */
import { bytes, type HostileCase, headers, join } from './build.js';

export const MINIMAL_CASES: readonly HostileCase[] = [
  ['empty', 'a 0-byte message', () => Buffer.alloc(0)],
  ['only-crlf', 'the message is just "\\r\\n"', () => bytes('\r\n')],
  ['only-lf', 'the message is just "\\n"', () => bytes('\n')],
  ['only-cr', 'the message is just "\\r"', () => bytes('\r')],
  ['only-whitespace', 'spaces and tabs, no newline', () => bytes(' \t \t')],
  ['header-only-no-newline', 'one header and no newline at all', () => bytes('Subject: x')],
  [
    'header-only',
    'a header block with no blank line and no body',
    () => bytes(headers('header-only')),
  ],
  [
    'header-only-blank-line',
    'headers and the blank line, empty body',
    () => join(headers('header-only-blank-line'), '\r\n'),
  ],
  [
    'body-only',
    'no headers: the message starts with the blank line',
    () => bytes('\r\njust a body\r\n'),
  ],
  [
    'no-header-colon',
    'the first line is not a header field',
    () => bytes('this is not a header\r\n\r\nbody\r\n'),
  ],
];
