/**
 * A JavaScript regex (as written in the config) rewritten in RE2 syntax, so it runs on a
 * linear-time engine with the meaning JavaScript gives it. What RE2 cannot do in linear time —
 * backreferences, lookahead, lookbehind — and escapes whose meaning would silently change are
 * refused with a reason instead of being approximated. Call only with a source JavaScript already
 * accepted (`new RegExp(source, flags)` did not throw): the scanner relies on well-formed groups
 * and classes.
 */
export type Translation = { readonly pattern: string } | { readonly problem: string };

// JavaScript's \s: ASCII whitespace plus the Unicode spaces and U+FEFF. RE2's \s is ASCII only.
const JS_SPACE =
  '\\t\\n\\v\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}';
// JavaScript's `.` without the s flag stops at these four; RE2's only at \n.
const JS_DOT = '[^\\n\\r\\x{2028}\\x{2029}]';
const ANY = '\\x{0}-\\x{10FFFF}';
const QUANTIFIER = /^\{\d+(,\d*)?\}/;
const HEX2 = /^[0-9a-fA-F]{2}$/;
const HEX4 = /^[0-9a-fA-F]{4}$/;
const ASCII_PUNCTUATION = /^[!-/:-@[-`{-~]$/;

const hex = (code: number): string => `\\x{${code.toString(16).toUpperCase()}}`;

class Unsupported extends Error {}

interface Scan {
  readonly source: string;
  readonly unicode: boolean;
  i: number;
}

const refuse = (message: string): never => {
  throw new Unsupported(message);
};

/** `\uHHHH`, a surrogate pair of them, or `\u{H…}` with the u flag; `scan.i` is at the `u`. */
const unicodeEscape = (scan: Scan): string => {
  const { source } = scan;
  if (scan.unicode && source[scan.i + 1] === '{') {
    const end = source.indexOf('}', scan.i);
    const digits = source.slice(scan.i + 2, end);
    scan.i = end;
    return hex(Number.parseInt(digits, 16));
  }
  const digits = source.slice(scan.i + 1, scan.i + 5);
  if (!HEX4.test(digits)) return refuse('\\u must be followed by four hex digits');
  const code = Number.parseInt(digits, 16);
  scan.i += 4;
  if (code < 0xd800 || code > 0xdfff) return hex(code);
  const low = /^\\u([dD][c-fC-F][0-9a-fA-F]{2})/.exec(source.slice(scan.i + 1));
  if (code > 0xdbff || !low?.[1])
    return refuse('a lone surrogate (\\uD800–\\uDFFF) is not supported');
  scan.i += 6;
  const lowCode = Number.parseInt(low[1], 16);
  return hex(0x10000 + (code - 0xd800) * 0x400 + (lowCode - 0xdc00));
};

/** One escape, inside or outside a class; `scan.i` is at the backslash and ends on its last char. */
const escapeSequence = (scan: Scan, inClass: boolean): string => {
  const { source } = scan;
  scan.i += 1;
  const char = source[scan.i] ?? '';
  if (char >= '1' && char <= '9')
    return refuse(`\\${char} (a backreference) is not supported: RE2 matches in linear time`);
  switch (char) {
    case '0':
      if (/\d/.test(source[scan.i + 1] ?? '')) return refuse('octal escapes are not supported');
      return '\\x{0}';
    case 'k':
      return refuse('\\k<…> (a backreference) is not supported: RE2 matches in linear time');
    case 'd':
    case 'D':
    case 'w':
    case 'W':
    case 'f':
    case 'n':
    case 'r':
    case 't':
    case 'v':
      return `\\${char}`;
    case 'b':
      return inClass ? '\\x{8}' : '\\b';
    case 'B':
      return inClass ? refuse('\\B inside [...] is not supported') : '\\B';
    case 's':
      return inClass ? JS_SPACE : `[${JS_SPACE}]`;
    case 'S':
      return inClass ? refuse('\\S inside [...] is not supported') : `[^${JS_SPACE}]`;
    case 'c': {
      const letter = source[scan.i + 1] ?? '';
      if (!/^[A-Za-z]$/.test(letter)) return refuse('\\c must be followed by a letter');
      scan.i += 1;
      return hex(letter.charCodeAt(0) % 32);
    }
    case 'x': {
      const digits = source.slice(scan.i + 1, scan.i + 3);
      if (!HEX2.test(digits)) return refuse('\\x must be followed by two hex digits');
      scan.i += 2;
      return hex(Number.parseInt(digits, 16));
    }
    case 'u':
      return unicodeEscape(scan);
    case 'p':
    case 'P': {
      if (!scan.unicode) return refuse(`\\${char}{…} needs the u flag`);
      const end = source.indexOf('}', scan.i);
      const text = source.slice(scan.i, end + 1);
      scan.i = end;
      return `\\${text}`;
    }
    default:
      if (/^[A-Za-z0-9_]$/.test(char)) return refuse(`\\${char} is not a supported escape`);
      // Escaped punctuation is literal in both; anything else (a space, a letter outside ASCII)
      // needs no escape, and RE2 would refuse one.
      return ASCII_PUNCTUATION.test(char) ? `\\${char}` : char;
  }
};

/** `{2}`, `{2,}`, `{2,5}` whole; without the u flag a brace that starts none is a literal. */
const quantifier = (scan: Scan): string => {
  const match = QUANTIFIER.exec(scan.source.slice(scan.i));
  if (!match) return '\\{';
  scan.i += match[0].length - 1;
  return match[0];
};

/** A group opener; `scan.i` is at `(`. */
const group = (scan: Scan): string => {
  const rest = scan.source.slice(scan.i, scan.i + 4);
  if (rest.startsWith('(?=') || rest.startsWith('(?!'))
    return refuse('lookahead (?= …) / (?! …) is not supported: RE2 matches in linear time');
  if (rest.startsWith('(?<=') || rest.startsWith('(?<!'))
    return refuse('lookbehind (?<= …) / (?<! …) is not supported: RE2 matches in linear time');
  if (rest.startsWith('(?<')) {
    scan.i += 2;
    return '(?P<';
  }
  return '(';
};

/** A character class; `scan.i` is at `[` and ends on its `]`. */
const charClass = (scan: Scan): string => {
  const { source } = scan;
  const negated = source[scan.i + 1] === '^';
  const first = scan.i + (negated ? 2 : 1);
  // In JavaScript `[]` matches nothing and `[^]` any character.
  if (source[first] === ']') {
    scan.i = first;
    return negated ? `[${ANY}]` : `[^${ANY}]`;
  }
  let out = negated ? '[^' : '[';
  for (scan.i = first; scan.i < source.length && source[scan.i] !== ']'; scan.i++) {
    const char = source[scan.i] as string;
    if (char === '\\') out += escapeSequence(scan, true);
    else if (char === '[') out += '\\[';
    else out += char;
  }
  return `${out}]`;
};

/** RE2 source for a JavaScript regex, or why it cannot be one; `flags` as in the config. */
export const translateRegex = (source: string, flags: string): Translation => {
  const scan: Scan = { source, unicode: flags.includes('u'), i: 0 };
  const dotAll = flags.includes('s');
  let out = '';
  try {
    for (; scan.i < source.length; scan.i++) {
      const char = source[scan.i] as string;
      if (char === '\\') out += escapeSequence(scan, false);
      else if (char === '[') out += charClass(scan);
      else if (char === '(') out += group(scan);
      else if (char === '.') out += dotAll ? '.' : JS_DOT;
      // Without the u flag JavaScript reads a brace that starts no quantifier as a literal.
      else if (char === '{') out += quantifier(scan);
      else if (char === '}' || char === ']') out += `\\${char}`;
      else out += char;
    }
  } catch (error) {
    if (error instanceof Unsupported) return { problem: error.message };
    throw error;
  }
  return { pattern: out };
};
