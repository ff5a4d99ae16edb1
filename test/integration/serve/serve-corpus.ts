/**
 * The mail the viewer's tests archive: what an owner looks things up in (a receipt, a thread with
 * a landlord), what a mail program must render (HTML with an inline image and a PDF whose name is
 * not ASCII), and what an attacker sends (markup in names and subjects, and an HTML message that
 * tries every way to run script or call a server).
 */
import { deflateSync } from 'node:zlib';
import type { Pop3Message } from '../../../lambda/cli/sandbox/pop3-server.js';
import {
  base64Lines,
  encodedWord,
  multipartBody,
  part,
  rfc822,
  tinyPdf,
} from '../../../lambda/cli/sandbox/sample-mail-builder.js';

export const OWNER = 'alice@example.test';

/** CRC-32 for PNG chunks. */
const crc32 = (data: Buffer): number => {
  let crc = ~0;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
};

const chunk = (type: string, data: Buffer): Buffer => {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
};

/** A solid square PNG, big enough to see in a screenshot. */
export const squarePng = (size: number, [r, g, b]: readonly [number, number, number]): Buffer => {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([
    Buffer.from([0]),
    Buffer.alloc(size * 3).fill(Buffer.from([r, g, b])),
  ]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: size }, () => row)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
};

export const LOGO = squarePng(48, [11, 98, 196]);
export const INVOICE_PDF = tinyPdf('Invoice 2019-117: 42.00 EUR');
/** Not ASCII, with a space: the download must keep it exactly (RFC 6266 filename*). */
export const INVOICE_NAME = 'Rechnung März 2019.pdf';

const headers = (
  uidl: string,
  from: string,
  subject: string,
  date: string,
  extra: ReadonlyArray<readonly [string, string]> = [],
): ReadonlyArray<readonly [string, string]> => [
  ['From', from],
  ['To', `Alice <${OWNER}>`],
  ['Subject', subject],
  ['Date', date],
  ['Message-ID', `<${uidl}@example.test>`],
  ['MIME-Version', '1.0'],
  ...extra,
];

const message = (uidl: string, data: Buffer): Pop3Message => ({ uidl, data });

/** Plain text, with a web address in it. */
export const receipt = message(
  'receipt-2019',
  rfc822(
    headers(
      'receipt-2019',
      'Shop <orders@shop.example>',
      'Your receipt for order 2019-117',
      'Tue, 12 Mar 2019 10:15:00 +0100',
      [['Content-Type', 'text/plain; charset=utf-8']],
    ),
    'Dear Alice,\n\nthank you for your order 2019-117.\nTotal: 42.00 EUR\n\nTrack it at https://shop.example/orders/2019-117\n',
  ),
);

/** The word the search tests look for is in this body only (and not in any subject). */
export const landlord = message(
  'landlord-1',
  rfc822(
    headers(
      'landlord-1',
      'Bob Landau <bob@flat.example>',
      'Heating in the flat',
      'Mon, 02 Nov 2026 18:40:00 +0000',
      [['Content-Type', 'text/plain; charset=utf-8']],
    ),
    'Hi Alice,\n\nas your landlord I will send the plumber on Thursday between 9 and 12.\n\nBob\n',
  ),
);

/** HTML with an inline image (cid:) and a PDF attachment, the way mail programs send them. */
export const newsletter = message(
  'html-invoice',
  rfc822(
    headers(
      'html-invoice',
      'Example Utilities <billing@utility.example>',
      'Your invoice for November',
      'Wed, 25 Nov 2026 07:30:00 +0000',
      [['Content-Type', 'multipart/mixed; boundary="mixed"']],
    ),
    multipartBody('mixed', [
      part(
        [['Content-Type', 'multipart/related; boundary="related"']],
        multipartBody('related', [
          part(
            [['Content-Type', 'text/html; charset=utf-8']],
            '<html><body><h1 style="color:#0b62c4">Your invoice</h1><p><img id="logo" src="cid:logo@utility.example" alt="Utility logo" width="48" height="48"></p><p>Amount due: <b>42.00&nbsp;EUR</b>. The PDF is attached.</p><p><a id="site" href="https://utility.example/account">Your account</a></p></body></html>',
          ),
          part(
            [
              ['Content-Type', 'image/png'],
              ['Content-Transfer-Encoding', 'base64'],
              ['Content-ID', '<logo@utility.example>'],
              ['Content-Disposition', 'inline; filename="logo.png"'],
            ],
            base64Lines(LOGO),
          ),
        ]),
      ),
      part(
        [
          ['Content-Type', `application/pdf; name="${encodedWord(INVOICE_NAME)}"`],
          ['Content-Transfer-Encoding', 'base64'],
          [
            'Content-Disposition',
            `attachment; filename*=UTF-8''${encodeURIComponent(INVOICE_NAME)}`,
          ],
        ],
        base64Lines(INVOICE_PDF),
      ),
    ]),
  ),
);

/** Markup where a careless page would put it: the sender's name and the subject. */
export const MARKUP_SUBJECT =
  '<img src=x onerror="console.log(\'popfwd-xss-subject\')"> & "quotes"';
export const MARKUP_NAME = '<script>console.log("popfwd-xss-name")</script>';
export const markup = message(
  'markup-names',
  rfc822(
    headers(
      'markup-names',
      `${encodedWord(MARKUP_NAME)} <mallory@evil.example>`,
      encodedWord(MARKUP_SUBJECT),
      'Thu, 26 Nov 2026 06:00:00 +0000',
      [['Content-Type', 'text/plain; charset=utf-8']],
    ),
    'Nothing to see <b>here</b>.\n',
  ),
);

/** What the hostile message tries to load, by path on the "remote" server. */
export const HOSTILE_PATHS = {
  /** Images, backgrounds and fonts: loaded only after "load remote content". */
  remoteContent: ['/img', '/srcset', '/bg-style', '/bg-attr', '/css-url', '/input', '/font'],
  /** Never requested, whatever the owner chooses. */
  never: [
    '/script',
    '/onerror',
    '/refresh',
    '/stylesheet',
    '/import',
    '/iframe',
    '/object',
    '/embed',
    '/poster',
    '/audio',
    '/form',
    '/ping',
    '/prefetch',
    '/preconnect',
    '/svg-image',
    '/base/relative',
    '/javascript-link',
    '/escaped-url',
  ],
} as const;

/**
 * Every way an HTML mail may try to run script or reach a server, aimed at `remote` (a local HTTP
 * server standing in for the Internet). A script that ran would log `popfwd-xss-…`.
 */
export const hostile = (remote: string): Pop3Message => {
  const html = `<html><head>
<meta http-equiv="refresh" content="0;url=${remote}/refresh">
<link rel="stylesheet" href="${remote}/stylesheet">
<link rel="prefetch" href="${remote}/prefetch"><link rel="preconnect" href="${remote}/preconnect">
<base href="${remote}/base/">
<style>
@import url("${remote}/import");
@font-face { font-family: Remote; src: url(${remote}/font) format("woff2"); }
body { font-family: Remote, sans-serif; }
.logo { background-image: url('${remote}/css-url'); width: 20px; height: 20px; }
.escaped { background-image: \\75 rl(${remote}/escaped-url); width: 20px; height: 20px; }
</style>
<script>console.log('popfwd-xss-script'); fetch('${remote}/script');</script>
</head><body>
<h1>Hello from a stranger</h1>
<p id="marker">This message tries everything.</p>
<img id="remote-img" src="${remote}/img" alt="tracker" width="20" height="20">
<img src="x" onerror="console.log('popfwd-xss-onerror'); fetch('${remote}/onerror')">
<img srcset="${remote}/srcset 1x" alt="srcset">
<div style="background:url(${remote}/bg-style); width: 20px; height: 20px">bg</div>
<table background="${remote}/bg-attr"><tr><td>table</td></tr></table>
<div class="logo">css</div><div class="escaped">escaped</div>
<img src="relative" alt="relative to base">
<a id="js-link" href="javascript:console.log('popfwd-xss-link');fetch('${remote}/javascript-link')">a javascript: link</a>
<a id="ping-link" href="${remote}/page" ping="${remote}/ping">a link with ping</a>
<iframe src="${remote}/iframe"></iframe>
<object data="${remote}/object"></object><embed src="${remote}/embed">
<video poster="${remote}/poster"></video><audio src="${remote}/audio" autoplay></audio>
<form action="${remote}/form"><input type="image" src="${remote}/input"></form>
<svg><image href="${remote}/svg-image" width="10" height="10"/></svg>
</body></html>`;
  return message(
    'hostile-html',
    rfc822(
      headers(
        'hostile-html',
        'Stranger <stranger@evil.example>',
        'You have won',
        'Sat, 21 Nov 2026 12:00:00 +0000',
        [['Content-Type', 'text/html; charset=utf-8']],
      ),
      html,
    ),
  );
};

/** The whole corpus, with the hostile message aimed at `remote`. */
export const corpus = (remote: string): Pop3Message[] => [
  receipt,
  landlord,
  newsletter,
  markup,
  hostile(remote),
];
