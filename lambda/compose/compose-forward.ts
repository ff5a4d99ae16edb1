import { pipeline, type Readable, Transform } from 'node:stream';
import type { Headers } from 'nodemailer';
import { PopfwdError } from '../errors.js';
import type { MessageMeta } from '../mail/message-meta.js';
import type { ForwardAction } from '../rules/plan.js';
import type { OutgoingMail } from '../smtp/mailer.js';
import { type BodyClass, createBodyClassifier } from './body-class.js';
import {
  type ForwardContext,
  replyTargets,
  type SenderIdentity,
  senderIdentity,
} from './compose-context.js';
import { replyReferences } from './compose-reply.js';
import {
  attachmentIntro,
  formatAddress,
  forwardSubject,
  prependToHtml,
  quotedHeaderHtml,
  quotedHeaderText,
  rfc5322Date,
} from './forward-text.js';
import { HeaderLineGuard } from './header-line-guard.js';
import { foldedHeaderText, mailboxAddress, normalizedAddress } from './header-safety.js';
import { extractInlineParts } from './inline-parts.js';
import { LOOP_HEADER, loopMarker, loopMarkersToCarry } from './loop-header.js';
import { archiveReadError, originalStream } from './original-stream.js';
import { createOwnForwardScan, type OwnForwardScan } from './own-message-id.js';

/**
 * Builds the message a forward rule sends. Outlook.com refuses a From other than the account
 * (SendAsDenied), so every mode sends From the mailbox; the original sender goes to Reply-To,
 * and the envelope sender is the mailbox too.
 */

/**
 * RFC 3834 §5 allows extension values; any value but "no" keeps conforming responders
 * (RFC 3834 §2, RFC 5230 §4.6) from answering the forward.
 */
const AUTO_FORWARDED = 'auto-forwarded';
const ATTACHED_NAME = 'original.eml';

const recipients = (action: ForwardAction): string[] => {
  if (action.to.length === 0) {
    throw new PopfwdError('EARGUMENT', 'a forward needs at least one recipient', {
      context: { action: action.id },
    });
  }
  return action.to.map((address) => mailboxAddress('To', address));
};

/** Headers, addresses and envelope shared by the attachment and inline modes. */
const forwardBase = (original: MessageMeta, sender: SenderIdentity, to: string[]): OutgoingMail => {
  const headers: Headers = {
    // The original's markers travel on, so a loop through two popfwd mailboxes is seen too.
    [LOOP_HEADER]: loopMarkersToCarry(original, sender.mailbox).filter(
      (marker) => normalizedAddress(marker) !== null,
    ),
    'Auto-Submitted': AUTO_FORWARDED,
  };
  const originalFrom = foldedHeaderText(original.from.map(formatAddress).join(', '));
  if (originalFrom !== '') headers['X-Original-From'] = originalFrom;
  const replyTo = replyTargets(original);
  // Threads the forward under the original; and when a forward comes back through a relay that
  // strips X-Popfwd-Loop, our own id in its References still shows the loop (own-message-id.ts).
  const references = replyReferences(original);
  return {
    from: sender.mailbox,
    to,
    ...(replyTo.length > 0 ? { replyTo } : {}),
    ...(references.length > 0 ? { references } : {}),
    subject: forwardSubject(original.subject),
    messageId: sender.messageId,
    date: sender.date,
    headers,
    xMailer: false,
    envelope: { from: sender.mailbox, to: [...to] },
  };
};

/**
 * A forward of a message that holds one of our own forwards (a relay attached it to a new message
 * of its own) would feed a loop: refused, with the reason. Plan-time checks cannot see this; the
 * archive is read here anyway.
 */
const refuseOwnForward = (scan: OwnForwardScan): void => {
  const found = scan.found();
  if (found === null) return;
  throw new PopfwdError(
    'ELOOP',
    `the original carries ${found}…, the id of a forward this mailbox sent: it came back, sending again would loop`,
    { retryable: false },
  );
};

/** One pass over the original: how SMTP can carry it, and whether it holds our own forward. */
const openForScan = async (context: ForwardContext): Promise<BodyClass> => {
  const classifier = createBodyClassifier();
  const scan = createOwnForwardScan(context.mailbox);
  try {
    for await (const chunk of await context.openOriginal()) {
      const bytes = chunk as Buffer;
      classifier.update(bytes);
      scan.update(bytes);
    }
  } catch (error) {
    throw archiveReadError(error);
  }
  refuseOwnForward(scan);
  return classifier.result();
};

/**
 * A pass-through that fails at the end of the original when it holds our own forward: streamed
 * modes (inline, redirect) then stop before anything is sent (an SMTP transaction whose content
 * fails never gets its final dot).
 */
const refusingOwnForward = (mailbox: string): Transform => {
  const scan = createOwnForwardScan(mailbox);
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      scan.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      try {
        refuseOwnForward(scan);
        done();
      } catch (error) {
        done(error as Error);
      }
    },
  });
};

/**
 * The original attached byte for byte. 7-bit and 8-bit originals travel unencoded as
 * message/rfc822 (the only encodings RFC 2046 §5.2.1 allows there; 8-bit asks for BODY=8BITMIME).
 * Anything SMTP would alter (NUL, bare CR or LF, lines over 998 octets) goes base64-encoded as
 * application/octet-stream, still named .eml: RFC 2046 forbids base64 for message/rfc822.
 * Deciding needs one extra read of the archive before the send.
 */
const asAttachment = async (
  action: ForwardAction,
  original: MessageMeta,
  context: ForwardContext,
  base: OutgoingMail,
): Promise<OutgoingMail> => {
  const bodyClass = await openForScan(context);
  const content = originalStream(context.openOriginal);
  const attachment =
    bodyClass === 'binary'
      ? { contentType: 'application/octet-stream', contentTransferEncoding: 'base64' }
      : { contentType: 'message/rfc822', contentTransferEncoding: bodyClass };
  return {
    ...base,
    text: attachmentIntro(original, base.envelope.from, action.rule),
    attachments: [
      { ...attachment, filename: ATTACHED_NAME, contentDisposition: 'attachment', content },
    ],
    envelope: { ...base.envelope, use8BitMime: bodyClass === '8bit' },
  };
};

/** Text and HTML re-composed under a quoted header block; the original's attachments re-attached. */
const asInline = async (
  original: MessageMeta,
  context: ForwardContext,
  base: OutgoingMail,
): Promise<OutgoingMail> => {
  const parts = await extractInlineParts(async () =>
    pipeline(await context.openOriginal(), refusingOwnForward(context.mailbox), () => {}),
  );
  return {
    ...base,
    text: quotedHeaderText(original) + (parts.text ?? ''),
    ...(parts.html === undefined
      ? {}
      : { html: prependToHtml(parts.html, quotedHeaderHtml(original)) }),
    attachments: parts.attachments,
    envelope: { ...base.envelope, use8BitMime: parts.eightBit },
  };
};

const foldAddressList = (addresses: readonly string[]): string => addresses.join(',\r\n ');

/**
 * RFC 5322 §3.6.6 resent block, prepended as one group above the original's own headers.
 * Every value is a validated address, id or our own date: nothing here can break a line.
 */
const resentBlock = (sender: SenderIdentity, to: readonly string[]): Buffer =>
  Buffer.from(
    [
      `Resent-Date: ${rfc5322Date(sender.date)}`,
      `Resent-From: ${sender.mailbox}`,
      `Resent-To: ${foldAddressList(to)}`,
      `Resent-Message-ID: ${sender.messageId}`,
      `${LOOP_HEADER}: ${loopMarker(sender.mailbox)}`,
      '',
    ].join('\r\n'),
    'ascii',
  );

/**
 * The original resent with its header fields intact (line breaks hidden in them folded), only the
 * envelope changed and the resent block on top. SMTP DATA still normalises bare CR/LF to CRLF, so a binary original is not byte-exact here;
 * 8BITMIME is asked for whenever the server offers it (harmless for 7-bit content). Outlook.com
 * checks the From header against the account, so a redirect there is likely refused with
 * SendAsDenied: attachment mode is the one that works everywhere.
 */
const asRedirect = (
  context: ForwardContext,
  sender: SenderIdentity,
  to: string[],
): OutgoingMail => ({
  raw: originalStream(() => guardedOriginal(context), resentBlock(sender, to)),
  messageId: sender.messageId,
  envelope: { from: sender.mailbox, to, use8BitMime: true },
});

/** The original with the line breaks its header block hides folded (header-line-guard.ts). */
const guardedOriginal = async (context: ForwardContext): Promise<Readable> =>
  pipeline(
    await context.openOriginal(),
    refusingOwnForward(context.mailbox),
    new HeaderLineGuard(),
    () => {},
  );

export const composeForward = async (
  action: ForwardAction,
  original: MessageMeta,
  context: ForwardContext,
): Promise<OutgoingMail> => {
  const sender = senderIdentity(context);
  const to = recipients(action);
  switch (action.as) {
    case 'redirect':
      return asRedirect(context, sender, to);
    case 'inline':
      return asInline(original, context, forwardBase(original, sender, to));
    case 'attachment':
      return asAttachment(action, original, context, forwardBase(original, sender, to));
  }
};
