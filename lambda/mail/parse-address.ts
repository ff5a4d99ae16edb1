import addressparser, { type MailboxAddress } from 'nodemailer/lib/addressparser';
import { cleanValue, decodeWords } from './header-text.js';
import type { MailAddress } from './message-meta.js';

/** Address fields with thousands of entries are cut here; rules only need the first few. */
export const MAX_ADDRESSES_PER_FIELD = 500;

const SIMPLE_ADDRESS = /^[^\s@<>()[\]",;:\\=]+@[^\s@<>()[\]",;:\\=]+$/;
const ENCODED_WORD = /=\?[^?]+\?[bq]\?[^?]*\?=/i;
// A decoded local part: no "@", space, control, quote or bracket.
const PLAIN_LOCAL_PART = /^[^\s\u0000-\u001f\u007f@<>()[\]",;:\\]+$/;
// A bare token with no domain, as old mailers write `From: MAILER-DAEMON`.
const BARE_LOCAL_PART = /^[^\s@<>()[\]",;:\\]+$/;

/**
 * RFC 2047 keeps encoded words out of the address itself, but some mailers put one in the local
 * part. Only the local part is decoded, and only to a plain local part: the domain must be
 * written out, so an encoded word can never bring its own "@domain" (`=?utf-8?q?ceo=40bank.example?=`
 * alone is a name in disguise, not an address).
 */
const plainAddress = (address: string): string => {
  const trimmed = address.trim();
  if (!trimmed.includes('=?')) return cleanValue(trimmed);
  const at = trimmed.lastIndexOf('@');
  if (at <= 0) return '';
  const domain = trimmed.slice(at + 1);
  const local = decodeWords(trimmed.slice(0, at));
  const plain = PLAIN_LOCAL_PART.test(local) && !local.includes('=?') && !domain.includes('=?');
  return plain ? `${local}@${domain}` : '';
};

// `Name <local@domain>` or `local@domain` with nothing the full parser would treat specially:
// most address fields, parsed without tokenizing. The name runs greedily up to `<` and is trimmed
// afterwards: a lazy name followed by `\s*` would try every split of a long run of spaces
// (quadratic on a hostile header).
const SIMPLE_MAILBOX =
  /^\s*(?:([^\s",<>()@;:\\[\]][^",<>()@;:\\[\]]*)<([^\s<>()",;:\\@[\]]+@[^\s<>()",;:\\@[\]]+)>|([^\s<>()",;:\\@[\]]+@[^\s<>()",;:\\@[\]]+))\s*$/;

// A noncharacter no header carries, standing in for an "@" that belongs to a name.
const HIDDEN_AT = '\uFDD0';
const revealAts = (text: string): string => text.replaceAll(HIDDEN_AT, '@');

/**
 * addressparser takes any word with an "@" for the address when a mailbox has none, so
 * `"victim@evil.example" <>` would be answered at its display name. An "@" inside a quoted string
 * or a comment, or outside the angle brackets of a mailbox that has them, is hidden from it: a
 * display name is never an address, and `<>` means no address at all.
 */
const hideNameAts = (raw: string): string => {
  if (!raw.includes('@')) return raw;
  // Each mailbox's "@" positions: in a name (quoted string, comment) or plain; and whether the
  // mailbox has angle brackets. Mailboxes end at "," and groups at ":" and ";".
  const hide = new Set<number>();
  let plainAts: number[] = [];
  let hasAngle = false;
  let quoted = false;
  let depth = 0;
  let angle = false;
  const endMailbox = () => {
    if (hasAngle) for (const at of plainAts) hide.add(at);
    plainAts = [];
    hasAngle = false;
  };
  for (let i = 0; i < raw.length; i++) {
    const char = raw[i];
    if (quoted || depth > 0) {
      if (char === '\\') i += 1;
      else if (char === '@') hide.add(i);
      else if (quoted && char === '"') quoted = false;
      else if (!quoted && char === '(') depth += 1;
      else if (!quoted && char === ')') depth -= 1;
    } else if (angle) angle = char !== '>';
    else if (char === '"') quoted = true;
    else if (char === '(') depth = 1;
    else if (char === '<') {
      angle = true;
      hasAngle = true;
    } else if (char === '@') plainAts.push(i);
    else if (char === ',' || char === ';' || char === ':') endMailbox();
  }
  endMailbox();
  if (hide.size === 0) return raw;
  return raw
    .split('')
    .map((char, i) => (hide.has(i) ? HIDDEN_AT : char))
    .join('');
};

const tokenize = (raw: string): MailboxAddress[] => {
  const simple = SIMPLE_MAILBOX.exec(raw);
  if (simple) return [{ name: simple[1]?.trimEnd() ?? '', address: simple[2] ?? simple[3] ?? '' }];
  // A stand-in already in the field must not turn into an "@" on the way out.
  const own = raw.replaceAll(HIDDEN_AT, '\uFFFD');
  return addressparser(hideNameAts(own), { flatten: true }).map((entry) => ({
    ...entry,
    name: revealAts(entry.name ?? ''),
    address: revealAts(entry.address ?? ''),
  }));
};

/** A raw (undecoded) address field value to mailboxes, groups flattened, names decoded. */
export const parseAddressList = (raw: string): MailAddress[] => {
  let parsed: MailboxAddress[];
  try {
    parsed = tokenize(raw);
  } catch {
    return [];
  }
  const out: MailAddress[] = [];
  for (const entry of parsed) {
    if (out.length >= MAX_ADDRESSES_PER_FIELD) break;
    let name = cleanValue(decodeWords(entry.name ?? ''));
    let address = plainAddress(entry.address ?? '');
    // `From: MAILER-DAEMON` only: a quoted, bracketed or encoded name (`"postmaster" <>`) stays a name.
    if (!entry.address && BARE_LOCAL_PART.test(raw.trim()) && !ENCODED_WORD.test(raw)) {
      address = name;
      name = '';
    }
    if (name || address) out.push({ name, address });
  }
  return out;
};

/**
 * The envelope sender from a Return-Path value: '' for the null sender `<>` (and for a value that
 * names no address, so a garbled bounce is never answered).
 */
export const parseReturnPath = (raw: string): string => {
  const value = raw.trim();
  const bracketed = /<([^<>]*)>/.exec(value);
  const inner = (bracketed ? (bracketed[1] ?? '') : value).trim();
  if (!inner) return '';
  if (SIMPLE_ADDRESS.test(inner)) return inner;
  return parseAddressList(inner)[0]?.address ?? '';
};
