import type { MailAddress, MessageMeta } from '../mail/message-meta.js';
import { MAX_RECEIVED_HEADERS } from './limits.js';

/**
 * What a message's headers say about its nature: list mail, automatic mail, system senders.
 * Each check answers with the reason in words (for plan notes) or null.
 */
export const headerValues = (meta: MessageMeta, name: string): string[] =>
  meta.headers.filter((header) => header.name === name).map((header) => header.value);

/** The leading keyword of a value: `auto-replied (vacation)` → `auto-replied`. */
const keyword = (value: string): string => (value.trim().split(/[\s;(]/, 1)[0] ?? '').toLowerCase();

const LIST_HEADERS = [
  'list-id',
  'list-help',
  'list-subscribe',
  'list-unsubscribe',
  'list-post',
  'list-owner',
  'list-archive',
];

const displayName = (name: string): string =>
  name.replace(/(^|-)([a-z])/g, (_, dash: string, char: string) => dash + char.toUpperCase());

export const listReason = (meta: MessageMeta): string | null => {
  const list = meta.headers.find(
    (header) => LIST_HEADERS.includes(header.name) || header.name === 'mailing-list',
  );
  if (list) return `it came through a mailing list (${displayName(list.name)} header)`;
  return precedenceReason(meta, ['bulk', 'list']);
};

export const precedenceReason = (meta: MessageMeta, kinds: readonly string[]): string | null => {
  const value = headerValues(meta, 'precedence')
    .map(keyword)
    .find((kind) => kinds.includes(kind));
  return value ? `it is marked Precedence: ${value}` : null;
};

export const autoSubmittedReason = (meta: MessageMeta): string | null => {
  const value = headerValues(meta, 'auto-submitted').find((text) => keyword(text) !== 'no');
  return value === undefined
    ? null
    : `it is automatic mail (Auto-Submitted: ${keyword(value) || 'empty'})`;
};

const SUPPRESS_REPLIES = ['all', 'oof', 'autoreply'];

/** Exchange's X-Auto-Response-Suppress: All / OOF / AutoReply asks for no automatic reply. */
export const suppressReason = (meta: MessageMeta): string | null => {
  for (const value of headerValues(meta, 'x-auto-response-suppress')) {
    const asked = value
      .split(/[\s,]+/)
      .map((token) => token.toLowerCase())
      .find((token) => SUPPRESS_REPLIES.includes(token));
    if (asked)
      return `the sender asked for no automatic replies (X-Auto-Response-Suppress: ${value})`;
  }
  return null;
};

export const reportReason = (meta: MessageMeta): string | null =>
  meta.contentType === 'multipart/report'
    ? 'it is a delivery or read report (multipart/report)'
    : null;

const localPart = (address: string): string => {
  const at = address.lastIndexOf('@');
  return (at < 0 ? address : address.slice(0, at)).toLowerCase();
};

/** RFC 5230 §4.6's do-not-reply list: robots that answer mail, not people. */
export const systemAddressReason = (address: string): string | null => {
  const local = localPart(address);
  if (local === 'mailer-daemon') return `${address} is a mail system address (MAILER-DAEMON)`;
  if (local === 'listserv' || local === 'majordomo')
    return `${address} is a mailing-list robot (${local})`;
  if (local.startsWith('owner-') || local.includes('-request'))
    return `${address} is a mailing-list address (${local.startsWith('owner-') ? 'owner-*' : '*-request'})`;
  return null;
};

const NO_REPLY = ['noreply', 'donotreply', 'dontreply', 'donotrespond', 'noresponse'];

/** no-reply@, do_not_reply@, bounces+123@ …: nobody reads what is sent there. */
export const noReplyReason = (address: string): string | null => {
  const local = localPart(address).split('+', 1)[0] ?? '';
  const squashed = local.replace(/[._-]/g, '');
  if (NO_REPLY.some((word) => squashed.includes(word)))
    return `${address} does not accept replies (no-reply address)`;
  if (squashed === 'bounce' || squashed === 'bounces' || /^bounces?[._-]/.test(local))
    return `${address} is a bounce address`;
  return null;
};

const firstAddress = (addresses: readonly MailAddress[]): string => addresses[0]?.address ?? '';

/** The `isAutoReply` condition: automatic replies, reports and bounces (not lists). */
export const autoReplyReason = (meta: MessageMeta): string | null => {
  if (meta.returnPath === '') return 'it has the null sender <> (a bounce or report)';
  const from = firstAddress(meta.from);
  return (
    autoSubmittedReason(meta) ??
    (headerValues(meta, 'x-auto-response-suppress').length > 0
      ? 'it carries X-Auto-Response-Suppress (automatic mail)'
      : null) ??
    (['x-autoreply', 'x-autorespond'].some((name) => headerValues(meta, name).length > 0)
      ? 'it carries an X-Autoreply header'
      : null) ??
    precedenceReason(meta, ['junk']) ??
    reportReason(meta) ??
    (from && localPart(from) === 'mailer-daemon' ? `it comes from ${from}` : null)
  );
};

export const receivedCount = (meta: MessageMeta): number =>
  meta.headers.reduce((count, header) => count + (header.name === 'received' ? 1 : 0), 0);

/** Too many hops means the message is circling between forwarders. */
export const hopLimitReason = (meta: MessageMeta): string | null => {
  const hops = receivedCount(meta);
  return hops > MAX_RECEIVED_HEADERS
    ? `it has passed ${hops} mail servers (more than ${MAX_RECEIVED_HEADERS} Received headers): probably a mail loop`
    : null;
};
