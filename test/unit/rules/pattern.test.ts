import { describe, expect, it } from 'vitest';
import { evaluationBudget } from '../../../lambda/rules/budget.js';
import {
  compileMatcher,
  matchable,
  regexProblem,
  type TextMatcher,
} from '../../../lambda/rules/pattern.js';

const matches = (matcher: TextMatcher, text: string): boolean =>
  compileMatcher(matcher)(matchable(text), evaluationBudget());

describe('compileMatcher', () => {
  it.each([
    // glob: anchored, * any run, ? one character, case-insensitive
    [{ glob: '*@boss.example' }, 'ceo@boss.example', true],
    [{ glob: '*@boss.example' }, 'CEO@BOSS.Example', true],
    [{ glob: '*@boss.example' }, 'ceo@boss.example.evil', false],
    [{ glob: '*@boss.example' }, 'ceo@notboss.example', false],
    [{ glob: 'a?c' }, 'abc', true],
    [{ glob: 'a?c' }, 'ac', false],
    [{ glob: '*invoice*' }, 'Your INVOICE for May', true],
    [{ glob: '*a*b*c' }, 'xxaxxbxxc', true],
    [{ glob: '*a*b*c' }, 'xxaxxcxxb', false],
    [{ glob: '**' }, '', true],
    [{ glob: 'exact' }, 'exact', true],
    [{ glob: 'exact' }, 'exactly', false],
    [{ glob: 'what\\?' }, 'what?', true],
    [{ glob: 'what\\?' }, 'whats', false],
    [{ glob: '100\\*' }, '100*', true],
    [{ glob: '*line two*' }, 'line one\nline two\nline three', true],
    // is: whole value, case-insensitive
    [{ is: 'Hello' }, 'hello', true],
    [{ is: 'Hello' }, 'hello there', false],
    // contains: substring, case-insensitive
    [{ contains: 'URGENT' }, 'this is urgent!', true],
    [{ contains: 'urgent' }, 'urge', false],
    // regex: flags as given
    [{ regex: '^re:', flags: 'i' }, 'RE: lunch', true],
    [{ regex: '^re:', flags: '' }, 'RE: lunch', false],
    [{ regex: 'invoice\\s+no\\.?\\s*\\d+', flags: 'i' }, 'Invoice No. 4711', true],
    [{ regex: '^b$', flags: 'm' }, 'a\nb\nc', true],
  ] as const)('%j on %j → %s', (matcher, text, expected) => {
    expect(matches(matcher, text)).toBe(expected);
  });

  it('matches a many-star glob on a megabyte without backtracking blow-up', () => {
    // Prepare: the classic exponential case for regex-based globs
    const text = 'a'.repeat(1_000_000);
    const matcher = { glob: '*a*a*a*a*a*a*a*a*b' };

    // Act
    const result = matches(matcher, text);

    // Assess
    expect(result).toBe(false);
  });

  it('compiles each matcher object once and reuses it', () => {
    const matcher = { regex: 'x', flags: 'i' };

    expect(compileMatcher(matcher)).toBe(compileMatcher(matcher));
  });
});

describe('regexProblem', () => {
  it.each([
    '(a+)+$',
    '(a*)*',
    '(x+y)+',
    '(.*a){2,}',
    '(a+){10}',
    '((ab)*c)+',
    '(?:\\w+\\s?)+$',
    '([a-z]+)*@',
    '[^](a+)+$',
    '[\\]](x+)+',
  ])('refuses the catastrophic-backtracking shape %s', (source) => {
    expect(regexProblem(source, 'i')).toMatch(/nested repetition/);
  });

  it.each([
    'invoice\\s+no\\.?\\s*\\d+',
    '^(re|fwd?):',
    '(ab)+',
    '(a+)?',
    '(a+){1}',
    '[(+*)]+',
    '\\(a+\\)+',
    'a{2,5}b+',
    '^\\[list\\]',
    '(?<year>\\d{4})-(?<month>\\d{2})',
    'x{',
  ])('accepts %s', (source) => {
    expect(regexProblem(source, 'i')).toBeNull();
  });

  it.each([
    ['(', 'i', /not a valid regular expression/],
    ['a', 'g', /flag "g" is not supported/],
    ['a', 'y', /flag "y" is not supported/],
    ['a', 'ii', /must not repeat/],
  ])('reports %s with flags %s', (source, flags, problem) => {
    expect(regexProblem(source, flags)).toMatch(problem);
  });
});
