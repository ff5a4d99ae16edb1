import { describe, expect, it } from 'vitest';
import { evaluationBudget, isBudgetError } from '../../../lambda/rules/budget.js';
import { compileLinearRegex, type LinearRegex } from '../../../lambda/rules/linear-regex.js';

const compile = (source: string, flags = 'i'): LinearRegex => {
  const compiled = compileLinearRegex(source, flags);
  if ('problem' in compiled) throw new Error(compiled.problem);
  return compiled.regex;
};

const problem = (source: string, flags = 'i'): string | null => {
  const compiled = compileLinearRegex(source, flags);
  return 'problem' in compiled ? compiled.problem : null;
};

const test = (source: string, text: string, flags = 'i'): boolean =>
  compile(source, flags).test(text, evaluationBudget(60_000));

/** Milliseconds `run` takes. */
const timed = (run: () => void): number => {
  const start = performance.now();
  run();
  return performance.now() - start;
};

/** A random a/b text: every position can start a match, and no literal lets the engine skip. */
const randomAb = (length: number): string => {
  let seed = 7;
  let text = '';
  for (let i = 0; i < length; i++) {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    text += seed % 2 === 0 ? 'a' : 'b';
  }
  return `${text}c`;
};

describe('compileLinearRegex: classic ReDoS patterns finish on hostile text', () => {
  // Each of these takes seconds to hours with a backtracking engine on the text beside it; the
  // bound asserted is generous (a backtracking engine would not finish in it at all).
  it.each([
    ['overlapping alternation', '(a|a)*b', 'a'.repeat(40)],
    ['overlapping alternation, long', '(a|aa)*c', 'a'.repeat(100_000)],
    ['polynomial trailing space', '\\s*\\s*\\s*$x', `${' '.repeat(50_000)}y`],
    ['polynomial word run', '\\w+\\w+\\w+@', 'a'.repeat(50_000)],
    ['nested quantifier', '(a+)+b', 'a'.repeat(100_000)],
    ['nested star', '(x*y?)*z', 'x'.repeat(100_000)],
    ['e-mail shaped', '^([a-z0-9]+\\.?)+@', `${'a'.repeat(50_000)}!`],
  ])('%s: /%s/ does not match and ends quickly', (_name, source, text) => {
    // Act
    let result = true;
    const ms = timed(() => {
      result = test(source, text);
    });

    // Assess
    expect(result).toBe(false);
    expect(ms).toBeLessThan(2_000);
  });
});

describe('compileLinearRegex: the budget interrupts a long match', () => {
  it('stops a large program on a long text with the budget error, and the regex still works after', () => {
    // Prepare: ~1,000 instructions per character on 300,000 characters: seconds of work
    const regex = compile('[ab]*a[ab]{999}c', '');
    const text = randomAb(300_000);

    // Act
    let error: unknown;
    const ms = timed(() => {
      try {
        regex.test(text, evaluationBudget(100));
      } catch (caught) {
        error = caught;
      }
    });

    // Assess: stopped close to the budget, and the compiled regex is not left broken
    expect(isBudgetError(error)).toBe(true);
    expect(ms).toBeLessThan(1_000);
    expect(regex.test(`${'a'.repeat(1000)}c`, evaluationBudget(60_000))).toBe(true);
    expect(regex.test('ab'.repeat(10), evaluationBudget(60_000))).toBe(false);
  });

  it('checks the budget before reading anything', () => {
    // Prepare: a budget already spent
    let now = 0;
    const budget = evaluationBudget(10, () => now);
    now = 11;

    // Act + Assess
    expect(() => compile('x').test('x', budget)).toThrow(/took longer than 10 ms/);
  });
});

describe('compileLinearRegex: JavaScript meaning, RE2 engine', () => {
  it.each([
    // \s is JavaScript's (no-break space, ideographic space), not RE2's ASCII-only one
    ['invoice\\s+no', 'invoice\u00a0no', '', true],
    ['a\\sb', 'a\u3000b', '', true],
    ['a\\Sb', 'a\u00a0b', '', false],
    ['[\\s]x', '\u2028x', '', true],
    // . stops at \r and the Unicode line separators without s, as in JavaScript
    ['a.b', 'a\rb', '', false],
    ['a.b', 'a\u2028b', '', false],
    ['a.b', 'a\rb', 's', true],
    // JavaScript-only spellings
    ['[^]', '\n', '', true],
    ['x[]', 'x', '', false],
    ['\\cJ', '\n', '', true],
    ['\\u00e9', 'é', '', true],
    ['\\u{1F600}', '😀', 'u', true],
    ['\\uD83D\\uDE00', '😀', '', true],
    ['(?<year>\\d{4})-', '2026-', '', true],
    ['[\\b]', '\b', '', true],
    ['\\0', '\0', '', true],
    ['\\p{Lu}', 'É', 'u', true],
    // braces and brackets that are literal in JavaScript stay literal
    ['a{,5}', 'a{,5}', '', true],
    ['x{', 'x{', '', true],
    ['a]', 'a]', '', true],
    ['[[]', '[', '', true],
    ['\\@\\-\\/', '@-/', '', true],
    // flags
    ['^b$', 'a\nb\nc', 'm', true],
    ['^b$', 'a\nb\nc', '', false],
    ['ABC', 'abc', 'i', true],
    ['ABC', 'abc', '', false],
    ['(?:x|y){3}', 'xyx', '', true],
  ])('/%s/%s on %j: %s', (source, text, flags, expected) => {
    expect(test(source, text, flags)).toBe(expected);
  });
});

describe('compileLinearRegex: agrees with JavaScript on ordinary patterns', () => {
  const PATTERNS = [
    'invoice\\s+no\\.?\\s*\\d+',
    '^re:',
    '^(re|fwd?):\\s*',
    '\\bunsubscribe\\b',
    '[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}',
    '\\$\\d{1,3}(,\\d{3})*(\\.\\d\\d)?',
    'order #?\\d{5,}',
    '^\\s*$',
    '(?:urgent|asap)!*$',
    '[^\\x00-\\x7f]',
    '\\W{3}',
    'caf\\u00e9',
    'a.c',
    '^$',
    '\\d{4}-\\d{2}-\\d{2}',
    '(?<user>[^@\\s]+)@example\\.test',
    'x{2,}?y',
    '[\\]\\[]',
  ];
  const TEXTS = [
    '',
    'Invoice No. 12345',
    'invoice  no 7',
    'RE: lunch',
    'Fwd:  hello',
    'please Unsubscribe here',
    'write to Alice.B+news@Example.test today',
    'total $1,234.50 due',
    'ORDER #123456',
    '   \t ',
    'do it ASAP!!!',
    'café crème',
    'abc\na\nc',
    '2026-11-26',
    'xxy',
    '[x]',
    'a\u00a0\u2003b',
  ];
  const cases = PATTERNS.flatMap((source) =>
    ['i', '', 'im', 'is'].map((flags) => [source, flags] as const),
  );

  it.each(cases)('/%s/%s', (source, flags) => {
    const js = new RegExp(source, flags);
    const linear = compile(source, flags);

    for (const text of TEXTS) {
      expect({ text, match: linear.test(text, evaluationBudget(60_000)) }).toEqual({
        text,
        match: js.test(text),
      });
    }
  });
});

describe('compileLinearRegex: what RE2 cannot do is a clear problem', () => {
  it.each([
    ['(a)\\1', /backreference/],
    ['(?<n>a)\\k<n>', /backreference/],
    ['a(?=b)', /lookahead/],
    ['a(?!b)', /lookahead/],
    ['(?<=a)b', /lookbehind/],
    ['(?<!a)b', /lookbehind/],
    ['\\p{L}', /needs the u flag/],
    ['\\q', /not a supported escape/],
    ['\\01', /octal/],
    ['[\\S]', /\\S inside/],
    ['a{1001}', /linear-time engine \(RE2\): invalid repeat count/],
    ['a{100000000000000000000000000000}', /linear-time engine \(RE2\): invalid repeat count/],
  ])('/%s/ is refused', (source, expected) => {
    expect(problem(source, '')).toMatch(expected);
  });

  it('accepts an ordinary pattern', () => {
    expect(problem('invoice\\s+no\\.?\\s*\\d+', 'i')).toBeNull();
  });
});
