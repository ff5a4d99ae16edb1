import { describe, expect, it } from 'vitest';
import { autoReplyDecision, replyTarget } from '../../../lambda/rules/auto-reply-policy.js';
import { ownerKeys } from '../../../lambda/rules/owner.js';
import { metaOf } from '../../helpers/mail/mail.js';

const ME = ownerKeys({ address: 'alice@example.test', aliases: [] }, ['alice@work.example']);

/** A message to Alice from `from`, with extra header lines. */
const mail = (from: string, ...extra: string[]) =>
  metaOf([`From: ${from}`, 'To: Alice <alice@example.test>', 'Subject: Hello', ...extra]);

describe('autoReplyDecision', () => {
  it.each([
    [
      'the null sender <>',
      mail('x@y.example', 'Return-Path: <>'),
      /^the envelope sender is empty \(<>\)/,
    ],
    [
      'a garbled Return-Path',
      mail('x@y.example', 'Return-Path: <<<>>>'),
      /^the envelope sender is empty/,
    ],
    [
      'no sender at all',
      metaOf(['To: alice@example.test', 'Subject: x']),
      /^the message names no sender/,
    ],
    ['an unusable sender', mail('"just a name"'), /^the message names no sender/],
    ['your own address', mail('alice@example.test'), /^it comes from your own address$/],
    [
      'your own address, other case',
      mail('ALICE@Example.Test'),
      /^it comes from your own address$/,
    ],
    ['your own plus-address', mail('alice+test@example.test'), /^it comes from your own address$/],
    ['one of vacation.addresses', mail('alice@work.example'), /^it comes from your own address$/],
    [
      'your own envelope sender',
      mail('x@y.example', 'Return-Path: <alice@example.test>'),
      /own address/,
    ],
    [
      'List-Id',
      mail('x@y.example', 'List-Id: <l.example>'),
      /^it came through a mailing list \(List-Id header\)$/,
    ],
    ['List-Help', mail('x@y.example', 'List-Help: <mailto:h@l.example>'), /List-Help header/],
    [
      'List-Subscribe',
      mail('x@y.example', 'List-Subscribe: <mailto:s@l.example>'),
      /List-Subscribe header/,
    ],
    [
      'List-Unsubscribe',
      mail('x@y.example', 'List-Unsubscribe: <mailto:u@l.example>'),
      /List-Unsubscribe header/,
    ],
    ['List-Post', mail('x@y.example', 'List-Post: <mailto:l@l.example>'), /List-Post header/],
    ['List-Owner', mail('x@y.example', 'List-Owner: <mailto:o@l.example>'), /List-Owner header/],
    [
      'List-Archive',
      mail('x@y.example', 'List-Archive: <https://l.example>'),
      /List-Archive header/,
    ],
    [
      'Auto-Submitted: auto-replied',
      mail('x@y.example', 'Auto-Submitted: auto-replied'),
      /^it is automatic mail \(Auto-Submitted: auto-replied\)$/,
    ],
    [
      'Auto-Submitted: auto-generated',
      mail('x@y.example', 'Auto-Submitted: auto-generated'),
      /Auto-Submitted: auto-generated/,
    ],
    [
      'Auto-Submitted: auto-notified',
      mail('x@y.example', 'Auto-Submitted: auto-notified'),
      /Auto-Submitted: auto-notified/,
    ],
    [
      'Precedence: junk',
      mail('x@y.example', 'Precedence: junk'),
      /^it is marked Precedence: junk$/,
    ],
    [
      'Precedence: bulk',
      mail('x@y.example', 'Precedence: bulk'),
      /^it came through a mailing list|Precedence: bulk/,
    ],
    ['Precedence: list', mail('x@y.example', 'Precedence: list'), /Precedence: list/],
    [
      'X-Auto-Response-Suppress: All',
      mail('x@y.example', 'X-Auto-Response-Suppress: All'),
      /^the sender asked for no automatic replies \(X-Auto-Response-Suppress: All\)$/,
    ],
    [
      'X-Auto-Response-Suppress: OOF',
      mail('x@y.example', 'X-Auto-Response-Suppress: DR, OOF'),
      /X-Auto-Response-Suppress: DR, OOF/,
    ],
    [
      'X-Auto-Response-Suppress: AutoReply',
      mail('x@y.example', 'X-Auto-Response-Suppress: AutoReply'),
      /X-Auto-Response-Suppress/,
    ],
    [
      'MAILER-DAEMON',
      mail('MAILER-DAEMON@mx.example'),
      /is a mail system address \(MAILER-DAEMON\)$/,
    ],
    [
      'a bare MAILER-DAEMON',
      mail('MAILER-DAEMON'),
      /^the sender address "MAILER-DAEMON" is not usable$/,
    ],
    ['LISTSERV', mail('LISTSERV@lists.example'), /is a mailing-list robot \(listserv\)$/],
    ['majordomo', mail('majordomo@lists.example'), /is a mailing-list robot \(majordomo\)$/],
    ['owner-*', mail('owner-hikers@lists.example'), /is a mailing-list address \(owner-\*\)$/],
    [
      '*-request',
      mail('hikers-request@lists.example'),
      /is a mailing-list address \(\*-request\)$/,
    ],
    ['noreply', mail('noreply@service.example'), /does not accept replies \(no-reply address\)$/],
    ['no-reply', mail('No-Reply@service.example'), /no-reply address/],
    ['no_reply', mail('no_reply@service.example'), /no-reply address/],
    ['do-not-reply', mail('do-not-reply@service.example'), /no-reply address/],
    ['donotreply', mail('DoNotReply@service.example'), /no-reply address/],
    ['noreply with a tag', mail('noreply+abc@service.example'), /no-reply address/],
    [
      'a no-reply From behind a real Return-Path',
      mail('no-reply@shop.example', 'Return-Path: <mailer@esp.example>'),
      /no-reply@shop\.example does not accept replies/,
    ],
    ['a bounce address', mail('bounces+123@esp.example'), /is a bounce address$/],
    [
      'a delivery report',
      mail('postmaster@y.example', 'Content-Type: multipart/report; report-type=delivery-status'),
      /^it is a delivery or read report/,
    ],
    [
      'mail not addressed to you',
      metaOf(['From: x@y.example', 'To: team@y.example']),
      /^it was not addressed to you/,
    ],
    [
      'mail to you only by Bcc of someone else',
      metaOf(['From: x@y.example', 'To: a@y.example', 'Cc: b@y.example']),
      /not addressed to you/,
    ],
  ])('does not answer %s', (_, meta, reason) => {
    // Act
    const decision = autoReplyDecision(meta, ME);

    // Assess
    expect(decision.send).toBe(false);
    expect(decision.send ? '' : decision.reason).toMatch(reason);
  });

  it.each([
    ['an ordinary sender', mail('Carol <carol@partner.example>')],
    ['a sender whose name says noreply', mail('"noreply fan" <carol@partner.example>')],
    ['Auto-Submitted: no', mail('carol@partner.example', 'Auto-Submitted: no')],
    [
      'X-Auto-Response-Suppress without OOF',
      mail('carol@partner.example', 'X-Auto-Response-Suppress: DR, RN, NRN'),
    ],
    ['Precedence: first-class', mail('carol@partner.example', 'Precedence: first-class')],
    [
      'mail to you in Cc',
      metaOf(['From: carol@partner.example', 'To: x@y.example', 'Cc: alice@example.test']),
    ],
    [
      'mail to you in Bcc',
      metaOf(['From: carol@partner.example', 'To: x@y.example', 'Bcc: alice@example.test']),
    ],
    [
      'mail resent to you',
      metaOf(['From: carol@partner.example', 'To: x@y.example', 'Resent-To: alice@example.test']),
    ],
    [
      'mail to one of vacation.addresses',
      metaOf(['From: carol@partner.example', 'To: alice@work.example']),
    ],
    [
      'mail to your plus-address',
      metaOf(['From: carol@partner.example', 'To: alice+shop@example.test']),
    ],
    ['a requests@ sender (not *-request)', mail('requests@partner.example')],
  ])('answers %s', (_, meta) => {
    expect(autoReplyDecision(meta, ME)).toEqual({ send: true, to: expect.any(String) });
  });
});

describe('replyTarget', () => {
  it.each([
    [
      'the Return-Path first',
      ['Return-Path: <bounce@esp.example>', 'Reply-To: r@y.example', 'From: f@y.example'],
      'bounce@esp.example',
    ],
    ['else the Reply-To', ['Reply-To: Helpdesk <r@y.example>', 'From: f@y.example'], 'r@y.example'],
    ['else the From', ['From: Frank <f@y.example>'], 'f@y.example'],
    [
      'the topmost Return-Path when there are several',
      ['Return-Path: <final@y.example>', 'Return-Path: <older@y.example>', 'From: f@y.example'],
      'final@y.example',
    ],
  ])('sends to %s', (_, headers, to) => {
    expect(replyTarget(metaOf(headers))).toEqual({ send: true, to });
  });
});
