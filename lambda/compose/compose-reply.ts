import type { Headers } from 'nodemailer';
import type { MessageMeta } from '../mail/message-meta.js';
import type { ReplyAction, VacationAction } from '../rules/plan.js';
import type { OutgoingMail } from '../smtp/mailer.js';
import { type ComposeContext, senderIdentity } from './compose-context.js';
import { headerText, mailboxAddress, normalizedMessageId } from './header-safety.js';
import { LOOP_HEADER, loopMarker } from './loop-header.js';

/**
 * Builds an automatic reply (RFC 3834 §3, RFC 5230 §5): one recipient, threaded to the original,
 * marked Auto-Submitted so other responders stay silent, and asking Exchange not to answer it
 * with its own auto-replies (X-Auto-Response-Suppress).
 */

/** References kept from the original: its first (the thread root) and the most recent ones. */
const MAX_REFERENCES = 20;

/** The original's References plus its Message-ID; ids that are not valid are dropped. */
export const replyReferences = (original: MessageMeta): string[] => {
  const ids = [...original.references, ...(original.messageId ? [original.messageId] : [])]
    .map(normalizedMessageId)
    .filter((id) => id !== null);
  const unique = [...new Set(ids)];
  if (unique.length <= MAX_REFERENCES) return unique;
  return [unique[0] as string, ...unique.slice(unique.length - (MAX_REFERENCES - 1))];
};

const autoSubmitted = (action: ReplyAction | VacationAction): string =>
  action.kind === 'vacation' ? 'auto-replied (vacation)' : 'auto-replied';

export const composeReply = (
  action: ReplyAction | VacationAction,
  original: MessageMeta,
  context: ComposeContext,
): OutgoingMail => {
  const sender = senderIdentity(context);
  const to = mailboxAddress('To', action.to);
  const headers: Headers = {
    [LOOP_HEADER]: loopMarker(sender.mailbox),
    'Auto-Submitted': autoSubmitted(action),
    'X-Auto-Response-Suppress': 'All',
    ...(action.kind === 'vacation' ? { Precedence: 'bulk' } : {}),
  };
  const inReplyTo = original.messageId === null ? null : normalizedMessageId(original.messageId);
  const references = replyReferences(original);
  return {
    from: sender.mailbox,
    to,
    subject: headerText('Subject', action.subject),
    messageId: sender.messageId,
    date: sender.date,
    ...(inReplyTo === null ? {} : { inReplyTo }),
    ...(references.length > 0 ? { references } : {}),
    headers,
    text: action.text,
    xMailer: false,
    // RFC 5230 §5 asks for the null sender `<>`; Outlook.com (like any submission server for an
    // authenticated account) refuses MAIL FROM:<>, so the mailbox is the envelope sender. DSN
    // NOTIFY=NEVER (where the server offers DSN) keeps a bounce of the reply from coming back.
    envelope: { from: sender.mailbox, to: [to] },
    dsn: { notify: 'NEVER' },
  };
};
