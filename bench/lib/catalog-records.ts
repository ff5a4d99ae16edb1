/**
 * Message records as a real Outlook.com mailbox would have them: the header block of a message
 * delivered through Exchange Online carries about forty fields (Received chains, ARC, DKIM,
 * X-MS-Exchange-*, the anti-spam reports) — 5 to 7 KB of text, which `meta.headers` keeps whole.
 * The synthetic corpus alone has six short fields and would flatter any catalog format.
 */
import { createHash } from 'node:crypto';
import type { MessageRecord } from '../../lambda/engine/message-record.js';
import { parseHeaderBlock } from '../../lambda/mail/parse-headers.js';
import type { SeededRandom } from '../../test/helpers/mail/seeded-random.js';

const ADDRESS = 'bench@outlook.example';
const SENDERS = ['bob@example.org', 'news@lists.example.com', 'noreply@shop.example'];
const WORDS = 'invoice meeting report quarterly draft review schedule update team'.split(' ');

const hex = (random: SeededRandom, length: number): string =>
  random
    .bytes(Math.ceil(length / 2))
    .toString('hex')
    .slice(0, length);

const b64 = (random: SeededRandom, length: number): string =>
  random.bytes(length).toString('base64');

/** One Exchange Online style header block (CRLF, ends with the blank line). */
export const outlookHeaderBlock = (random: SeededRandom, index: number, time: number): string => {
  const date = new Date(time).toUTCString().replace('GMT', '+0000');
  const from = SENDERS[index % SENDERS.length] as string;
  const subject = Array.from({ length: 5 }, () => random.pick(WORDS)).join(' ');
  const id = hex(random, 24);
  const hop = (n: number) =>
    `Received: from AM${n}PR0${n}MB${1000 + n}.eurprd0${n}.prod.outlook.com (2603:10a6:20b:${n}::${hex(random, 4)})\r\n by AM${n + 1}PR0${n}MB${2000 + n}.eurprd0${n}.prod.outlook.com with Microsoft SMTP Server\r\n (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.${n}${index % 97}.${index % 31}; ${date}`;
  const fields = [
    `Return-Path: <${from}>`,
    ...[1, 2, 3, 4].map(hop),
    `Authentication-Results: spf=pass (sender IP is 192.0.2.${index % 250}) smtp.mailfrom=example.org; dkim=pass (signature was verified) header.d=example.org;dmarc=pass action=none header.from=example.org;compauth=pass reason=100`,
    `Received-SPF: Pass (protection.outlook.com: domain of example.org designates 192.0.2.${index % 250} as permitted sender) receiver=protection.outlook.com; client-ip=192.0.2.${index % 250}; helo=mail.example.org; pr=C`,
    `ARC-Seal: i=1; a=rsa-sha256; s=arcselector10001; d=microsoft.com; cv=none;\r\n b=${b64(random, 256).replace(/(.{70})/g, '$1\r\n ')}`,
    `ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=microsoft.com;\r\n s=arcselector10001; h=From:Date:Subject:Message-ID:Content-Type:MIME-Version:X-MS-Exchange-AntiSpam-MessageData-ChunkCount:X-MS-Exchange-AntiSpam-MessageData-0;\r\n bh=${b64(random, 32)};\r\n b=${b64(random, 256).replace(/(.{70})/g, '$1\r\n ')}`,
    'ARC-Authentication-Results: i=1; mx.microsoft.com 1; spf=pass smtp.mailfrom=example.org; dmarc=pass action=none header.from=example.org; dkim=pass header.d=example.org; arc=none',
    `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=s1;\r\n h=From:Subject:Date:Message-ID:To:MIME-Version:Content-Type; bh=${b64(random, 32)};\r\n b=${b64(random, 256).replace(/(.{70})/g, '$1\r\n ')}`,
    `From: "${from.split('@')[0]}" <${from}>`,
    `To: <${ADDRESS}>`,
    `Subject: ${subject} #${index}`,
    `Date: ${date}`,
    `Message-ID: <${id}@example.org>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset="utf-8"',
    'Content-Transfer-Encoding: 8bit',
    `X-MS-Exchange-Organization-ExpirationStartTime: ${new Date(time).toISOString()}`,
    'X-MS-Exchange-Organization-ExpirationInterval: 1:00:00:00.0000000',
    `X-MS-Exchange-Organization-Network-Message-Id: ${hex(random, 8)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 12)}`,
    'X-EOPAttributedMessage: 0',
    'X-MS-Exchange-Organization-MessageDirectionality: Incoming',
    `X-MS-PublicTrafficType: Email`,
    `X-MS-TrafficTypeDiagnostic: AM${index % 9}PEPF0000${hex(random, 5)}:EE_|DB${index % 9}PR03MB${hex(random, 4)}:EE_`,
    `X-MS-Office365-Filtering-Correlation-Id: ${hex(random, 8)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 12)}`,
    'X-MS-Exchange-Organization-SCL: 1',
    `X-Microsoft-Antispam: BCL:0;ARA:13230040|2040899013|5062899012|69100299015|8060799006|461199028|${index % 1000}`,
    `X-Forefront-Antispam-Report: CIP:192.0.2.${index % 250};CTRY:NL;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;H:mail.example.org;PTR:mail.example.org;CAT:NONE;SFS:(13230040)(2040899013)(5062899012)(69100299015)(8060799006)(461199028);DIR:INB;`,
    `X-MS-Exchange-CrossTenant-OriginalArrivalTime: ${date}`,
    `X-MS-Exchange-CrossTenant-Network-Message-Id: ${hex(random, 8)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 12)}`,
    'X-MS-Exchange-CrossTenant-Id: 84df9e7f-e9f6-40af-b435-aaaaaaaaaaaa',
    'X-MS-Exchange-CrossTenant-AuthSource: AM3PEPF0000A78F.eurprd04.prod.outlook.com',
    'X-MS-Exchange-CrossTenant-AuthAs: Anonymous',
    'X-MS-Exchange-CrossTenant-FromEntityHeader: Internet',
    `X-MS-Exchange-Transport-CrossTenantHeadersStamped: DB9PR03MB${hex(random, 4)}`,
    'X-MS-Exchange-Transport-EndToEndLatency: 00:00:01.2345678',
    'X-MS-Exchange-Processed-By-BccFoldering: 15.20.8989.000',
    `X-Microsoft-Antispam-Mailbox-Delivery: ucf:0;jmr:0;auth:0;dest:I;ENG:(910001)(944506478)(944626604)(920097)(930097)(140003);RF:JunkEmail;`,
    `X-Microsoft-Antispam-Message-Info: ${b64(random, 600).replace(/(.{76})/g, '$1\r\n ')}`,
  ];
  return `${fields.join('\r\n')}\r\n\r\n`;
};

/** The record popfwd would have written for message `index` (archive only, one tag on lists). */
export const benchRecord = (
  mailbox: { readonly idFor: (uidl: string) => string; readonly rawKey: (id: string) => string },
  random: SeededRandom,
  index: number,
  start: number,
): MessageRecord => {
  const time = start + index * 60_000;
  const header = Buffer.from(outlookHeaderBlock(random, index, time), 'utf8');
  const uidl = `AQMkADAwATZiZmYAZC0${index.toString(36).padStart(8, '0')}`;
  const id = mailbox.idFor(uidl);
  const tags = index % 3 === 0 ? ['lists'] : [];
  return {
    v: 1,
    id,
    meta: {
      uidl,
      key: mailbox.rawKey(id),
      size: header.length + 2_000 + (index % 50) * 400,
      sha256: createHash('sha256').update(header).update(String(index)).digest('hex'),
      archivedAt: new Date(time + 5_000).toISOString(),
      ...parseHeaderBlock(header),
    },
    rules: {
      status: 'evaluated',
      plan: {
        matched: tags.length ? [{ index: 0, name: 'lists' }] : [],
        actions: [],
        tags,
        server: 'default',
        discarded: false,
        notes: [],
      },
    },
    tags,
    actions: {},
    updatedAt: new Date(time + 5_000).toISOString(),
  };
};
