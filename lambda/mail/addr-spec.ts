import { type Token, tokenize } from './address-tokens.js';
import { decodeWords } from './header-text.js';

/**
 * An addr-spec (`local@domain`) from its tokens, in the form popfwd stores: the local part bare
 * when it needs no quotes and quoted otherwise (`"Undisclosed Recipients"@x.example`,
 * `"joko@rs.example"@FreeBSD.ORG`), the domain as written (IDN in Unicode or in xn-- form alike).
 * Anything that cannot be read as one address — no domain, two "@", a colon or a bracket in the
 * local part, a quoted domain — is '' rather than a guess: a rule must never act on half an
 * address.
 */

// atext (RFC 5322 §3.2.3) plus every non-ASCII character (RFC 6532), and dots anywhere: a local
// part like `....` or `john.` breaks dot-atom but is written bare by the mailers that send it, and
// quoting it would change how the address reads, not what it means.
const BARE_LOCAL = /^[^\s\u0000-\u001f\u007f()<>[\]:;@\\,"]+$/;
// A domain may end in the root's dot (`web.de.`): rare, but deliverable as written.
const DOMAIN =
  /^[^\s\u0000-\u001f\u007f()<>[\]:;@\\,."]+(?:\.[^\s\u0000-\u001f\u007f()<>[\]:;@\\,."]+)*\.?$/;
const DOMAIN_LITERAL = /^\[[^\s\u0000-\u001f\u007f[\]\\]*\]$/;
const CONTROLS = /[\u0000-\u001f\u007f]/;
const ENCODED_WORD = /=\?[^?\s]+\?[bq]\?[^?\s]*\?=/i;

const quote = (text: string): string => `"${text.replace(/[\\"]/g, '\\$&')}"`;

/**
 * The local part from its tokens: atoms (encoded words decoded: RFC 2047 forbids them here, yet
 * mailers write them) and quoted strings, joined the way they were written. null when it holds a
 * special, a bracket or a control character.
 */
const localPart = (tokens: readonly Token[]): string | null => {
  let text = '';
  for (const token of tokens) {
    if (token.kind === 'atom') {
      const decoded = token.text.includes('=?') ? decodeWords(token.text) : token.text;
      text += (token.space && text ? ' ' : '') + decoded;
    } else if (token.kind === 'quoted') text += (token.space && text ? ' ' : '') + token.text;
    else return null;
  }
  if (CONTROLS.test(text)) return null;
  if (text === '') return tokens.some((token) => token.kind === 'quoted') ? '""' : null;
  return BARE_LOCAL.test(text) ? text : quote(text);
};

const domainPart = (tokens: readonly Token[]): string | null => {
  const [first] = tokens;
  if (tokens.length === 1 && first?.kind === 'literal')
    return DOMAIN_LITERAL.test(first.text) ? first.text : null;
  // obs-domain allows folding around the dots: `example .com`
  if (tokens.some((token) => token.kind !== 'atom')) return null;
  const domain = tokens.map((token) => token.text).join('');
  return DOMAIN.test(domain) && !domain.includes('=?') ? domain : null;
};

/** The address of a mailbox's addr-spec tokens (comments already dropped), or ''. */
export const addrSpecFromTokens = (tokens: readonly Token[]): string => {
  let at = -1;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const token = tokens[i];
    if (token?.kind === 'special' && token.text === '@') {
      at = i;
      break;
    }
  }
  if (at < 0) return '';
  const local = localPart(tokens.slice(0, at));
  const domain = domainPart(tokens.slice(at + 1));
  return local !== null && domain !== null ? `${local}@${domain}` : '';
};

/**
 * The address inside angle brackets. An obsolete source route (`<@relay.example:user@x.example>`)
 * is dropped. A lone word without "@" (`<MAILER-DAEMON>`, `<postmaster>`) is a local-only address
 * as old mailers wrote them; a lone encoded word is not (it could decode to anything).
 */
export const angleAddress = (inner: string): string => {
  let tokens = tokenize(inner).filter((token) => token.kind !== 'comment');
  const first = tokens[0];
  if (first?.kind === 'special' && first.text === '@') {
    const colon = tokens.findIndex((token) => token.kind === 'special' && token.text === ':');
    if (colon > 0) tokens = tokens.slice(colon + 1);
  }
  const [only] = tokens;
  if (tokens.length === 1 && only?.kind === 'atom')
    return ENCODED_WORD.test(only.text) || !BARE_LOCAL.test(only.text) ? '' : only.text;
  return addrSpecFromTokens(tokens);
};
