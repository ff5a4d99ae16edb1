import type { Readable } from 'node:stream';
import type { MailAddress, MessageMeta } from '../mail/message-meta.js';
import {
  foldedHeaderText,
  mailboxAddress,
  messageIdHeader,
  normalizedAddress,
} from './header-safety.js';

/** What every composer needs from the executor. */
export interface ComposeContext {
  /** The mailbox address: From and envelope sender of everything popfwd sends. */
  readonly mailbox: string;
  /** Deterministic per (message, action), so a resend after a crash carries the same id. */
  readonly messageId: string;
  readonly now: Date;
}

export interface ForwardContext extends ComposeContext {
  /** Opens the archived raw original; may be called more than once, each call a fresh stream. */
  readonly openOriginal: () => Promise<Readable>;
}

/** The context's values, validated once for header use. */
export interface SenderIdentity {
  readonly mailbox: string;
  readonly messageId: string;
  readonly date: Date;
}

export const senderIdentity = (context: ComposeContext): SenderIdentity => ({
  mailbox: mailboxAddress('From', context.mailbox),
  messageId: messageIdHeader('Message-ID', context.messageId),
  date: context.now,
});

/** A nodemailer address with a one-line display name, or null when the address is unusable. */
export const usableAddress = ({
  name,
  address,
}: MailAddress): { name: string; address: string } | null => {
  const normalized = normalizedAddress(address);
  return normalized === null ? null : { name: foldedHeaderText(name), address: normalized };
};

/**
 * Where replies to a forward should go: the original's Reply-To, else its From. Unusable
 * addresses from the (untrusted) original are dropped rather than failing the forward.
 */
export const replyTargets = (original: MessageMeta): { name: string; address: string }[] => {
  const pick = (addresses: readonly MailAddress[]) =>
    addresses.map(usableAddress).filter((address) => address !== null);
  const replyTo = pick(original.replyTo);
  return replyTo.length > 0 ? replyTo : pick(original.from);
};
