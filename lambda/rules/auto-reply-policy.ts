import { normalizedAddress } from '../compose/header-safety.js';
import type { MessageMeta } from '../mail/message-meta.js';
import {
  autoSubmittedReason,
  listReason,
  noReplyReason,
  precedenceReason,
  reportReason,
  suppressReason,
  systemAddressReason,
} from './message-traits.js';
import { addressedTo, addressKey } from './owner.js';

/**
 * When an automatic answer (a rule's `reply`, a vacation) must not go out: RFC 3834 §2, RFC 5230
 * §4.5–4.6 and every runtime check Dovecot Pigeonhole makes, in Pigeonhole's order, plus no-reply
 * senders and delivery reports. Pure: the once-per-sender `days` window needs durable state and
 * is the executor's.
 */
export type AutoReplyDecision =
  | { readonly send: true; readonly to: string }
  | { readonly send: false; readonly reason: string };

/**
 * Where an answer goes: the envelope sender (Return-Path), else Reply-To, else From. The first
 * field present decides: an empty address there (`<>`, a display name alone) means no answer,
 * never a fall-through to the next field. Only a mailbox popfwd could send to is usable.
 */
export const replyTarget = (meta: MessageMeta): AutoReplyDecision => {
  if (meta.returnPath === '') {
    return {
      send: false,
      reason: 'the envelope sender is empty (<>): bounces and automatic mail are never answered',
    };
  }
  const to = meta.returnPath ?? meta.replyTo[0]?.address ?? meta.from[0]?.address ?? '';
  if (!to) return { send: false, reason: 'the message names no sender to answer' };
  if (normalizedAddress(to) === null) {
    return { send: false, reason: `the sender address ${JSON.stringify(to)} is not usable` };
  }
  return { send: true, to };
};

const addressReason = (address: string): string | null =>
  systemAddressReason(address) ?? noReplyReason(address);

/**
 * `me`: address keys (see addressKey) of the owner, aliases and vacation.addresses. Answers with
 * the first reason not to reply, in words, or with the address to reply to.
 */
export const autoReplyDecision = (
  meta: MessageMeta,
  me: ReadonlySet<string>,
): AutoReplyDecision => {
  const target = replyTarget(meta);
  if (!target.send) return target;
  const from = meta.from[0]?.address ?? '';
  const reason =
    ([target.to, from].some((address) => address && me.has(addressKey(address)))
      ? 'it comes from your own address'
      : null) ??
    listReason(meta) ??
    autoSubmittedReason(meta) ??
    precedenceReason(meta, ['junk', 'bulk', 'list']) ??
    suppressReason(meta) ??
    addressReason(target.to) ??
    (from && from !== target.to ? addressReason(from) : null) ??
    reportReason(meta) ??
    (addressedTo(meta, me)
      ? null
      : 'it was not addressed to you (none of your addresses is in To, Cc, Bcc or Resent-*)');
  return reason ? { send: false, reason } : target;
};
