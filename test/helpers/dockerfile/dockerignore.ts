/**
 * `.dockerignore` as Docker reads it: patterns in order, the last one that matches a path or any
 * of its parent directories decides, `!` re-includes. `*` and `?` stay within one path segment,
 * `**` spans any number. Character classes and escapes are refused: the test does not implement
 * them, so a pattern using one must not be silently misread.
 */

interface Pattern {
  readonly source: string;
  readonly exclude: boolean;
  readonly regex: RegExp;
}

const toRegex = (pattern: string): RegExp => {
  let out = '^';
  for (let i = 0; i < pattern.length; i += 1) {
    const ch = pattern[i] as string;
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        i += 1;
        if (pattern[i + 1] === '/') i += 1;
        out += i + 1 >= pattern.length ? '.*' : '(.*/)?';
      } else {
        out += '[^/]*';
      }
    } else if (ch === '?') {
      out += '[^/]';
    } else {
      out += ch.replace(/[.+^${}()|\\]/g, '\\$&');
    }
  }
  return new RegExp(`${out}$`);
};

/** filepath.Clean for the patterns Docker cleans: no leading `/`, `./`, doubled or trailing `/`. */
const clean = (pattern: string): string =>
  pattern
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/');

export const parseDockerignore = (text: string): Pattern[] =>
  text.split('\n').flatMap((raw) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return [];
    const exclude = !line.startsWith('!');
    const body = clean(exclude ? line : line.slice(1).trim());
    if (/[[\]\\]/.test(body) || body.split('/').includes('..')) {
      throw new Error(`.dockerignore: the test does not understand the pattern "${line}"`);
    }
    if (body === '') return [];
    return [{ source: line, exclude, regex: toRegex(body) }];
  });

/** Whether a path relative to the build context (`a/b/c.ts`) is left out of the context. */
export const isIgnored = (patterns: readonly Pattern[], path: string): boolean => {
  const parts = path.split('/');
  const candidates = parts.map((_, index) => parts.slice(0, index + 1).join('/'));
  let ignored = false;
  for (const pattern of patterns) {
    if (candidates.some((candidate) => pattern.regex.test(candidate))) ignored = pattern.exclude;
  }
  return ignored;
};
