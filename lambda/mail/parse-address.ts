import { addrSpecFromTokens, angleAddress } from './addr-spec.js';
import { type Token, tokenize } from './address-tokens.js';
import { cleanValue, decodeWords } from './header-text.js';
import type { MailAddress } from './message-meta.js';

/** Address fields with thousands of entries are cut here; rules only need the first few. */
export const MAX_ADDRESSES_PER_FIELD = 500;
/**
 * Characters of one address field read: 500 long mailboxes fit. Tokens cost memory (a field of a
 * million "@" would be a million of them), so a longer field is cut before it is tokenized.
 */
export const MAX_ADDRESS_FIELD_CHARS = 128 * 1024;
/** A Return-Path holds one address. */
const MAX_RETURN_PATH_CHARS = 4096;

const ENCODED_WORD = /=\?[^?\s]+\?[bq]\?[^?\s]*\?=/i;

const isSpecial = (token: Token, char: string): boolean =>
  token.kind === 'special' && token.text === char;

/** Words as written, one space where the sender left whitespace, encoded words decoded. */
const phrase = (tokens: readonly Token[]): string => {
  let text = '';
  for (const token of tokens) text += (token.space && text ? ' ' : '') + token.text;
  return cleanValue(decodeWords(text));
};

/**
 * One mailbox from its tokens. The address comes only from inside the angle brackets, or from an
 * addr-spec written without them; a display name (quoted, encoded or plain, "@" or not) is never
 * taken for the address, so `"Postmaster" <>` and `"victim@evil.example" <>` have none. Without a
 * phrase, a comment is the name (`bob@x.example (Bob Smith)`, the RFC 822 habit mail programs
 * still show).
 */
const mailbox = (tokens: readonly Token[]): MailAddress => {
  const words = tokens.filter((token) => token.kind !== 'comment');
  const comments = tokens.filter((token) => token.kind === 'comment');
  const fromComments = () => phrase(comments.map((token) => ({ ...token, space: true })));
  const angle = words.findIndex((token) => token.kind === 'angle');
  if (angle >= 0) {
    const name = phrase(words.slice(0, angle));
    return { name: name || fromComments(), address: angleAddress(words[angle]?.text ?? '') };
  }
  if (words.some((token) => isSpecial(token, '@')))
    return { name: fromComments(), address: addrSpecFromTokens(words) };
  return { name: phrase(words) || fromComments(), address: '' };
};

/**
 * Splits the tokens into mailboxes: "," between them, "name:" opening a group and ";" closing it
 * (groups are flattened, their names dropped). Stops once `limit` mailboxes are found.
 */
const mailboxTokens = (tokens: readonly Token[], limit: number): Token[][] => {
  const out: Token[][] = [];
  let current: Token[] = [];
  let inGroup = false;
  const flush = () => {
    if (current.length) out.push(current);
    current = [];
  };
  for (const token of tokens) {
    if (out.length >= limit) break;
    if (isSpecial(token, ',')) flush();
    else if (isSpecial(token, ';')) {
      flush();
      inGroup = false;
    } else if (isSpecial(token, ':') && !inGroup && !current.some((t) => t.kind === 'angle')) {
      current = [];
      inGroup = true;
    } else current.push(token);
  }
  flush();
  return out;
};

/**
 * A raw address field value (unfolded, decoded from its charset, encoded words not yet decoded)
 * to mailboxes, groups flattened, names decoded. Never throws.
 */
export const parseAddressList = (raw: string): MailAddress[] => {
  try {
    const tokens = tokenize(raw.slice(0, MAX_ADDRESS_FIELD_CHARS));
    // `From: MAILER-DAEMON`: one plain word is a local-only address. A quoted, bracketed or
    // encoded word (`"postmaster" <>`, `=?utf-8?q?x?=`) stays a name.
    const [only] = tokens;
    if (tokens.length === 1 && only?.kind === 'atom' && !ENCODED_WORD.test(only.text))
      return [{ name: '', address: cleanValue(only.text) }];
    const out: MailAddress[] = [];
    for (const group of mailboxTokens(tokens, MAX_ADDRESSES_PER_FIELD)) {
      const entry = mailbox(group);
      if (entry.name || entry.address) out.push(entry);
    }
    return out;
  } catch {
    return [];
  }
};

/**
 * The envelope sender from a Return-Path value: '' for the null sender `<>` (and for a value that
 * names no address, so a garbled bounce is never answered).
 */
export const parseReturnPath = (raw: string): string => {
  const tokens = tokenize(raw.slice(0, MAX_RETURN_PATH_CHARS)).filter(
    (token) => token.kind !== 'comment',
  );
  const angle = tokens.find((token) => token.kind === 'angle');
  if (angle) return angleAddress(angle.text);
  const [only] = tokens;
  if (tokens.length === 1 && only?.kind === 'atom' && !ENCODED_WORD.test(only.text))
    return cleanValue(only.text);
  return addrSpecFromTokens(tokens);
};
