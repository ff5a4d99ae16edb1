import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import iconv from 'iconv-lite';
import libmime from 'libmime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_ALIASES, CREATE_REQUIRE_BANNER } from '../../../infra/mail-forwarder.js';
import { PROJECT_DIR } from '../../helpers/aws/infra.js';

type Libmime = typeof libmime;

/** An encoded word (RFC 2047, B encoding) of `text` in `charset`, bytes made by iconv-lite. */
const word = (charset: string, text: string, encodeAs = charset): string =>
  `=?${charset}?B?${iconv.encode(text, encodeAs).toString('base64')}?=`;

const HEADERS: readonly string[] = [
  word('iso-8859-1', 'Grüße – € ‚quoted‘', 'windows-1252'),
  word('ISO-8859-2', 'Zażółć gęślą jaźń'),
  word('KOI8-R', 'Привет, мир'),
  word('windows-1251', 'Счёт на оплату'),
  word('gb2312', '会议通知', 'gbk'),
  word('Big5', '會議通知'),
  word('Shift_JIS', '会議のお知らせ'),
  word('ks_c_5601-1987', '회의 안내 똠방각하', 'cp949'),
  `=?ISO-2022-JP?B?${Buffer.from('\x1b$B2q5D\x1b(B', 'latin1').toString('base64')}?=`,
  // unknown or refused charsets: read as UTF-8
  `=?x-no-such-charset?B?${Buffer.from('plain ünïcode').toString('base64')}?=`,
  '=?utf-7?Q?+ADw-script+AD4-?=',
];

const BODIES: ReadonlyArray<readonly [charset: string, text: string]> = [
  ['windows-1252', 'Grüße aus Köln – das kostet 5 €.\r\n'.repeat(20)],
  ['GBK', '您好，这是一封测试邮件。\r\n'.repeat(20)],
  ['EUC-KR', '안녕하세요, 똠방각하 뷁.\r\n'.repeat(20)],
  ['Shift_JIS', 'こんにちは、ﾃｽﾄです。\r\n'.repeat(20)],
  ['UTF-16', '\ufeffHello, wörld\r\n'.repeat(20)],
];

const decodeStream = async (lib: Libmime, charset: string, bytes: Buffer, chunk: number) => {
  const stream = lib.createDecodeStream(charset);
  const out: Buffer[] = [];
  stream.on('data', (data: Buffer) => out.push(data));
  const done = new Promise((resolve, reject) => stream.on('end', resolve).on('error', reject));
  for (let at = 0; at < bytes.length; at += chunk) stream.write(bytes.subarray(at, at + chunk));
  stream.end();
  await done;
  return { text: Buffer.concat(out).toString('utf8'), supported: stream.supported };
};

describe('libmime as the Lambda bundles it, over lambda/bundle-shims', () => {
  let dir: string;
  let bundled: Libmime;
  let inputs: string[];

  beforeAll(async () => {
    // Prepare: libmime bundled with the Lambda's aliases and banner
    dir = await mkdtemp(join(tmpdir(), 'popfwd-libmime-'));
    const outfile = join(dir, 'libmime.mjs');
    const result = await build({
      stdin: { contents: "export { default } from 'libmime';", resolveDir: PROJECT_DIR },
      absWorkingDir: PROJECT_DIR,
      bundle: true,
      platform: 'node',
      format: 'esm',
      mainFields: ['module', 'main'],
      banner: { js: CREATE_REQUIRE_BANNER },
      alias: BUNDLE_ALIASES,
      outfile,
      metafile: true,
      logLevel: 'silent',
    });
    inputs = Object.keys((result.metafile as Metafile).inputs);
    bundled = ((await import(pathToFileURL(outfile).href)) as { default: Libmime }).default;
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('contains neither iconv-lite nor encoding-japanese', () => {
    // Assess
    expect(
      inputs.filter((input) => /node_modules\/(iconv-lite|encoding-japanese)\//.test(input)),
    ).toEqual([]);
    expect(inputs).toContain('lambda/bundle-shims/iconv-lite.ts');
  });

  it.each(HEADERS)('decodes the header %s as libmime with iconv-lite does', (header) => {
    // Act
    const decoded = bundled.decodeWords(header);

    // Assess
    expect(decoded).toBe(libmime.decodeWords(header));
    expect(decoded).not.toContain('\ufffd');
  });

  it.each(BODIES)(
    'decodes a %s body as a stream, in any chunk size, as libmime with iconv-lite does',
    async (charset, text) => {
      // Prepare
      const bytes = iconv.encode(text, charset);

      for (const chunk of [1, 3, 7, 64, bytes.length]) {
        // Act
        const [ours, theirs] = await Promise.all([
          decodeStream(bundled, charset, bytes, chunk),
          decodeStream(libmime, charset, bytes, chunk),
        ]);

        // Assess
        expect(ours, `chunks of ${chunk}`).toEqual(theirs);
        expect(ours.text.replace(/^\ufeff/, '')).toBe(text.replace(/^\ufeff/, ''));
      }
    },
  );

  it('reads UTF-32 and the DOS code pages, which TextDecoder lacks, as UTF-8: the fallback for an unknown charset', () => {
    // Prepare
    const utf8 = Buffer.from('plain ünïcode').toString('base64');

    // Act
    const decoded = ['utf-32', 'cp437'].map((charset) =>
      bundled.decodeWords(`=?${charset}?B?${utf8}?=`),
    );

    // Assess
    expect(decoded).toEqual(['plain ünïcode', 'plain ünïcode']);
    expect(libmime.decodeWords(`=?x-no-such-charset?B?${utf8}?=`)).toBe('plain ünïcode');
  });

  it('reads a body in a charset it cannot decode as UTF-8 and says so, as libmime does for an unknown one', async () => {
    // Prepare
    const bytes = Buffer.from('plain text, ünïcode\r\n');

    // Act
    const result = await decodeStream(bundled, 'x-no-such-charset', bytes, 5);

    // Assess
    expect(result).toEqual({ text: bytes.toString('utf8'), supported: false });
    expect(result).toEqual(await decodeStream(libmime, 'x-no-such-charset', bytes, 5));
  });
});
