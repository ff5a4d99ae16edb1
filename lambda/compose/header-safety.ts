import { domainToASCII } from 'node:url';
import { PopfwdError } from '../errors.js';

/**
 * Every value that reaches a header of a message popfwd sends goes through here. Values we own
 * (config, rendered templates, the executor's ids) are rejected when unsafe: a CR or LF there is
 * a bug or an injection and must not be papered over. Values taken from the original message
 * (its subject, display names) are attacker-controlled but must not stop a forward, so they are
 * flattened to one line instead.
 */

/** CR, LF, NUL: each one can end a header line or the header block on some parser. */
const LINE_BREAKING = /[\r\n\0]/;
/** Any C0 control except TAB, and DEL. */
const CONTROL_RUN = /[\u0000-\u0008\u000a-\u001f\u007f]+/g;

const MAX_ADDRESS_LENGTH = 254;
const MAX_LOCAL_PART_LENGTH = 64;
/** RFC 5322 dot-atom over atext. Quoted local parts are refused: no mailbox we send to needs one. */
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** msg-id = "<" id-left "@" id-right ">", without whitespace, brackets or a second "@". */
const MESSAGE_ID = /^<[\x21-\x3b\x3d\x3f\x41-\x7e]+@[\x21-\x3b\x3d\x3f\x41-\x7e]+>$/;

const argumentError = (field: string, problem: string): PopfwdError =>
  new PopfwdError('EARGUMENT', `header ${field} ${problem}`, { context: { field } });

/** A value we own, as a header value: refused when it contains CR, LF, NUL or another control. */
export const headerText = (field: string, value: string): string => {
  if (LINE_BREAKING.test(value)) {
    throw argumentError(field, 'must not contain CR, LF or NUL');
  }
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(value)) {
    throw argumentError(field, 'must not contain control characters');
  }
  return value;
};

/** A value from the original message, as one header-safe line: controls become one space. */
export const foldedHeaderText = (value: string): string =>
  value.replace(CONTROL_RUN, ' ').replace(/\s+/g, ' ').trim();

const normalizedDomain = (domain: string): string | null => {
  const ascii = domainToASCII(domain);
  const labels = ascii.split('.');
  return ascii !== '' && labels.length >= 2 && labels.every((label) => DNS_LABEL.test(label))
    ? ascii
    : null;
};

/** The address with its domain in lower-case ASCII (IDNA), or null when it is not one mailbox. */
export const normalizedAddress = (value: string): string | null => {
  const at = value.lastIndexOf('@');
  if (at <= 0 || value.length > MAX_ADDRESS_LENGTH) return null;
  const local = value.slice(0, at);
  const domain = normalizedDomain(value.slice(at + 1));
  if (local.length > MAX_LOCAL_PART_LENGTH || !DOT_ATOM.test(local) || domain === null) return null;
  return `${local}@${domain}`;
};

/** An address we send from or to: refused (EARGUMENT) unless it is exactly one plain mailbox. */
export const mailboxAddress = (field: string, value: string): string => {
  headerText(field, value);
  const address = normalizedAddress(value);
  if (address === null) {
    throw argumentError(field, `is not a valid e-mail address: ${JSON.stringify(value)}`);
  }
  return address;
};

const bracketed = (value: string): string => {
  const trimmed = value.trim();
  return trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
};

/** A Message-ID from the original, in `<id@host>` form, or null when it is not a valid one. */
export const normalizedMessageId = (value: string): string | null => {
  if (LINE_BREAKING.test(value)) return null;
  const id = bracketed(value);
  return MESSAGE_ID.test(id) ? id : null;
};

/** A Message-ID we generate: refused unless it is a valid `<id@host>`; brackets are added. */
export const messageIdHeader = (field: string, value: string): string => {
  headerText(field, value);
  const id = normalizedMessageId(value);
  if (id === null)
    throw argumentError(field, `is not a valid message id: ${JSON.stringify(value)}`);
  return id;
};
