/** Broken and extreme MIME structure, charsets, attachment names. */
import { bytes, type HostileCase, join, mail, noise, repeat, utf8 } from './build.js';

const BODY = 'body\r\n';
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const multipart = (name: string, contentType: string, body: string | Buffer): Buffer =>
  mail(name, body, ['MIME-Version: 1.0', `Content-Type: ${contentType}`]);

const nested = (depth: number): string => {
  let body = 'Content-Type: text/plain\r\n\r\ninnermost\r\n';
  for (let level = depth; level > 0; level -= 1) {
    body = `Content-Type: multipart/mixed; boundary="n${level}"\r\n\r\n--n${level}\r\n${body}--n${level}--\r\n`;
  }
  return body;
};

/** The outermost Content-Type of nested() becomes the message's header. */
const nestedMail = (name: string, depth: number): Buffer => {
  const structure = nested(depth);
  const split = structure.indexOf('\r\n\r\n');
  return mail(name, structure.slice(split + 4), ['MIME-Version: 1.0', structure.slice(0, split)]);
};

const nestedMessages = (depth: number): string => {
  let body = 'Subject: innermost\r\n\r\nbottom\r\n';
  for (let level = 0; level < depth; level += 1) {
    body = `Subject: level ${level}\r\nContent-Type: message/rfc822\r\n\r\n${body}`;
  }
  return body;
};

const attachment = (name: string, disposition: string, data = 'ZGF0YQ=='): Buffer =>
  multipart(
    name,
    'multipart/mixed; boundary="att"',
    `--att\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n--att\r\nContent-Type: application/octet-stream\r\n${disposition}\r\nContent-Transfer-Encoding: base64\r\n\r\n${data}\r\n--att--\r\n`,
  );

export const MIME_CASES: readonly HostileCase[] = [
  [
    'mime-missing-boundary',
    'multipart without a boundary parameter',
    () =>
      multipart(
        'mime-missing-boundary',
        'multipart/mixed',
        '--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n--x--\r\n',
      ),
  ],
  [
    'mime-boundary-absent',
    'the declared boundary never appears',
    () => multipart('mime-boundary-absent', 'multipart/mixed; boundary="never"', 'just text\r\n'),
  ],
  [
    'mime-unterminated-part',
    'no closing boundary delimiter',
    () =>
      multipart(
        'mime-unterminated-part',
        'multipart/mixed; boundary="u"',
        '--u\r\nContent-Type: text/plain\r\n\r\nunterminated\r\n',
      ),
  ],
  [
    'mime-empty-boundary',
    'boundary=""',
    () =>
      multipart('mime-empty-boundary', 'multipart/mixed; boundary=""', '--\r\n\r\nx\r\n----\r\n'),
  ],
  [
    'mime-boundary-200-chars',
    'a 200-character boundary (RFC 2046 allows 70)',
    () => {
      const boundary = repeat('b', 200);
      return multipart(
        'mime-boundary-200-chars',
        `multipart/mixed; boundary="${boundary}"`,
        `--${boundary}\r\nContent-Type: text/plain\r\n\r\nx\r\n--${boundary}--\r\n`,
      );
    },
  ],
  [
    'mime-boundary-prefix',
    'one boundary is a prefix of the nested one',
    () =>
      multipart(
        'mime-boundary-prefix',
        'multipart/mixed; boundary="a"',
        '--a\r\nContent-Type: multipart/mixed; boundary="ab"\r\n\r\n--ab\r\nContent-Type: text/plain\r\n\r\ninner\r\n--ab--\r\n--a--\r\n',
      ),
  ],
  ['mime-nested-120', 'multipart nested 120 levels deep', () => nestedMail('mime-nested-120', 120)],
  [
    'mime-nested-2000',
    'multipart nested 2,000 levels deep (recursion limits)',
    () => nestedMail('mime-nested-2000', 2_000),
  ],
  [
    'mime-rfc822-nested-200',
    'message/rfc822 nested 200 levels deep',
    () => multipart('mime-rfc822-nested-200', 'message/rfc822', nestedMessages(200)),
  ],
  [
    'mime-10000-parts',
    '10,000 sibling parts',
    () =>
      multipart(
        'mime-10000-parts',
        'multipart/mixed; boundary="p"',
        `${repeat('--p\r\nContent-Type: text/plain\r\n\r\npart\r\n', 10_000)}--p--\r\n`,
      ),
  ],
  [
    'mime-no-parts',
    'a multipart with only the closing delimiter',
    () => multipart('mime-no-parts', 'multipart/mixed; boundary="e"', '--e--\r\n'),
  ],
  [
    'mime-part-without-headers',
    'a part with no header block',
    () =>
      multipart(
        'mime-part-without-headers',
        'multipart/mixed; boundary="h"',
        '--h\r\nno headers here\r\n--h--\r\n',
      ),
  ],
  [
    'mime-huge-preamble',
    'a 2 MB preamble before the first part',
    () =>
      multipart(
        'mime-huge-preamble',
        'multipart/mixed; boundary="pre"',
        `${repeat('preamble line\r\n', 150_000)}--pre\r\nContent-Type: text/plain\r\n\r\nx\r\n--pre--\r\n`,
      ),
  ],
  [
    'mime-content-type-garbage',
    'Content-Type: ;;;=="',
    () => mail('mime-content-type-garbage', BODY, ['Content-Type: ;;;=="']),
  ],
  [
    'mime-duplicate-content-type',
    'two conflicting Content-Type fields',
    () =>
      mail('mime-duplicate-content-type', BODY, [
        'Content-Type: text/html',
        'Content-Type: multipart/mixed; boundary="z"',
      ]),
  ],
  [
    'mime-unknown-encoding',
    'Content-Transfer-Encoding: x-uuencode-ish',
    () => mail('mime-unknown-encoding', BODY, ['Content-Transfer-Encoding: x-unknown']),
  ],
  [
    'mime-base64-invalid',
    'a base64 body with invalid characters',
    () =>
      mail('mime-base64-invalid', '!!!@@@###\r\nSGVsbG8*\r\n', [
        'Content-Transfer-Encoding: base64',
      ]),
  ],
  [
    'mime-base64-truncated',
    'a base64 body cut mid-quantum',
    () =>
      mail('mime-base64-truncated', 'SGVsbG8gd29y\r\nbG', ['Content-Transfer-Encoding: base64']),
  ],
  [
    'mime-qp-invalid',
    'quoted-printable with bad escapes and a trailing "="',
    () =>
      mail('mime-qp-invalid', 'a=ZZb=\r\nc=4\r\n=', [
        'Content-Transfer-Encoding: quoted-printable',
      ]),
  ],
  [
    'charset-mislabelled-utf8',
    'labelled UTF-8, bytes are ISO-8859-1',
    () =>
      mail('charset-mislabelled-utf8', bytes('caf\xe9 cr\xe8me br\xfbl\xe9e\r\n'), [
        'Content-Type: text/plain; charset=utf-8',
      ]),
  ],
  [
    'charset-mislabelled-ascii',
    'labelled us-ascii, bytes are UTF-8',
    () =>
      mail('charset-mislabelled-ascii', utf8('Grüße ✓\r\n'), [
        'Content-Type: text/plain; charset=us-ascii',
      ]),
  ],
  [
    'charset-unknown',
    'charset=x-martian',
    () => mail('charset-unknown', BODY, ['Content-Type: text/plain; charset=x-martian']),
  ],
  [
    'charset-utf16-no-bom',
    'UTF-16LE text without BOM',
    () =>
      mail('charset-utf16-no-bom', Buffer.from('hello\r\n', 'utf16le'), [
        'Content-Type: text/plain; charset=utf-16',
      ]),
  ],
  [
    'charset-shift-jis',
    'Shift_JIS bytes that contain 0x5C and 0x2E',
    () =>
      mail('charset-shift-jis', bytes('\x83\x5c\x83\x74\x83\x67\r\n\x81\x44\r\n'), [
        'Content-Type: text/plain; charset=shift_jis',
      ]),
  ],
  [
    'filename-path-traversal',
    'attachment filename "../../etc/passwd"',
    () =>
      attachment(
        'filename-path-traversal',
        'Content-Disposition: attachment; filename="../../etc/passwd"',
      ),
  ],
  [
    'filename-10kb',
    'a 10 KB attachment filename',
    () =>
      attachment(
        'filename-10kb',
        `Content-Disposition: attachment; filename="${repeat('f', 10_000)}.pdf"`,
      ),
  ],
  [
    'filename-rfc2231',
    'an RFC 2231 continued, percent-encoded filename',
    () =>
      attachment(
        'filename-rfc2231',
        "Content-Disposition: attachment;\r\n filename*0*=UTF-8''%E2%9C%93%20;\r\n filename*1*=%2E%2E%2Fx.pdf",
      ),
  ],
  [
    'filename-encoded-crlf',
    'a filename that decodes to CRLF and NUL',
    () =>
      attachment(
        'filename-encoded-crlf',
        `Content-Disposition: attachment; filename="=?UTF-8?B?${b64('a\r\nb\0.exe')}?="`,
      ),
  ],
  [
    'attachment-empty',
    'a zero-byte attachment',
    () =>
      attachment('attachment-empty', 'Content-Disposition: attachment; filename="empty.bin"', ''),
  ],
  [
    'attachment-binary-8bit',
    '32 KB of raw binary in an 8bit part',
    () =>
      multipart(
        'attachment-binary-8bit',
        'multipart/mixed; boundary="bin"',
        join(
          '--bin\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: 8bit\r\n\r\n',
          noise(32 * 1024, 11),
          '\r\n--bin--\r\n',
        ),
      ),
  ],
  [
    'html-script-and-nesting',
    'HTML with script, 5,000 nested divs and entities',
    () =>
      mail(
        'html-script-and-nesting',
        `<html><script>alert(1)</script>${repeat('<div>', 5_000)}&#0;&lt;x&gt;${repeat('</div>', 5_000)}</html>\r\n`,
        ['Content-Type: text/html; charset=utf-8'],
      ),
  ],
];
