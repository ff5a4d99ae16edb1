import type { EvaluationBudget } from './budget.js';
import { compileLinearRegex, type LinearRegex } from './linear-regex.js';

/**
 * Text matching for rule conditions: literal, substring, glob and regular expression, always
 * case-insensitive unless a regex says otherwise. Nothing here backtracks without bound: globs
 * use their own matcher (at worst text × pattern steps, budget-checked), regexes run on RE2 in
 * linear time (linear-regex.ts), and every input is capped (match.ts).
 */
export type TextMatcher =
  | { readonly is: string }
  | { readonly contains: string }
  | { readonly glob: string }
  | { readonly regex: string; readonly flags: string };

/** A value to match, with its lower-case form computed once. */
export interface Matchable {
  readonly text: string;
  readonly lower: string;
}

export const matchable = (text: string): Matchable => ({ text, lower: text.toLowerCase() });

type GlobToken =
  | { readonly kind: 'star' }
  | { readonly kind: 'one' }
  | { readonly kind: 'char'; readonly char: string };

/** `*` any run, `?` one character, `\*` `\?` `\\` literal (Sieve :matches). */
const globTokens = (pattern: string): GlobToken[] => {
  const tokens: GlobToken[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === '\\' && i + 1 < pattern.length) {
      i += 1;
      tokens.push({ kind: 'char', char: pattern[i] as string });
    } else if (char === '*') {
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (char === '?') tokens.push({ kind: 'one' });
    else tokens.push({ kind: 'char', char });
  }
  return tokens;
};

/** Steps of the glob loop between two budget checks. */
const GLOB_CHECK_EVERY = 65_536;

/** Wildcard match backtracking only to the last star: O(text × pattern) at worst, no RegExp. */
const globMatch = (
  tokens: readonly GlobToken[],
  text: string,
  budget: EvaluationBudget,
): boolean => {
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  let steps = 0;
  while (t < text.length) {
    steps += 1;
    if (steps % GLOB_CHECK_EVERY === 0) budget.check();
    const token = tokens[p];
    if (token && (token.kind === 'one' || (token.kind === 'char' && token.char === text[t]))) {
      p += 1;
      t += 1;
    } else if (token?.kind === 'star') {
      starP = p;
      p += 1;
      starT = t;
    } else if (starP >= 0) {
      p = starP + 1;
      starT += 1;
      t = starT;
    } else return false;
  }
  while (tokens[p]?.kind === 'star') p += 1;
  return p === tokens.length;
};

export const REGEX_FLAGS = 'imsu';

/**
 * Why a regex is refused, or null. The syntax is JavaScript's; what RE2 cannot run in linear time
 * (backreferences, lookaround) or would read differently is refused by compileLinearRegex. Nested
 * unbounded quantifiers (`(a+)+`, `(x*y)*`, `(.*a){2,}`) are refused first: harmless on RE2, they
 * are the classic catastrophic shape everywhere else, and usually a mistake.
 */
export const regexProblem = (source: string, flags: string): string | null => {
  const badFlag = [...flags].find((flag) => !REGEX_FLAGS.includes(flag));
  if (badFlag) return `flag "${badFlag}" is not supported (use any of ${REGEX_FLAGS})`;
  if (new Set(flags).size !== flags.length) return 'flags must not repeat';
  try {
    new RegExp(source, flags);
  } catch (error) {
    return `not a valid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`;
  }
  if (nestedQuantifier(source))
    return 'nested repetition like (a+)+ can take exponential time; simplify the pattern';
  const compiled = compileLinearRegex(source, flags);
  return 'problem' in compiled ? compiled.problem : null;
};

interface GroupFrame {
  quantified: boolean;
}

/** Scans the source for a repeated group that itself contains a repetition. */
const nestedQuantifier = (source: string): boolean => {
  const stack: GroupFrame[] = [{ quantified: false }];
  // What the next quantifier would apply to: an atom, or a group and whether it repeats inside.
  let last: { group: boolean; inner: boolean } | null = null;
  for (let i = 0; i < source.length; i++) {
    const char = source[i] as string;
    const frame = stack.at(-1) as GroupFrame;
    if (char === '\\') {
      i += 1;
      last = { group: false, inner: false };
    } else if (char === '[') {
      i = classEnd(source, i);
      last = { group: false, inner: false };
    } else if (char === '(') {
      stack.push({ quantified: false });
      last = null;
    } else if (char === ')') {
      const closed = stack.length > 1 ? (stack.pop() as GroupFrame) : { quantified: false };
      const parent = stack.at(-1) as GroupFrame;
      parent.quantified ||= closed.quantified;
      last = { group: true, inner: closed.quantified };
    } else if (char === '*' || char === '+' || char === '?' || char === '{') {
      const bounded = quantifierIsBounded(source, i);
      if (bounded === null) {
        last = { group: false, inner: false };
        continue;
      }
      if (last?.group && last.inner && !bounded) return true;
      if (last) frame.quantified = true;
      if (char === '{') i = source.indexOf('}', i);
      if (source[i + 1] === '?' || source[i + 1] === '+') i += 1;
      last = null;
    } else {
      last = { group: false, inner: false };
    }
  }
  return false;
};

/** In JavaScript the first unescaped `]` closes a class, even right after `[` or `[^`. */
const classEnd = (source: string, start: number): number => {
  for (let i = start + 1; i < source.length; i++) {
    if (source[i] === '\\') i += 1;
    else if (source[i] === ']') return i;
  }
  return source.length;
};

/**
 * true when the quantifier repeats at most once (`?`, `{0,1}`, `{1}`), false when it repeats
 * more (even `{2}` multiplies the inner work), null when `{` is a literal brace.
 */
const quantifierIsBounded = (source: string, at: number): boolean | null => {
  const char = source[at];
  if (char === '?') return true;
  if (char !== '{') return false;
  const match = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(at, at + 24));
  if (!match) return null;
  const max = match[2] === undefined ? match[1] : match[3];
  return max !== '' && Number(max) <= 1;
};

export type CompiledMatcher = (value: Matchable, budget: EvaluationBudget) => boolean;

const compiled = new WeakMap<TextMatcher, CompiledMatcher>();

/** Compiles once per matcher object; the config's matchers live as long as the config. */
export const compileMatcher = (matcher: TextMatcher): CompiledMatcher => {
  const cached = compiled.get(matcher);
  if (cached) return cached;
  const fn = build(matcher);
  compiled.set(matcher, fn);
  return fn;
};

const build = (matcher: TextMatcher): CompiledMatcher => {
  if ('is' in matcher) {
    const expected = matcher.is.toLowerCase();
    return (value) => value.lower === expected;
  }
  if ('contains' in matcher) {
    const needle = matcher.contains.toLowerCase();
    return (value) => value.lower.includes(needle);
  }
  if ('glob' in matcher) {
    const tokens = globTokens(matcher.glob.toLowerCase());
    return (value, budget) => globMatch(tokens, value.lower, budget);
  }
  const regex = linearRegex(matcher.regex, matcher.flags);
  return (value, budget) => regex.test(value.text, budget);
};

/** The config check already refused what does not compile; a failure here is a bug. */
const linearRegex = (source: string, flags: string): LinearRegex => {
  const compiled = compileLinearRegex(source, flags);
  if ('problem' in compiled) throw new Error(`regex /${source}/${flags}: ${compiled.problem}`);
  return compiled.regex;
};

export const matchesAny = (
  matchers: readonly TextMatcher[],
  value: Matchable,
  budget: EvaluationBudget,
): boolean =>
  matchers.some((matcher) => {
    budget.check();
    return compileMatcher(matcher)(value, budget);
  });
