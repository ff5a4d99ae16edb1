import { MatcherInputBase, RE2JS, RE2JSException, RE2Set } from 're2js';
import type { EvaluationBudget } from './budget.js';
import { translateRegex } from './regex-translate.js';

/**
 * Rule regexes run on RE2 (re2js, a pure-JavaScript port): matching time grows linearly with the
 * text, whatever the pattern, so `(a|a)*b` or `\s*\s*\s*$` cannot stall a run on a hostile
 * message. Linear can still be slow for a big program on a long body, so matching is also
 * interruptible: the text is handed to the engine as a String whose `charCodeAt` (the engine's
 * only per-character read) checks the evaluation budget every few thousand characters.
 *
 * re2js is pinned to an exact version: the interruption relies on how it reads a UTF-16 input,
 * which test/unit/rules/linear-regex.test.ts checks.
 */
export interface LinearRegex {
  /** Whether the pattern matches anywhere in `text`; throws the budget's error when it runs out. */
  test(text: string, budget: EvaluationBudget): boolean;
}

/** Characters read between two looks at the clock. */
const CHECK_EVERY = 4096;

const FLAGS: Readonly<Record<string, number>> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
};

/** The text as the engine reads it, with a budget check every CHECK_EVERY characters. */
class BudgetedText extends String {
  readonly #text: string;
  readonly #budget: EvaluationBudget;
  #left = CHECK_EVERY;

  constructor(text: string, budget: EvaluationBudget) {
    super(text);
    this.#text = text;
    this.#budget = budget;
  }

  override charCodeAt(index: number): number {
    this.#left -= 1;
    if (this.#left === 0) {
      this.#left = CHECK_EVERY;
      this.#budget.check();
    }
    return this.#text.charCodeAt(index);
  }
}

class BudgetedInput extends MatcherInputBase {
  readonly #text: BudgetedText;
  readonly #length: number;

  constructor(text: string, budget: EvaluationBudget) {
    super();
    this.#text = new BudgetedText(text, budget);
    this.#length = text.length;
  }

  // re2js's typings say void; the engine reads the encoding tag returned here.
  override getEncoding(): number {
    return MatcherInputBase.Encoding.UTF_16 as number;
  }

  override asCharSequence(): string {
    return this.#text as unknown as string;
  }

  override asBytes(): never {
    throw new Error('a budgeted input is read as UTF-16 only');
  }

  override length(): number {
    return this.#length;
  }
}

const engineMessage = (error: unknown): string =>
  (error as Error).message.replace(/^error parsing regexp: /, '');

/** Compiles a config regex (JavaScript syntax) for RE2, or says why it cannot be. */
export const compileLinearRegex = (
  source: string,
  flags: string,
): { regex: LinearRegex } | { problem: string } => {
  const translated = translateRegex(source, flags);
  if ('problem' in translated) return translated;
  let compiled: RE2JS;
  try {
    const bits = [...flags].reduce((sum, flag) => sum | (FLAGS[flag] ?? 0), 0);
    compiled = RE2JS.compile(translated.pattern, bits);
  } catch (error) {
    if (!(error instanceof RE2JSException)) throw error;
    return { problem: `not supported by the linear-time engine (RE2): ${engineMessage(error)}` };
  }
  const re2 = compiled.re2();
  return {
    regex: {
      test: (text, budget) => {
        budget.check();
        // No capture groups asked for: the engine may use its DFA, the fastest path.
        const [found] = re2.matchWithGroup(
          new BudgetedInput(text, budget),
          0,
          text.length,
          RE2Set.UNANCHORED,
          0,
        ) as [boolean, unknown];
        return found;
      },
    },
  };
};
