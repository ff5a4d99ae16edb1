import type { MailAddress, MessageMeta } from '../mail/message-meta.js';
import { foldedHeaderText } from './header-safety.js';

/** Texts a forward is made of; pure, so the wording is tested apart from the MIME around it. */

const FORWARD_PREFIX = /^\s*(?:fwd?|fw)\s*:/i;

/** "Fwd: " + the original subject, unless it already is a forward (no "Fwd: Fwd: " pile-up). */
export const forwardSubject = (originalSubject: string): string => {
  const subject = foldedHeaderText(originalSubject);
  if (subject === '') return 'Fwd: (no subject)';
  return FORWARD_PREFIX.test(subject) ? subject : `Fwd: ${subject}`;
};

/** `Name <address>`; a name without an address keeps its empty `<>`, so it never reads as one. */
export const formatAddress = ({ name, address }: MailAddress): string => {
  const display = foldedHeaderText(name);
  const mailbox = foldedHeaderText(address);
  if (display === '') return mailbox;
  return mailbox === '' ? `${JSON.stringify(display)} <>` : `${display} <${mailbox}>`;
};

const formatAddresses = (addresses: readonly MailAddress[]): string =>
  addresses.map(formatAddress).join(', ');

/** RFC 5322 date-time in UTC ("Thu, 26 Nov 2026 10:00:00 +0000"). */
export const rfc5322Date = (date: Date): string => date.toUTCString().replace(/GMT$/, '+0000');

const originalDate = (iso: string | null): string => {
  if (iso === null) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : rfc5322Date(date);
};

/** The original's From, Date, Subject, To and Cc as label/value pairs, empty ones left out. */
export const quotedHeaders = (original: MessageMeta): [string, string][] => {
  const fields: [string, string][] = [
    ['From', formatAddresses(original.from)],
    ['Date', originalDate(original.date)],
    ['Subject', foldedHeaderText(original.subject)],
    ['To', formatAddresses(original.to)],
    ['Cc', formatAddresses(original.cc)],
  ];
  return fields.filter(([, value]) => value !== '');
};

const FORWARDED_MARKER = '---------- Forwarded message ----------';

export const quotedHeaderText = (original: MessageMeta): string =>
  [FORWARDED_MARKER, ...quotedHeaders(original).map(([label, value]) => `${label}: ${value}`)]
    .join('\n')
    .concat('\n\n');

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (char) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );

export const quotedHeaderHtml = (original: MessageMeta): string => {
  const lines = quotedHeaders(original).map(
    ([label, value]) => `<b>${label}:</b> ${escapeHtml(value)}<br>`,
  );
  return `<div>${escapeHtml(FORWARDED_MARKER)}<br>${lines.join('')}</div><br>`;
};

/**
 * Puts `prefix` first inside the body of an HTML document, or in front of a fragment. The tag ends
 * at the next `<` too: `[^>]*` would rescan the rest of a hostile `<body<body<body…` from each one.
 */
export const prependToHtml = (html: string, prefix: string): string => {
  const body = /<body\b[^<>]*>/i.exec(html);
  if (!body) return prefix + html;
  const at = body.index + body[0].length;
  return html.slice(0, at) + prefix + html.slice(at);
};

/** The short text part in front of an attached original: who, when, what, and why. */
export const attachmentIntro = (original: MessageMeta, mailbox: string, rule: string): string =>
  [
    `Forwarded by popfwd for ${mailbox} (rule ${JSON.stringify(foldedHeaderText(rule))}).`,
    'The original message is attached unchanged.',
    '',
    ...quotedHeaders(original).map(([label, value]) => `${label}: ${value}`),
    '',
  ].join('\n');
