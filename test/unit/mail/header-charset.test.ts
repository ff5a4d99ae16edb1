import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import encodingJapanese from 'encoding-japanese';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { MessageTap } from '../../../lambda/engine/message-tap.js';
import { declaredCharset } from '../../../lambda/mail/declared-charset.js';
import { decodeFieldBytes } from '../../../lambda/mail/header-text.js';
import { parseHeaderBlock } from '../../../lambda/mail/parse-headers.js';
import { SeededRandom } from '../../helpers/mail/seeded-random.js';

/** A header block of raw lines, each either text (written as UTF-8) or bytes as they are. */
const block = (...lines: Array<string | Buffer>): Buffer =>
  Buffer.concat([
    ...lines.flatMap((line) => [typeof line === 'string' ? Buffer.from(line) : line, crlf]),
    crlf,
  ]);
const crlf = Buffer.from('\r\n');

/** `Name: ` then `text` encoded in `charset`: a raw 8-bit header line. */
const raw = (name: string, text: string, charset: string): Buffer =>
  Buffer.concat([Buffer.from(`${name}: `), iconv.encode(text, charset)]);

describe('raw 8-bit headers in the charset the message declares', () => {
  it.each([
    ['KOI8-R', 'koi8-r', 'Счёт на оплату'],
    ['windows-1251', 'windows-1251', 'Счёт на оплату'],
    ['ks_c_5601-1987', 'cp949', '[광고] 요즘 뜨는 직종'],
    ['EUC-KR', 'euc-kr', '회의 안내'],
    ['gb2312', 'gbk', '黄山旅游天天发'],
    ['Big5', 'big5', '不看會後悔'],
    ['Shift_JIS', 'shift_jis', '会議のお知らせ'],
    ['windows-1254', 'windows-1254', 'GREENCARD TÜRKİYE SERVİSİ'],
    ['ISO-8859-7', 'iso-8859-7', 'Καλημέρα'],
  ])('decodes a %s Subject and From name', (declared, encoding, text) => {
    // Prepare
    const header = block(
      raw('From', `${text} <sender@x.example>`, encoding),
      raw('Subject', text, encoding),
      `Content-Type: text/plain; charset="${declared}"`,
    );

    // Act
    const parsed = parseHeaderBlock(header);

    // Assess
    expect(parsed.subject).toBe(text);
    expect(parsed.from).toEqual([{ name: text, address: 'sender@x.example' }]);
    expect(parsed.headers.find((field) => field.name === 'subject')?.value).toBe(text);
  });

  it('keeps a field that is valid UTF-8 as UTF-8 whatever the message declares', () => {
    const parsed = parseHeaderBlock(
      block('Subject: Grüße ✓', 'Content-Type: text/plain; charset=iso-8859-1'),
    );

    expect(parsed.subject).toBe('Grüße ✓');
  });

  it('decides field by field: a UTF-8 field beside a declared-charset one', () => {
    const parsed = parseHeaderBlock(
      block(
        'To: Jürgen <j@x.example>',
        raw('Subject', 'Счёт', 'koi8-r'),
        'Content-Type: text/plain; charset=koi8-r',
      ),
    );

    expect(parsed.to).toEqual([{ name: 'Jürgen', address: 'j@x.example' }]);
    expect(parsed.subject).toBe('Счёт');
  });

  it('takes the charset of the encoded words when a multipart message declares none', () => {
    // Prepare: a raw Big5 From beside a properly encoded Big5 Subject
    const header = block(
      raw('From', '你不看會後悔@x.example', 'big5'),
      `Subject: =?utf-8?B?${Buffer.from('ok').toString('base64')}?= =?big5?B?${iconv.encode('好消息', 'big5').toString('base64')}?=`,
      'Content-Type: multipart/alternative; boundary="b"',
    );

    // Act
    const parsed = parseHeaderBlock(header);

    // Assess
    expect(parsed.from).toEqual([{ name: '', address: '你不看會後悔@x.example' }]);
    expect(parsed.subject).toBe('ok好消息');
  });

  it('reads Outlook Express\' "CHINESEBIG5" as Big5', () => {
    const parsed = parseHeaderBlock(
      block(raw('Subject', '還在用', 'big5'), 'Content-Type: text/html; charset="CHINESEBIG5"'),
    );

    expect(parsed.subject).toBe('還在用');
  });

  it('reads raw ISO-2022-JP by its escapes, declared or not', () => {
    // Prepare: iconv-lite cannot encode ISO-2022-JP ("JIS" to encoding-japanese)
    const jis = encodingJapanese.convert(
      encodingJapanese.stringToCode('しじみともものコラボレーション'),
      {
        to: 'JIS',
        from: 'UNICODE',
      },
    );

    // Act
    const parsed = parseHeaderBlock(
      block(Buffer.concat([Buffer.from('Subject: '), Buffer.from(jis)])),
    );

    // Assess

    expect(parsed.subject).toBe('しじみともものコラボレーション');
  });

  it.each([
    ['nothing declared', null],
    ['UTF-8 declared, yet the bytes are not UTF-8', 'utf-8'],
    ['an unknown charset', 'x-no-such-charset'],
    ['UTF-7, refused as an XSS vector', 'utf-7'],
    ['US-ASCII, which 8-bit bytes cannot be', 'us-ascii'],
    ['a charset the bytes are not valid in (GBK, a lead byte at the end)', 'gbk'],
    ['a name that is not a charset name', 'x"; evil='],
  ])('falls back to windows-1252 with %s', (_, charset) => {
    // Prepare
    const header = block(
      raw('Subject', 'Café € crème', 'windows-1252'),
      ...(charset ? [`Content-Type: text/plain; charset=${charset}`] : []),
    );

    // Act
    const parsed = parseHeaderBlock(header);

    // Assess
    expect(parsed.subject).toBe('Café € crème');
  });

  it('never turns a byte into U+FFFD, whatever the bytes and the declaration', () => {
    // Prepare
    const random = new SeededRandom(8);
    const charsets = [null, 'utf-8', 'gbk', 'big5', 'shift_jis', 'koi8-r', 'iso-2022-jp', 'x-bad'];

    for (let round = 0; round < 300; round++) {
      const bytes = random.bytes(random.int(1, 40)).map((byte) => (byte < 0x20 ? 0x41 : byte));
      const charset = random.pick(charsets);

      // Act
      const text = decodeFieldBytes(Buffer.from(bytes).toString('latin1'), charset);

      // Assess
      expect(text).not.toContain('\ufffd');
    }
  });

  it('decodes the bytes the archive captured, however the stream was cut', async () => {
    // Prepare: a KOI8-R message fed to the tap one byte at a time
    const message = Buffer.concat([
      block(raw('Subject', 'Счёт на оплату', 'koi8-r'), 'Content-Type: text/plain; charset=koi8-r'),
      Buffer.from('body\r\n'),
    ]);
    const tap = new MessageTap();
    const chunks = [...message].map((byte) => Buffer.from([byte]));

    // Act
    await pipeline(Readable.from(chunks), tap, async (source) => {
      for await (const _ of source);
    });
    const parsed = parseHeaderBlock(tap.header);

    // Assess
    expect(parsed.subject).toBe('Счёт на оплату');
  });
});

describe('declaredCharset', () => {
  it.each([
    ['text/plain; charset=koi8-r', 'koi8-r'],
    ['text/plain; CHARSET = "Big5"', 'Big5'],
    ['text/plain;\r\n\tcharset="Windows-1252"', 'Windows-1252'],
    ['multipart/mixed; boundary="charset=evil"', null],
    ['text/plain', null],
  ])('reads Content-Type %j as %j', (value, charset) => {
    expect(declaredCharset([{ name: 'content-type', raw: value }])).toBe(charset);
  });

  it('skips UTF-8 and ASCII encoded words for the first that helps', () => {
    const charset = declaredCharset([
      { name: 'subject', raw: '=?UTF-8?Q?x?= =?us-ascii?Q?y?= =?ks_c_5601-1987?B?xKs=?=' },
      { name: 'from', raw: '=?gb2312?B?xKs=?= <a@x.example>' },
    ]);

    expect(charset).toBe('ks_c_5601-1987');
  });

  it('prefers the Content-Type charset to the encoded words', () => {
    const charset = declaredCharset([
      { name: 'subject', raw: '=?big5?B?xKs=?=' },
      { name: 'content-type', raw: 'text/plain; charset=euc-kr' },
    ]);

    expect(charset).toBe('euc-kr');
  });
});
