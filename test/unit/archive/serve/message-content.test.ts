import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { htmlText } from '../../../../lambda/archive/serve/html-text.js';
import {
  CONTENT_LIMITS,
  readMessageContent,
} from '../../../../lambda/archive/serve/message-content.js';
import { findPart } from '../../../../lambda/archive/serve/part-stream.js';
import {
  base64Lines,
  multipartBody,
  part,
  rfc822,
  TINY_PNG,
} from '../../../../lambda/cli/sandbox/sample-mail-builder.js';
import { readAll } from '../../../helpers/pop3/streams.js';

const BIG = randomBytes(3 * 1024 * 1024);
const HUGE_IMAGE = randomBytes(CONTENT_LIMITS.inlinePart + 1);

/** HTML with two inline images (one too big to keep) and two attachments. */
const message = rfc822(
  [
    ['From', 'a@example.test'],
    ['Subject', 'parts'],
    ['Content-Type', 'multipart/mixed; boundary="m"'],
  ],
  multipartBody('m', [
    part(
      [['Content-Type', 'multipart/related; boundary="r"']],
      multipartBody('r', [
        part(
          [['Content-Type', 'text/html; charset=utf-8']],
          '<p>Hi <img src="cid:small@x"><img src="cid:huge@x"></p>',
        ),
        part(
          [
            ['Content-Type', 'image/png'],
            ['Content-Transfer-Encoding', 'base64'],
            ['Content-ID', '<small@x>'],
          ],
          base64Lines(TINY_PNG),
        ),
        part(
          [
            ['Content-Type', 'image/png'],
            ['Content-Transfer-Encoding', 'base64'],
            ['Content-ID', '<huge@x>'],
          ],
          base64Lines(HUGE_IMAGE),
        ),
      ]),
    ),
    part(
      [
        ['Content-Type', 'application/octet-stream'],
        ['Content-Transfer-Encoding', 'base64'],
        ['Content-Disposition', 'attachment; filename="../../data.bin"'],
      ],
      base64Lines(BIG),
    ),
    part(
      [
        ['Content-Type', 'text/calendar'],
        ['Content-Disposition', 'attachment'],
      ],
      'BEGIN:VCALENDAR\nEND:VCALENDAR\n',
    ),
  ]),
);

describe('readMessageContent', () => {
  it('lists every part with a safe name, its type and decoded size', async () => {
    // Act
    const content = await readMessageContent(Readable.from([message]));
    // Assess
    expect(content.parts).toEqual([
      {
        index: 0,
        fileName: 'part-1.png',
        contentType: 'image/png',
        size: TINY_PNG.length,
        cid: 'small@x',
        inline: true,
      },
      {
        index: 1,
        fileName: 'part-2.png',
        contentType: 'image/png',
        size: HUGE_IMAGE.length,
        cid: 'huge@x',
        inline: true,
      },
      {
        index: 2,
        fileName: 'data.bin',
        contentType: 'application/octet-stream',
        size: BIG.length,
        cid: null,
        inline: false,
      },
      {
        index: 3,
        fileName: 'part-4',
        contentType: 'text/calendar',
        size: Buffer.byteLength('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n'),
        cid: null,
        inline: false,
      },
    ]);
    expect(content.html).toBe('<p>Hi <img src="cid:small@x"><img src="cid:huge@x"></p>');
    expect(content.text).toBe('Hi');
  });

  it('keeps small inline images in memory, never an attachment or an image over the limit', async () => {
    // Act
    const content = await readMessageContent(Readable.from([message]));
    // Assess
    expect([...content.inline.keys()]).toEqual(['small@x']);
    expect(Buffer.compare(content.inline.get('small@x')?.body ?? Buffer.alloc(0), TINY_PNG)).toBe(
      0,
    );
    expect(content.bytes).toBeLessThan(1024 * 1024);
  });

  it('cuts a text body at its limit and says so', async () => {
    // Prepare
    const long = rfc822([['Content-Type', 'text/plain']], 'x'.repeat(CONTENT_LIMITS.text + 10));
    // Act
    const content = await readMessageContent(Readable.from([long]));
    // Assess
    expect(content.text).toHaveLength(CONTENT_LIMITS.text);
    expect(content.truncated).toBe(true);
  });

  it('rejects when the store stream fails', async () => {
    // Prepare
    const failing = new Readable({
      read() {
        this.destroy(new Error('disk gone'));
      },
    });
    // Act, Assess
    await expect(readMessageContent(failing)).rejects.toThrow('disk gone');
  });
});

describe('findPart', () => {
  it('streams one part decoded, by position, byte for byte', async () => {
    // Act
    const found = await findPart(Readable.from([message]), { index: 2 });
    const bytes = found ? await readAll(found.content) : null;
    found?.stop();
    // Assess
    expect(found?.filename).toBe('../../data.bin');
    expect(bytes && Buffer.compare(bytes, BIG)).toBe(0);
  });

  it('finds an inline image by its Content-ID', async () => {
    // Act
    const found = await findPart(Readable.from([message]), { cid: 'huge@x' });
    const bytes = found ? await readAll(found.content) : null;
    found?.stop();
    // Assess
    expect(found?.contentType).toBe('image/png');
    expect(bytes && Buffer.compare(bytes, HUGE_IMAGE)).toBe(0);
  });

  it('resolves null for a part the message does not have', async () => {
    await expect(findPart(Readable.from([message]), { index: 9 })).resolves.toBeNull();
    await expect(findPart(Readable.from([message]), { cid: 'none@x' })).resolves.toBeNull();
  });
});

describe('htmlText', () => {
  it('turns blocks into lines, cells into tabs, and keeps link addresses', () => {
    expect(
      htmlText(
        '<head><title>T</title><style>p{}</style></head><h1>Title</h1><p>One <b>two</b>&nbsp;three</p><table><tr><td>a</td><td>b</td></tr></table><p><a href="https://x.example/">here</a> <a href="https://y.example/">https://y.example/</a></p><script>alert(1)</script><pre>  keep\n  this</pre>',
      ),
    ).toBe(
      'Title\n\nOne two three\n\na\tb\n\nhere <https://x.example/> https://y.example/\n\n  keep\n  this',
    );
  });
});
