import { describe, expect, it } from 'vitest';
import type { BodyFacts, MessageMeta } from '../../../lambda/mail/message-meta.js';
import type { Condition } from '../../../lambda/rules/condition-schema.js';
import { conditionMatches, matchContext } from '../../../lambda/rules/match.js';
import { ownerKeys } from '../../../lambda/rules/owner.js';
import { metaOf, personal, rulesFrom } from '../../helpers/mail/mail.js';

const when = (yaml: string): Condition => {
  const [rule] = rulesFrom(`- { name: t, when: ${yaml}, then: [stop] }`);
  if (!rule?.when) throw new Error('no condition');
  return rule.when;
};

const ME = ownerKeys({ address: 'alice@example.test', aliases: ['alice@old.example'] });

const BODY: BodyFacts = {
  text: 'Dear Alice,\nplease pay Invoice No. 4711 by Friday.\n',
  hasAttachment: true,
  attachmentCount: 1,
};

const check = (yaml: string, meta: MessageMeta, body: BodyFacts | null = BODY): boolean =>
  conditionMatches(when(yaml), matchContext(meta, body ?? undefined, ME));

const base = metaOf(
  personal(
    'Cc: "Bob, Jr." <bob@example.test>, dave@partner.example',
    'X-Spam-Flag: NO',
    'X-Mailer: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= Mail 2.0',
  ),
  3_000_000,
);

describe('conditionMatches: each condition', () => {
  it.each([
    // address conditions match the address, glob by default, any of a list
    ['{ from: "*@partner.example" }', true],
    ['{ from: "*@PARTNER.example" }', true],
    ['{ from: "carol@*" }', true],
    ['{ from: "*@boss.example" }', false],
    ['{ from: "Carol <*" }', false],
    ['{ from: [ "*@boss.example", "*@partner.example" ] }', true],
    ['{ from: { is: Carol@Partner.Example } }', true],
    ['{ from: { contains: "@partner" } }', true],
    ['{ from: { regex: "^c.+@partner\\\\.example$" } }', true],
    ['{ to: "alice@example.test" }', true],
    ['{ to: "bob@*" }', false],
    ['{ cc: "bob@*" }', true],
    ['{ cc: "dave@partner.example" }', true],
    ['{ cc: "alice@*" }', false],
    // subject
    ['{ subject: "Lunch*" }', true],
    ['{ subject: "lunch" }', false],
    ['{ subject: { is: "lunch on friday?" } }', true],
    ['{ subject: { contains: FRIDAY } }', true],
    ['{ subject: { regex: "fri(day)?\\\\?$" } }', true],
    ['{ subject: { regex: "^friday", flags: "" } }', false],
    // header: decoded values, any occurrence; exists
    ['{ header: { name: X-Spam-Flag, value: "no" } }', true],
    ['{ header: { name: x-spam-flag, value: "yes" } }', false],
    ['{ header: { name: X-Mailer, value: { contains: "grüße" } } }', true],
    ['{ header: { name: List-Id, exists: true } }', false],
    ['{ header: { name: List-Id, exists: false } }', true],
    ['{ header: { name: Message-ID, exists: true } }', true],
    // size (the message is 3,000,000 bytes)
    ['{ size: { over: 2MB } }', true],
    ['{ size: { over: 3MB } }', false],
    ['{ size: { under: 5MB } }', true],
    ['{ size: { over: 1MB, under: 2MB } }', false],
    // body and attachments
    ['{ body: "*invoice no. 4711*" }', true],
    ['{ body: { contains: "4711" } }', true],
    ['{ body: { regex: "invoice\\\\s+no\\\\.?\\\\s*\\\\d+" } }', true],
    ['{ body: { is: "dear alice" } }', false],
    ['{ hasAttachment: true }', true],
    ['{ hasAttachment: false }', false],
    // traits of an ordinary personal message
    ['{ isList: false }', true],
    ['{ isAutoReply: false }', true],
    ['{ sentToMe: true }', true],
    ['{ sentToMe: false }', false],
  ])('%s → %s', (yaml, expected) => {
    expect(check(yaml, base)).toBe(expected);
  });

  it.each([
    ['List-Id header', ['List-Id: <news.shop.example>'], true],
    ['List-Unsubscribe header', ['List-Unsubscribe: <mailto:leave@shop.example>'], true],
    ['Precedence: bulk', ['Precedence: bulk'], true],
    ['Precedence: list', ['Precedence: list'], true],
    ['Precedence: junk', ['Precedence: junk'], false],
    ['no list header', [], false],
  ])('isList is true for %s: %s', (_, headers, expected) => {
    expect(check('{ isList: true }', metaOf(personal(...headers)))).toBe(expected);
  });

  it.each([
    ['Auto-Submitted: auto-replied', personal('Auto-Submitted: auto-replied'), true],
    ['Auto-Submitted: auto-generated', personal('Auto-Submitted: Auto-Generated (cron)'), true],
    ['Auto-Submitted: no', personal('Auto-Submitted: no'), false],
    ['X-Auto-Response-Suppress', personal('X-Auto-Response-Suppress: All'), true],
    ['X-Autoreply', personal('X-Autoreply: yes'), true],
    ['Precedence: junk', personal('Precedence: junk'), true],
    [
      'a delivery report',
      personal('Content-Type: multipart/report; report-type=delivery-status; boundary=x'),
      true,
    ],
    [
      'MAILER-DAEMON',
      ['From: Mail Delivery System <MAILER-DAEMON@mx.example>', 'To: alice@example.test'],
      true,
    ],
    ['the null sender', ['Return-Path: <>', 'From: x@y.example'], true],
    ['a personal message', personal(), false],
    ['list mail', personal('List-Id: <l.example>', 'Precedence: bulk'), false],
  ])('isAutoReply is true for %s: %s', (_, headers, expected) => {
    expect(check('{ isAutoReply: true }', metaOf(headers))).toBe(expected);
  });

  it.each([
    ['in To', ['To: alice@example.test'], true],
    ['in Cc', ['To: x@y.example', 'Cc: Alice <ALICE@example.test>'], true],
    ['in Resent-To', ['To: x@y.example', 'Resent-To: alice@example.test'], true],
    ['an alias', ['To: alice@old.example'], true],
    ['plus-addressed', ['To: alice+lists@example.test'], true],
    ['only in Bcc', ['To: x@y.example', 'Bcc: alice@example.test'], false],
    ['absent', ['To: x@y.example'], false],
    ['a look-alike', ['To: alice@example.test.evil'], false],
  ])('sentToMe for an owner address %s', (_, headers, expected) => {
    expect(check('{ sentToMe: true }', metaOf(['From: c@d.example', ...headers]))).toBe(expected);
  });
});

describe('conditionMatches: composition', () => {
  it.each([
    ['several keys are all required', '{ from: "*@partner.example", subject: "lunch*" }', true],
    [
      'one failing key fails the object',
      '{ from: "*@partner.example", subject: "dinner*" }',
      false,
    ],
    ['all', '{ all: [ { from: "carol@*" }, { sentToMe: true } ] }', true],
    ['all with one false', '{ all: [ { from: "carol@*" }, { isList: true } ] }', false],
    ['any', '{ any: [ { from: "*@boss.example" }, { subject: "*friday*" } ] }', true],
    ['any with none true', '{ any: [ { from: "*@boss.example" }, { isList: true } ] }', false],
    ['not', '{ not: { isList: true } }', true],
    ['not not', '{ not: { not: { isList: true } } }', false],
    [
      'nested any inside all inside not',
      '{ not: { all: [ { sentToMe: true }, { any: [ { isList: true }, { size: { over: 10MB } } ] } ] } }',
      true,
    ],
    [
      'all beside a key',
      '{ from: "carol@*", all: [ { subject: "*lunch*" }, { not: { header: { name: List-Id, exists: true } } } ] }',
      true,
    ],
  ])('%s', (_, yaml, expected) => {
    expect(check(yaml, base)).toBe(expected);
  });
});

describe('conditionMatches: hostile values', () => {
  it('matches a header only on its first 8 KiB', () => {
    // Prepare: the marker sits past the cap
    const long = `${'a'.repeat(10_000)}MARKER`;
    const meta = metaOf(personal(`X-Long: ${long}`));

    // Act
    const found = check('{ header: { name: X-Long, value: { contains: marker } } }', meta);

    // Assess
    expect(found).toBe(false);
  });

  it('an address condition does not match a message without that field', () => {
    const meta = metaOf(['Subject: no addresses at all']);

    expect(check('{ from: "*" }', meta)).toBe(false);
    expect(check('{ not: { from: "*@boss.example" } }', meta)).toBe(true);
  });

  it('a body condition without body facts is false, never an error', () => {
    expect(check('{ body: "*" }', base, null)).toBe(false);
    expect(check('{ hasAttachment: false }', base, null)).toBe(false);
  });
});
