import { createHash } from 'node:crypto';

/**
 * The Message-ID of everything popfwd sends: deterministic per (message, action), so a resend
 * after a crash carries the same id, and recognisable as this mailbox's own. A relay may strip
 * X-Popfwd-Loop, but ids travel on: forwards carry the original's in References, redirects keep
 * ours in Resent-Message-ID. So when our own forward id comes back, the message is circling.
 *
 *   <popfwd.{24 hex: the action}.{f|r}{8 hex: the mailbox}@{the mailbox's domain}>
 *
 * (Short enough that `Message-ID: <…>` stays on one header line for the usual domains.)
 *
 * `f` marks a forward or redirect, `r` a reply or vacation reply: a person answering our
 * vacation reply quotes its id in In-Reply-To, and that is no loop.
 */
export type OwnMessageKind = 'forward' | 'reply';

const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Eight hex digits of the mailbox address: tells our ids from other popfwd mailboxes' on one domain. */
const mailboxTag = (mailbox: string): string =>
  sha256Hex(`popfwd-mailbox\n${mailbox.trim().toLowerCase()}`).slice(0, 8);

const domainOf = (mailbox: string): string => mailbox.split('@')[1] ?? 'popfwd.invalid';

/** The Message-ID of one action's mail; `actionId` like `forward:0.1`, `reply:2.0`, `vacation:global`. */
export const actionMessageId = (mailbox: string, id: string, actionId: string): string => {
  const digest = sha256Hex(`${mailbox}\n${id}\n${actionId}`).slice(0, 24);
  const kind = actionId.startsWith('forward:') ? 'f' : 'r';
  return `<popfwd.${digest}.${kind}${mailboxTag(mailbox)}@${domainOf(mailbox)}>`;
};

const OWN_ID = /^<?popfwd\.[0-9a-f]{24}\.([fr])([0-9a-f]{8})@([^<>\s]+?)>?$/i;

/** Whether `id` is one this mailbox sent, and for what; null for anyone else's. */
export const ownMessageKind = (id: string, mailbox: string): OwnMessageKind | null => {
  const match = OWN_ID.exec(id.trim());
  if (!match) return null;
  const [, kind, tag, domain] = match;
  if (tag?.toLowerCase() !== mailboxTag(mailbox)) return null;
  if (domain?.toLowerCase() !== domainOf(mailbox).toLowerCase()) return null;
  return kind?.toLowerCase() === 'f' ? 'forward' : 'reply';
};

/**
 * Finds one of our own forward ids anywhere in a message's bytes, read chunk by chunk: in a
 * forwarded original that a relay attached to a new message of its own (fresh Message-ID, no
 * References), our id is still in the attached header. Looks for `.f{tag}@` (native search) and
 * checks the `popfwd.{24 hex}` before it; keeps only the few bytes a match could straddle.
 */
export interface OwnForwardScan {
  update(chunk: Buffer): void;
  /** The id found (without brackets and domain), or null. */
  found(): string | null;
}

const ID_HEAD = /^popfwd\.[0-9a-f]{24}$/i;
const HEAD_LENGTH = 'popfwd.'.length + 24;

export const createOwnForwardScan = (mailbox: string): OwnForwardScan => {
  const needle = Buffer.from(`.f${mailboxTag(mailbox)}@`, 'latin1');
  const keep = HEAD_LENGTH + needle.length - 1;
  let tail = Buffer.alloc(0);
  let hit: string | null = null;
  return {
    update(chunk) {
      if (hit !== null || chunk.length === 0) return;
      const bytes = tail.length > 0 ? Buffer.concat([tail, chunk]) : chunk;
      for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + 1)) {
        const head = at >= HEAD_LENGTH ? bytes.toString('latin1', at - HEAD_LENGTH, at) : '';
        if (ID_HEAD.test(head)) {
          hit = `${head}${needle.toString('latin1', 0, needle.length - 1)}`;
          return;
        }
      }
      tail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - keep)));
    },
    found: () => hit,
  };
};
