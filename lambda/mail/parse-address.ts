import addressparser, { type MailboxAddress } from 'nodemailer/lib/addressparser';
import { cleanValue, decodeWords } from './header-text.js';
import type { MailAddress } from './message-meta.js';

/** Address fields with thousands of entries are cut here; rules only need the first few. */
export const MAX_ADDRESSES_PER_FIELD = 500;

const SIMPLE_ADDRESS = /^[^\s@<>()[\]",;:\\=]+@[^\s@<>()[\]",;:\\=]+$/;
const ENCODED_WORD = /=\?[^?]+\?[bq]\?[^?]*\?=/i;
// A bare token with no domain, as old mailers write `From: MAILER-DAEMON`.
const BARE_LOCAL_PART = /^[^\s@<>()[\]",;:\\]+$/;

/**
 * RFC 2047 keeps encoded words out of the address itself; one that decodes to a plain
 * local@domain is taken, anything else (a name in disguise, "CEO" <ceo@bank.example>) is dropped.
 */
const plainAddress = (address: string): string => {
  const trimmed = address.trim();
  if (!ENCODED_WORD.test(trimmed)) return cleanValue(trimmed);
  const decoded = decodeWords(trimmed);
  return /^[^\s@]+@[^\s@]+$/.test(decoded) && !decoded.includes('=?') ? decoded : '';
};

// `Name <local@domain>` or `local@domain` with nothing the full parser would treat specially:
// most address fields, parsed without tokenizing.
const SIMPLE_MAILBOX =
  /^\s*(?:([^\s",<>()@;:\\[\]][^",<>()@;:\\[\]]*?)\s*<([^\s<>()",;:\\@[\]]+@[^\s<>()",;:\\@[\]]+)>|([^\s<>()",;:\\@[\]]+@[^\s<>()",;:\\@[\]]+))\s*$/;

const tokenize = (raw: string): MailboxAddress[] => {
  const simple = SIMPLE_MAILBOX.exec(raw);
  if (simple) return [{ name: simple[1] ?? '', address: simple[2] ?? simple[3] ?? '' }];
  return addressparser(raw, { flatten: true });
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
    if (!entry.address && BARE_LOCAL_PART.test(name)) {
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
