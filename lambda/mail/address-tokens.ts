/**
 * RFC 5322 address fields (§3.4, with the obsolete syntax of §4.4) split into tokens: the lexical
 * layer under parse-address.ts. One pass over the characters, nothing backtracks; an unterminated
 * quoted string, comment, angle address or domain literal runs to the end of the field, as mail
 * programs read it.
 */

export type TokenKind =
  /** A run of characters that are not whitespace or specials; dots and encoded words included. */
  | 'atom'
  /** A quoted string: the text between the quotes, backslash escapes removed. */
  | 'quoted'
  /** A comment: the text between the outer parentheses, escapes removed, inner ones kept. */
  | 'comment'
  /** An angle address: the text between < and >, as written (quotes included). */
  | 'angle'
  /** A domain literal, brackets included. */
  | 'literal'
  /** One of , ; : @ */
  | 'special';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** Whitespace (or a comment) came before it: names keep their word breaks. */
  readonly space: boolean;
}

const SPECIALS = new Set([',', ';', ':', '@']);
const DELIMITERS = new Set(['"', '(', '<', '[', ',', ';', ':', '@']);
const isSpace = (char: string): boolean =>
  char === ' ' || char === '\t' || char === '\r' || char === '\n';

/** From `start` (just after the opening quote) to the closing quote: [text, next index]. */
const readQuoted = (raw: string, start: number): [string, number] => {
  let text = '';
  let i = start;
  for (; i < raw.length; i++) {
    const char = raw[i] as string;
    if (char === '\\' && i + 1 < raw.length) text += raw[++i];
    else if (char === '"') return [text, i + 1];
    else text += char;
  }
  return [text, i];
};

/** From `start` (just after the opening parenthesis) to the matching one: [text, next index]. */
const readComment = (raw: string, start: number): [string, number] => {
  let text = '';
  let depth = 1;
  let i = start;
  for (; i < raw.length; i++) {
    const char = raw[i] as string;
    if (char === '\\' && i + 1 < raw.length) {
      text += raw[++i];
      continue;
    }
    if (char === '(') depth += 1;
    else if (char === ')' && --depth === 0) return [text, i + 1];
    text += char;
  }
  return [text, i];
};

/** From `start` (just after `<`) to the `>` outside quotes: [text, next index]. */
const readAngle = (raw: string, start: number): [string, number] => {
  let quoted = false;
  for (let i = start; i < raw.length; i++) {
    const char = raw[i];
    if (quoted && char === '\\') i += 1;
    else if (char === '"') quoted = !quoted;
    else if (char === '>' && !quoted) return [raw.slice(start, i), i + 1];
  }
  return [raw.slice(start), raw.length];
};

/** The tokens of one address field value (unfolded, decoded from its charset). */
export const tokenize = (raw: string): Token[] => {
  const tokens: Token[] = [];
  let space = false;
  let i = 0;
  const push = (kind: TokenKind, text: string, next: number) => {
    tokens.push({ kind, text, space });
    space = false;
    i = next;
  };
  while (i < raw.length) {
    const char = raw[i] as string;
    if (isSpace(char)) {
      space = tokens.length > 0;
      i += 1;
    } else if (char === '"') push('quoted', ...readQuoted(raw, i + 1));
    else if (char === '(') {
      push('comment', ...readComment(raw, i + 1));
      space = true;
    } else if (char === '<') push('angle', ...readAngle(raw, i + 1));
    else if (char === '[') {
      const end = raw.indexOf(']', i + 1);
      const next = end < 0 ? raw.length : end + 1;
      push('literal', raw.slice(i, next), next);
    } else if (SPECIALS.has(char)) push('special', char, i + 1);
    else {
      let end = i + 1;
      while (
        end < raw.length &&
        !isSpace(raw[end] as string) &&
        !DELIMITERS.has(raw[end] as string)
      )
        end += 1;
      push('atom', raw.slice(i, end), end);
    }
  }
  return tokens;
};
