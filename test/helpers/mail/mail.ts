import { parse } from 'yaml';
import type { MessageMeta } from '../../../lambda/mail/message-meta.js';
import { parseHeaderBlock } from '../../../lambda/mail/parse-headers.js';
import { type RuleConfig, rulesSchema } from '../../../lambda/rules/rule-schema.js';

/** A raw message from header lines and a body, CRLF line ends. */
export const rawMessage = (headers: readonly string[], body = 'Hello.\r\n'): Buffer =>
  Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body}`);

/** MessageMeta as the engine builds it: parsed headers plus archive facts. */
export const metaOf = (headers: readonly string[], size = 2048): MessageMeta => ({
  ...parseHeaderBlock(rawMessage(headers)),
  uidl: 'uidl-1',
  key: 'raw/uidl-1.eml',
  size,
  sha256: '0'.repeat(64),
  archivedAt: '2026-11-26T12:00:00.000Z',
});

/** An ordinary personal message to alice@example.test; extra lines are added after. */
export const personal = (...extra: string[]): string[] => [
  'Return-Path: <carol@partner.example>',
  'From: Carol <carol@partner.example>',
  'To: Alice <alice@example.test>',
  'Subject: Lunch on Friday?',
  'Date: Thu, 26 Nov 2026 10:00:00 +0000',
  'Message-ID: <lunch-1@partner.example>',
  ...extra,
];

/** Rules from YAML, as the config file writes them. */
export const rulesFrom = (yaml: string): RuleConfig[] => rulesSchema.parse(parse(yaml));
