import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MailAddress } from '../../../lambda/mail/message-meta.js';
import { parseHeaderBlock } from '../../../lambda/mail/parse-headers.js';

/**
 * Real header blocks from the SpamAssassin public corpus (test/fixtures/meta/README.md) where
 * popfwd and Python's email package disagreed or popfwd once read them wrong: what popfwd reads
 * from each, pinned. docs/METADATA.md explains every case.
 */

const DIR = new URL('../../fixtures/meta/', import.meta.url);
const fixture = (name: string): Buffer => readFileSync(new URL(`${name}.eml`, DIR));

const only = (address: string, name = ''): MailAddress[] => [{ name, address }];

interface Expected {
  readonly from?: MailAddress[];
  readonly to?: MailAddress[];
  readonly subject?: string;
  readonly date?: string | null;
  readonly messageId?: string | null;
}

const CASES: ReadonlyArray<readonly [fixture: string, expected: Expected]> = [
  // Date: Windows zone names where the offset belongs
  ['date-eastern-daylight-time', { date: '2002-08-31T01:48:08.000Z' }],
  ['date-us-mountain-standard-time', { date: '2002-07-22T19:37:15.000Z' }],
  ['date-arabian-standard-time', { date: '2002-04-13T14:49:02.000Z' }],
  ['date-gmt-daylight-time', { date: '2002-05-28T00:25:09.000Z' }],
  // Date: broken offsets
  ['date-plus-minus-offset', { date: '2002-08-29T20:36:58.000Z' }],
  ['date-plus-minus-junk-continuation', { date: '2002-07-18T22:57:14.000Z' }],
  ['date-unsigned-offset', { date: '2002-08-02T18:07:59.000Z' }],
  ['date-offset-minus-1900', { date: '2002-08-23T11:44:26.000Z' }],
  ['date-five-digit-zone', { date: '2002-08-25T19:21:44.000Z' }],
  ['date-gmt-plus-1', { date: '2002-08-23T21:46:34.000Z' }],
  ['date-no-zone', { date: '1980-07-28T14:01:35.000Z' }],
  // Date: a valid date followed by a junk continuation line
  ['date-junk-continuation', { date: '2002-07-19T13:42:07.000Z' }],
  ['date-junk-continuation-no-zone', { date: '2002-07-18T21:16:12.000Z' }],
  // Date: 12-hour clocks and Y2K years
  ['date-pm', { date: '2001-06-28T22:05:15.000Z' }],
  ['date-12-am', { date: '2001-07-03T00:47:50.000Z' }],
  ['date-pm-with-zone', { date: '2002-08-06T22:50:21.000Z' }],
  ['date-year-0102', { date: '2002-08-22T04:07:35.000Z' }],
  // Raw 8-bit headers in the message's declared charset
  [
    '8bit-korean-declared',
    {
      from: only('master@ibd.pe.kr', '교육팀'),
      subject: '[광고] 요즘 뜨는 직종 Best 5 & 자격증 따기 열풍',
    },
  ],
  ['8bit-gb2312-declared', { subject: '黄山旅游天天发,南京特价宾馆任你选' }],
  [
    '8bit-big5-from-encoded-word-charset',
    {
      from: [
        { name: '', address: '好消息@dogma.slashnull.org' },
        { name: '', address: '你不看會後悔@dogma.slashnull.org' },
      ],
      subject: '不看會後悔',
    },
  ],
  ['8bit-chinesebig5-alias', { subject: '還在用20%的信用卡循環嗎??? Time:PM 05:36:34' }],
  [
    '8bit-turkish-declared',
    {
      from: only('mailservis@ttnet.net.tr', 'GREENCARD TÜRKİYE SERVİSİ'),
      subject: '[WM] GREEN CARD CEKİLİSİ  KACIRMAYIN',
    },
  ],
  ['8bit-pound-sign', { subject: 'Gambler wins £7,000 - and spends it all on horse shiat' }],
  // multipart at the top, no charset anywhere in the header: windows-1252 keeps every byte
  ['8bit-gb2312-multipart-undeclared', { subject: 'ÊÖ»ú¶ÌÐÅÏ¢°üÔÂ¿¨ºÍ¶ÌÐÅÏ¢Èº·¢Èí¼þ' }],
  // Encoded words
  ['encoded-word-iso-8859-1-trademark', { subject: 'Matrox Parhelia™ now available' }],
  ['encoded-word-glued', { from: only('dh@uptime.at', 'David Höhn') }],
  [
    'encoded-word-local-part',
    { from: only('"joko@rs.128.ne.jp"@FreeBSD.ORG'), subject: 'しじみともものコラボレーション' },
  ],
  // Addresses
  ['address-spaces-in-angle', { to: only('"Undisclosed Recipients"@netnoteinc.com') }],
  ['address-group-syntax-in-angle', { to: [] }],
  ['address-colon-in-local-part', { to: [] }],
  [
    'address-quoted-local-part-with-at',
    { from: only('"salestoner@bol.com.br"@dogma.slashnull.org') },
  ],
  ['address-empty-quoted-name', { from: [] }],
  ['address-comment-name', { from: only('harley@argote.ch', 'Robert Harley') }],
  ['address-dots-local-part', { to: only('....@dogma.slashnull.org') }],
  ['address-bare-name', { to: [{ name: 'Deal Shopper', address: '' }] }],
  ['address-two-at-signs', { to: [] }],
  // Message-ID as written
  ['message-id-colons', { messageId: '<Mail2L:2122738:fork@spamassassin.taint.org>' }],
  [
    'message-id-spaces',
    {
      messageId:
        '<0000233503cc$00004d81$000060c0@C:\\DocumentsandSettings\\Administrator\\Desktop\\Send\\domains2.txt>',
    },
  ],
];

describe('header metadata of real corpus messages (test/fixtures/meta)', () => {
  it.each(CASES)('reads %s', (name, expected) => {
    // Act
    const parsed = parseHeaderBlock(fixture(name));

    // Assess
    expect(parsed).toMatchObject(expected);
    expect(parsed.parseError).toBeUndefined();
  });

  it('has a case for every fixture file', () => {
    // Prepare
    const files = readdirSync(DIR)
      .filter((file) => file.endsWith('.eml'))
      .map((file) => file.slice(0, -'.eml'.length));

    // Assess
    expect(CASES.map(([name]) => name).sort()).toEqual(files.sort());
  });
});
