import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import encodingJapanese from 'encoding-japanese';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import japaneseAdapter from '../../../lambda/bundle-shims/encoding-japanese.js';
import adapter from '../../../lambda/bundle-shims/iconv-lite.js';
import {
  renderSingleByteTables,
  SINGLE_BYTE_CHARSETS,
} from '../../../scripts/single-byte-charsets.js';
import { PROJECT_DIR } from '../../helpers/aws/infra.js';

/** Text in each multi-byte charset, as mail in that language would carry it. */
const SAMPLES: ReadonlyArray<readonly [charset: string, text: string]> = [
  ['GBK', '您好，这是一封测试邮件：会议改到星期三下午三点。'],
  ['gb18030', '您好，这是一封测试邮件 😀 𠀀'],
  ['Big5', '您好，這是一封測試郵件：會議改到星期三下午三點。'],
  ['Shift_JIS', 'こんにちは、テスト用のメールです。ｶﾀｶﾅも①含みます。'],
  ['EUC-JP', 'こんにちは、テスト用のメールです。会議は水曜日です。'],
  ['EUC-KR', '안녕하세요, 테스트 메일입니다. 똠방각하 샾 뷁'],
  ['UTF-16LE', 'Grüße, 你好 😀'],
  ['UTF-16BE', 'Grüße, 你好 😀'],
];

/** Every way of cutting `bytes` in two. */
const splits = (bytes: Buffer): Buffer[][] =>
  Array.from({ length: bytes.length + 1 }, (_, at) => [bytes.subarray(0, at), bytes.subarray(at)]);

const streamed = (charset: string, chunks: readonly Buffer[]): string => {
  const decoder = adapter.getDecoder(charset);
  return chunks.map((chunk) => decoder.write(chunk)).join('') + decoder.end();
};

const hex = (text: string): string[] =>
  [...text].map((char) => (char.codePointAt(0) ?? 0).toString(16));

describe('charset decoding in the Lambda bundle (lambda/bundle-shims, in place of iconv-lite)', () => {
  it('decodes every byte of every single-byte charset as iconv-lite does', () => {
    // Prepare
    const everyByte = Buffer.from(Array.from({ length: 256 }, (_, byte) => byte));

    for (const charset of SINGLE_BYTE_CHARSETS) {
      // Act
      const decoded = adapter.decode(everyByte, charset);

      // Assess
      expect(hex(decoded), charset).toEqual(hex(iconv.decode(everyByte, charset)));
    }
  });

  it('has the single-byte tables iconv-lite gives (run `npm run charsets` after upgrading it)', () => {
    // Assess
    const committed = readFileSync(
      join(PROJECT_DIR, 'lambda/bundle-shims/single-byte-tables.ts'),
      'utf8',
    );
    expect(committed).toBe(renderSingleByteTables());
  });

  it('decodes EUC-KR as CP949, like iconv-lite, for every two-byte sequence', () => {
    // Prepare: every lead and trail byte, valid or not (Hangul beyond KS X 1001 included)
    const pairs = Buffer.alloc(256 * 256 * 2);
    for (let code = 0; code < 0x10000; code += 1) pairs.writeUInt16BE(code, code * 2);

    for (let lead = 0x80; lead <= 0xff; lead += 1) {
      const block = pairs.subarray(lead * 512, lead * 512 + 512);

      // Act, Assess: pair by pair, so that a difference names its bytes
      for (let at = 0; at < block.length; at += 2) {
        const pair = block.subarray(at, at + 2);
        expect(adapter.decode(pair, 'EUC-KR'), pair.toString('hex')).toBe(
          iconv.decode(pair, 'EUC-KR'),
        );
      }
    }
  });

  it.each(SAMPLES)('decodes %s text as iconv-lite does, however it is split', (charset, text) => {
    // Prepare
    const bytes = iconv.encode(text, charset);
    expect(iconv.decode(bytes, charset)).toBe(text);

    // Act
    const whole = adapter.decode(bytes, charset);
    const pieces = splits(bytes).map((chunks) => streamed(charset, chunks));
    const byteByByte = streamed(
      charset,
      [...bytes].map((byte) => Buffer.of(byte)),
    );

    // Assess
    expect(whole).toBe(text);
    expect(new Set(pieces)).toEqual(new Set([text]));
    expect(byteByByte).toBe(text);
  });

  it('reads the byte order of UTF-16 from a BOM, else from the text, as iconv-lite does', () => {
    // Prepare
    const text = 'Hello, wörld: 你好';
    const inputs = [
      Buffer.concat([Buffer.of(0xfe, 0xff), iconv.encode(text, 'utf-16be')]),
      Buffer.concat([Buffer.of(0xff, 0xfe), iconv.encode(text, 'utf-16le')]),
      iconv.encode(text, 'utf-16be'),
      iconv.encode(text, 'utf-16le'),
    ];

    for (const input of inputs) {
      // Act
      const decoded = [adapter.decode(input, 'UTF-16'), streamed('UTF-16', splits(input)[7] ?? [])];

      // Assess
      expect(decoded).toEqual([iconv.decode(input, 'UTF-16'), iconv.decode(input, 'UTF-16')]);
      expect(decoded[0]).toBe(text);
    }
  });

  it('decodes ISO-2022-JP and EUCJP names as encoding-japanese does', () => {
    // Prepare
    const text = 'こんにちは、テスト用のメールです。会議は水曜日です。';
    const jis = Buffer.from(encodingJapanese.convert(text, { to: 'JIS', from: 'UNICODE' }));
    const eucjp = iconv.encode(text, 'EUC-JP');
    const options = { to: 'UNICODE', type: 'string' } as const;

    // Act
    const decoded = [
      japaneseAdapter.convert(jis, { ...options, from: 'ISO-2022-JP' }),
      japaneseAdapter.convert(jis, { ...options, from: 'JIS' }),
      japaneseAdapter.convert(eucjp, { ...options, from: 'EUCJP-MS' }),
    ];

    // Assess
    expect(decoded).toEqual([
      encodingJapanese.convert(jis, { ...options, from: 'ISO-2022-JP' }),
      encodingJapanese.convert(jis, { ...options, from: 'JIS' }),
      encodingJapanese.convert(eucjp, { ...options, from: 'EUCJP-MS' }),
    ]);
    expect(decoded[0]).toBe(text);
  });

  it('knows UTF-7, base64, hex and UTF-32 by name only, as libmime needs, and decodes none of them', () => {
    // Act
    const codecs = ['UTF-7', 'unicode-1-1-utf-7', 'utf7imap', 'base64', 'hex', 'UTF-32'].map(
      (name) => adapter.getCodec(name),
    );

    // Assess
    expect(codecs[0]).toBe(codecs[1]);
    for (const name of ['UTF-7', 'base64', 'hex', 'UTF-32']) {
      expect(adapter.encodingExists(name)).toBe(false);
      expect(() => adapter.decode(Buffer.from('text'), name)).toThrow();
    }
  });

  it('gives one codec per charset, whatever alias names it', () => {
    // Assess
    expect(adapter.getCodec('GB2312')).toBe(adapter.getCodec('gbk'));
    expect(adapter.getCodec('ks_c_5601-1987')).toBe(adapter.getCodec('EUC-KR'));
    expect(adapter.getCodec('GBK').decoder).not.toBe(adapter.getCodec('Big5').decoder);
  });

  it('does not know a charset it cannot decode', () => {
    // Assess
    expect(adapter.encodingExists('x-no-such-charset')).toBe(false);
    expect(adapter.encodingExists('CP437')).toBe(false);
    expect(() => adapter.getCodec('x-no-such-charset')).toThrow(/not recognized/);
  });

  it('offers everything libmime calls on iconv-lite and encoding-japanese', () => {
    // Prepare
    const source = readFileSync(
      join(PROJECT_DIR, 'node_modules/libmime/dist/cjs/charset.js'),
      'utf8',
    );
    const called = (module: string) =>
      [
        ...new Set(
          [...source.matchAll(new RegExp(`${module}\\.default\\.(\\w+)`, 'g'))].map((m) => m[1]),
        ),
      ].sort();

    // Assess
    expect(called('iconv_lite_1')).toEqual(Object.keys(adapter).sort());
    expect(called('encoding_japanese_1')).toEqual(Object.keys(japaneseAdapter));
  });
});
