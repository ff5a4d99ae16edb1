import type { MailAddress, MessageMeta } from '../mail/message-meta.js';
import type { VacationConfig } from './vacation-config.js';

/** The mailbox owner's addresses: mail to any of them is mail to the owner. */
export interface Owner {
  readonly address: string;
  readonly aliases: readonly string[];
}

/** The owner as the config describes it: the mailbox, plus vacation.addresses as aliases. */
export const ownerFromConfig = (config: {
  readonly mailbox: { readonly address: string };
  readonly vacation?: Pick<VacationConfig, 'addresses'> | undefined;
}): Owner => ({
  address: config.mailbox.address,
  aliases: config.vacation?.addresses ?? [],
});

/**
 * Lower case, subaddress dropped: alice+news@example.com is alice@example.com (Outlook.com and
 * most providers deliver plus-addressed mail to the base mailbox).
 */
export const addressKey = (address: string): string => {
  const lower = address.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at <= 0) return lower;
  const plus = lower.indexOf('+');
  return plus > 0 && plus < at ? lower.slice(0, plus) + lower.slice(at) : lower;
};

export const addressKeys = (addresses: readonly string[]): ReadonlySet<string> =>
  new Set(addresses.filter(Boolean).map(addressKey));

export const ownerKeys = (owner: Owner, extra: readonly string[] = []): ReadonlySet<string> =>
  addressKeys([owner.address, ...owner.aliases, ...extra]);

const anyIn = (addresses: readonly MailAddress[], keys: ReadonlySet<string>): boolean =>
  addresses.some((entry) => entry.address && keys.has(addressKey(entry.address)));

/** One of `keys` in To, Cc or Resent-* (the `sentToMe` condition). */
export const sentTo = (meta: MessageMeta, keys: ReadonlySet<string>): boolean =>
  anyIn(meta.to, keys) || anyIn(meta.cc, keys) || anyIn(meta.resent, keys);

/** One of `keys` in To, Cc, Bcc or Resent-* (RFC 3834 §2, RFC 5230 §4.5). */
export const addressedTo = (meta: MessageMeta, keys: ReadonlySet<string>): boolean =>
  sentTo(meta, keys) || anyIn(meta.bcc, keys);
