import { closest } from '../did-you-mean.js';
import { GROUPS, SPECS } from './command-specs.js';

const NAMES = SPECS.map(([, spec]) => spec.name);
const FIRST_WORDS = [...new Set([...NAMES.map((name) => name[0] as string), 'help'])];

const subcommands = (group: string): string[] =>
  NAMES.filter((name) => name[0] === group && name.length > 1).map((name) => name[1] as string);

/**
 * The command a mistyped one most likely meant: `rnu` → run, `config chek` → config check,
 * `confg check` → config check, `check` → config check. Undefined when nothing is close.
 */
export const suggestCommand = (words: readonly string[]): string | undefined => {
  const [first = '', second] = words;
  if (Object.hasOwn(GROUPS, first)) {
    const sub = second === undefined ? undefined : closest(second, subcommands(first));
    return sub ? `${first} ${sub}` : undefined;
  }
  const word = closest(first, FIRST_WORDS);
  if (word && Object.hasOwn(GROUPS, word)) {
    const subs = subcommands(word);
    const sub =
      second === undefined ? undefined : subs.includes(second) ? second : closest(second, subs);
    return sub ? `${word} ${sub}` : word;
  }
  if (word) return word;
  // The second word alone: `popfwd check` for `popfwd config check`.
  const full = NAMES.find((name) => name.length > 1 && name[1] === first);
  return full?.join(' ');
};
