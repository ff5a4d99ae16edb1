import { carriesOurLoopMarker } from '../compose/loop-header.js';
import { ownMessageKind } from '../compose/own-message-id.js';
import type { MessageMeta } from '../mail/message-meta.js';
import { headerValues, hopLimitReason } from './message-traits.js';

/**
 * Whether sending anything for this message would feed a mail loop, and why. The X-Popfwd-Loop
 * marker says it first; a relay may strip it, so the ids popfwd gives its own mail are the second
 * witness: a forward of ours named in References / In-Reply-To (a forward of our forward) or in
 * Resent-Message-ID (a redirect of our redirect), or our own Message-ID (our mail itself came
 * back). A person answering our vacation reply names a reply id, not a forward id: no loop.
 * Last, too many Received fields.
 */
const MSG_ID = /<[^<>\s]+>/g;

const ownForward = (ids: readonly string[], mailbox: string): string | undefined =>
  ids.find((id) => ownMessageKind(id, mailbox) === 'forward');

const ownIdReason = (meta: MessageMeta, mailbox: string): string | null => {
  if (meta.messageId && ownMessageKind(meta.messageId, mailbox) !== null)
    return `it is mail this mailbox sent (Message-ID ${meta.messageId}) that came back`;
  const threaded = ownForward(
    [...(meta.inReplyTo ? [meta.inReplyTo] : []), ...meta.references],
    mailbox,
  );
  if (threaded)
    return `it carries ${threaded}, the id of a forward this mailbox sent, in References: a forward came back`;
  const resent = ownForward(
    headerValues(meta, 'resent-message-id').flatMap((value) => value.match(MSG_ID) ?? []),
    mailbox,
  );
  return resent
    ? `it carries ${resent}, the id of a redirect this mailbox sent, in Resent-Message-ID: a redirect came back`
    : null;
};

export const loopReason = (meta: MessageMeta, mailbox: string): string | null => {
  if (carriesOurLoopMarker(meta, mailbox))
    return `it carries this mailbox's own X-Popfwd-Loop marker (${mailbox}): popfwd sent it, sending again would loop`;
  const own = ownIdReason(meta, mailbox);
  if (own) return `${own}; sending again would loop`;
  return hopLimitReason(meta);
};
